// What crosses a boundary instead of a thrown error.
export type Ok<T> = { ok: true; value: T };
export type Err = { ok: false; error: { code: string; message: string } };
export type Result<T> = Ok<T> | Err;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = (code: string, message: string): Err => ({ ok: false, error: { code, message } });
