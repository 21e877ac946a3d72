// The link to the engine, as the operator must see it.
//
//   useConnection     zustand store: { status, lastMessageAt, attempt }
//     status          'connecting'   first connection, no snapshot yet
//                     'connected'    a snapshot arrived on the live link: what the panels show is current
//                     'reconnecting' the link dropped: everything on screen is stale until the next snapshot
//     lastMessageAt   wall-clock ms of the last message from the engine (null before the first)
//     attempt         reconnection attempts since the link dropped (0 while connected)
//     refused         the server answers but refuses this page's token (a restart that rotated it)
//   useIsConnected()  true only while 'connected'
//   DISCONNECTED_TEXT the words every panel shows while the link is down
//
// Only src/renderer/src/api/ writes it (connectionOpened / connectionLost / messageReceived).
import { create } from 'zustand';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting';

export interface ConnectionState {
  status: ConnectionStatus;
  lastMessageAt: number | null;
  attempt: number;
  refused: boolean;
}

export const DISCONNECTED_TEXT = 'Disconnected \u2014 reconnecting';

export const useConnection = create<ConnectionState>()(() => ({
  status: 'connecting',
  lastMessageAt: null,
  attempt: 0,
  refused: false,
}));

export const useIsConnected = (): boolean => useConnection((s) => s.status === 'connected');

/** A snapshot arrived on a live link (`now`: wall-clock ms, passed in by the transport). */
export function connectionOpened(now: number): void {
  useConnection.setState({ status: 'connected', lastMessageAt: now, attempt: 0, refused: false });
}

/** The link dropped (or a connection attempt failed): `attempt` counts the tries since. */
export function connectionLost(attempt: number): void {
  useConnection.setState((s) => ({
    // Before the first snapshot there is nothing stale to warn about: still "connecting".
    status: s.status === 'connecting' && s.lastMessageAt === null ? 'connecting' : 'reconnecting',
    attempt,
  }));
}

/** What a probe of the HTTP API said about this page's token while the link is down. */
export function tokenRefused(refused: boolean): void {
  if (useConnection.getState().refused !== refused) useConnection.setState({ refused });
}

export function messageReceived(now: number): void {
  useConnection.setState({ lastMessageAt: now });
}
