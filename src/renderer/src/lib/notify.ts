// Desktop notifications for what a trader must not miss: fills, exits, rejections. Shown only when the
// platform allows it (Electron grants it; a browser asks once, on the first click).
import type { AppEvent } from '../../../shared/contract.ts';
import { useTerminal } from '../store/store.ts';
import { type NoteView, notesFor } from './notes.ts';
import { planLabelNow, tickOf } from './view-hooks.ts';

/** More than this many in one batch collapse into one summary notification. */
const MAX_PER_BATCH = 3;

export function notifyDesktop(events: readonly AppEvent[]): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const state = useTerminal.getState();
  const view: NoteView = { tick: (symbol) => tickOf(state, symbol), label: (id) => planLabelNow(state, id) };
  const notes = notesFor(events, view);
  if (notes.length === 0) return;
  const shown =
    notes.length > MAX_PER_BATCH
      ? [{ title: 'Braid', body: `${notes.length} fills, exits, rejections and lessons` }]
      : notes;
  for (const n of shown) new Notification(n.title, { body: n.body });
}

/** Asks once, on the operator's first interaction (browsers refuse a prompt without one). */
export function askNotificationPermissionOnce(): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'default') return;
  const ask = (): void => {
    window.removeEventListener('pointerdown', ask);
    void Notification.requestPermission();
  };
  window.addEventListener('pointerdown', ask);
}
