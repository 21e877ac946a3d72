// The contract over Electron IPC. Every handler checks first that the message comes from the app's own
// main frame (not an iframe, not a page we navigated away to), then parses the input with the contract's
// schemas, then asks the host; the answer is always a Result. Every registration returns a disposer.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import {
  type AppSnapshot,
  IPC_INVOKE,
  IPC_PUSH,
  IPC_SUBSCRIBE,
  IPC_UNSUBSCRIBE,
  type PushMessage,
} from '../shared/contract.ts';
import { err, ok, type Result } from '../shared/result.ts';
import { parseCommand } from '../shared/schemas.ts';
import type { Disposer, HostHandle } from './host/types.ts';

type IpcRegistry = Pick<IpcMain, 'handle' | 'removeHandler'>;

/** The sender is the top frame of one of our web contents, showing one of our pages. */
export function isTrustedSender(event: IpcMainInvokeEvent, isAppUrl: (url: string) => boolean): boolean {
  const frame = event.senderFrame;
  if (frame === null || frame === undefined || frame.parent !== null) return false;
  // The same frame as the sender's main frame (by identity, or by its ids should the wrapper differ).
  const main = event.sender.mainFrame;
  const same = frame === main || (frame.processId === main.processId && frame.routingId === main.routingId);
  return same && isAppUrl(frame.url);
}

/** Registers one invoke handler: sender check, then the handler; a throw becomes an error Result. */
export function handle(
  ipcMain: IpcRegistry,
  channel: string,
  isAppUrl: (url: string) => boolean,
  handler: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<Result<unknown>> | Result<unknown>,
): Disposer {
  ipcMain.handle(channel, async (event, ...args: unknown[]) => {
    if (!isTrustedSender(event, isAppUrl)) return err('forbidden', `${channel}: sender is not the app`);
    try {
      return await handler(event, ...args);
    } catch (error) {
      return err('internal', `${channel} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  return () => ipcMain.removeHandler(channel);
}

const isSubscriptionId = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) > 0;

/**
 * The braid channels: invoke (a command), subscribe (snapshot as the answer, then `braid:push` messages
 * for that subscription), unsubscribe. Subscriptions end with their page (reload, navigation, close).
 */
export function registerIpc(options: {
  ipcMain: IpcRegistry;
  host: HostHandle;
  isAppUrl: (url: string) => boolean;
}): Disposer {
  const { ipcMain, host, isAppUrl } = options;
  // Per web contents: subscription id -> unsubscribe.
  const pages = new Map<WebContents, Map<number, Disposer>>();

  const endPage = (contents: WebContents) => {
    const subs = pages.get(contents);
    if (subs === undefined) return;
    for (const dispose of subs.values()) dispose();
    pages.delete(contents);
  };

  const subsOf = (contents: WebContents) => {
    let subs = pages.get(contents);
    if (subs === undefined) {
      subs = new Map();
      pages.set(contents, subs);
      contents.once('destroyed', () => endPage(contents));
      contents.on('did-start-navigation', (details) => {
        if (details.isMainFrame && !details.isSameDocument) endPage(contents);
      });
    }
    return subs;
  };

  const disposers: Disposer[] = [
    handle(ipcMain, IPC_INVOKE, isAppUrl, (_event, name, args) => {
      // Checked here so garbage never reaches the engine thread; the host checks again (it trusts no one).
      const parsed = parseCommand(name, args);
      if (!parsed.ok) return parsed;
      return host.invoke(name, args);
    }),

    handle(ipcMain, IPC_SUBSCRIBE, isAppUrl, (event, sid) => {
      if (!isSubscriptionId(sid)) return err('invalid_input', 'subscribe: expected a positive integer id');
      const contents = event.sender;
      const subs = subsOf(contents);
      subs.get(sid)?.();
      return new Promise<Result<AppSnapshot>>((resolve) => {
        let answered = false;
        const unsubscribe = host.subscribe((message: PushMessage) => {
          if (message.kind === 'snapshot' && !answered) {
            answered = true;
            resolve(ok(message.snapshot));
          } else if (!contents.isDestroyed()) {
            contents.send(IPC_PUSH, sid, message);
          }
        });
        subs.set(sid, () => {
          unsubscribe();
          if (!answered) resolve(err('unsubscribed', 'the subscription ended before its snapshot'));
          answered = true;
        });
      });
    }),

    handle(ipcMain, IPC_UNSUBSCRIBE, isAppUrl, (event, sid) => {
      if (!isSubscriptionId(sid)) return err('invalid_input', 'unsubscribe: expected a positive integer id');
      const subs = pages.get(event.sender);
      subs?.get(sid)?.();
      subs?.delete(sid);
      return ok(null);
    }),
  ];

  return () => {
    for (const dispose of disposers) dispose();
    for (const contents of [...pages.keys()]) endPage(contents);
  };
}
