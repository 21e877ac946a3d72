// The middle of a bench's runs (the mean of the two middle ones for an even count): one slow run, a
// machine hiccup, does not move it.
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
