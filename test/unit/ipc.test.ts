// IPC handler registration with fake ipcMain / webContents / frames (no Electron binary needed).
import type { IpcMainInvokeEvent } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import type { HostHandle } from '../../src/main/host/types.ts';
import { handle, isTrustedSender, registerIpc } from '../../src/main/ipc.ts';
import type { BraidApi, PushMessage } from '../../src/shared/contract.ts';
import {
  type AppSnapshot,
  IPC_INVOKE,
  IPC_PUSH,
  IPC_SUBSCRIBE,
  IPC_UNSUBSCRIBE,
} from '../../src/shared/contract.ts';
import { ok, type Result } from '../../src/shared/result.ts';
import { waitFor } from '../helpers/wait.ts';

// The preload runs against a fake electron module: what it exposes, and how it orders pushes.
const fakeElectron = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  const pushListeners = new Set<(event: unknown, ...args: unknown[]) => void>();
  const invokes: unknown[][] = [];
  let answerSubscribe: ((value: unknown) => void) | null = null;
  return {
    exposed,
    pushListeners,
    invokes,
    answer: (value: unknown) => answerSubscribe?.(value),
    module: {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
      ipcRenderer: {
        invoke: (channel: string, ...args: unknown[]) => {
          invokes.push([channel, ...args]);
          if (channel === 'braid:subscribe') return new Promise((resolve) => (answerSubscribe = resolve));
          return Promise.resolve({ ok: true, value: null });
        },
        on: (_channel: string, fn: (event: unknown, ...args: unknown[]) => void) => pushListeners.add(fn),
        removeListener: (_channel: string, fn: (event: unknown, ...args: unknown[]) => void) =>
          pushListeners.delete(fn),
      },
    },
  };
});
vi.mock('electron', () => fakeElectron.module);

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

class FakeIpcMain {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler) {
    // Electron refuses a second handler on one channel: so does the fake.
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  call(channel: string, event: IpcMainInvokeEvent, ...args: unknown[]): Promise<Result<unknown>> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler(event, ...args) as Promise<Result<unknown>>;
  }
}

interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  processId: number;
  routingId: number;
}

class FakeContents {
  readonly mainFrame: FakeFrame;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  destroyed = false;
  private readonly listeners = new Map<string, Array<(...args: unknown[]) => void>>();
  constructor(url: string) {
    this.mainFrame = { url, parent: null, processId: 7, routingId: 1 };
  }
  isDestroyed() {
    return this.destroyed;
  }
  send(channel: string, ...args: unknown[]) {
    this.sent.push({ channel, args });
  }
  on(name: string, fn: (...args: unknown[]) => void) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
    return this;
  }
  once(name: string, fn: (...args: unknown[]) => void) {
    return this.on(name, fn);
  }
  emit(name: string, ...args: unknown[]) {
    for (const fn of this.listeners.get(name) ?? []) fn(...args);
  }
  iframe(url: string): FakeFrame {
    return { url, parent: this.mainFrame, processId: 7, routingId: 2 };
  }
}

const APP_URL = 'app://braid/index.html';
const isAppUrl = (url: string) => url.startsWith('app://braid/');

const eventFrom = (contents: FakeContents, frame: FakeFrame | null = contents.mainFrame) =>
  ({ sender: contents, senderFrame: frame }) as unknown as IpcMainInvokeEvent;

const SNAPSHOT = { engine: { time: 1 }, host: { mode: 'PAPER' } } as unknown as AppSnapshot;

/** A host that records what reaches it. */
function fakeHost() {
  const invokes: Array<{ name: unknown; args: unknown }> = [];
  const listeners = new Set<(m: PushMessage) => void>();
  const host: HostHandle = {
    async invoke(name, args) {
      invokes.push({ name, args });
      return ok({ done: name });
    },
    subscribe(listener) {
      listeners.add(listener);
      listener({ kind: 'snapshot', snapshot: SNAPSHOT });
      return () => listeners.delete(listener);
    },
    async close() {},
  };
  const push = (message: PushMessage) => {
    for (const l of listeners) l(message);
  };
  return { host, invokes, listeners, push };
}

function setup() {
  const ipcMain = new FakeIpcMain();
  const fake = fakeHost();
  const dispose = registerIpc({ ipcMain, host: fake.host, isAppUrl });
  const contents = new FakeContents(APP_URL);
  return { ipcMain, ...fake, dispose, contents };
}

describe('isTrustedSender', () => {
  const contents = new FakeContents(APP_URL);
  it('trusts only the main frame of an app page', () => {
    expect(isTrustedSender(eventFrom(contents), isAppUrl)).toBe(true);
    expect(isTrustedSender(eventFrom(contents, contents.iframe(APP_URL)), isAppUrl)).toBe(false);
    expect(isTrustedSender(eventFrom(contents, null), isAppUrl)).toBe(false);
    expect(isTrustedSender(eventFrom(new FakeContents('https://evil.example/')), isAppUrl)).toBe(false);
    // A frame object that only claims to be a main frame (not the sender's own) is refused too.
    expect(
      isTrustedSender(
        eventFrom(contents, { url: APP_URL, parent: null, processId: 7, routingId: 3 }),
        isAppUrl,
      ),
    ).toBe(false);
  });
});

describe('braid:invoke', () => {
  it('passes a valid command from the app to the host and returns its Result', async () => {
    const { ipcMain, invokes, contents } = setup();
    const result = await ipcMain.call(IPC_INVOKE, eventFrom(contents), 'approve', { planId: 'p-1' });
    expect(result).toEqual({ ok: true, value: { done: 'approve' } });
    expect(invokes).toEqual([{ name: 'approve', args: { planId: 'p-1' } }]);
  });

  it('refuses a sender that is an iframe, a foreign page or gone, and the host sees nothing', async () => {
    const { ipcMain, invokes, contents } = setup();
    const senders = [
      eventFrom(contents, contents.iframe(APP_URL)),
      eventFrom(new FakeContents('https://evil.example/')),
      eventFrom(contents, null),
    ];
    for (const event of senders) {
      expect(await ipcMain.call(IPC_INVOKE, event, 'kill', {})).toEqual({
        ok: false,
        error: { code: 'forbidden', message: 'braid:invoke: sender is not the app' },
      });
    }
    expect(invokes).toEqual([]);
  });

  it('refuses invalid input with a clear error before the host', async () => {
    const { ipcMain, invokes, contents } = setup();
    expect(await ipcMain.call(IPC_INVOKE, eventFrom(contents), 'approve', { planId: 42 })).toEqual({
      ok: false,
      // The wording is the schema's (tested with it); here: refused, naming the field, before the host.
      error: { code: 'invalid_input', message: expect.stringContaining('planId: ') },
    });
    expect(await ipcMain.call(IPC_INVOKE, eventFrom(contents), 'rm -rf', {})).toEqual({
      ok: false,
      error: { code: 'unknown_command', message: 'unknown command: rm -rf' },
    });
    expect(await ipcMain.call(IPC_INVOKE, eventFrom(contents), 'setPin', { pin: '12' })).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('PIN must be 4 to 12 digits') },
    });
    expect(invokes).toEqual([]);
  });
});

describe('handle()', () => {
  it('turns a throwing handler into an error Result and its disposer removes it', async () => {
    const ipcMain = new FakeIpcMain();
    const contents = new FakeContents(APP_URL);
    const dispose = handle(ipcMain, 'x', isAppUrl, () => {
      throw new Error('boom');
    });
    expect(await ipcMain.call('x', eventFrom(contents))).toEqual({
      ok: false,
      error: { code: 'internal', message: 'x failed: boom' },
    });
    dispose();
    expect(ipcMain.handlers.has('x')).toBe(false);
  });
});

describe('subscriptions', () => {
  it('answers subscribe with the snapshot, then pushes events tagged with the subscription id', async () => {
    const { ipcMain, push, contents, listeners } = setup();
    expect(await ipcMain.call(IPC_SUBSCRIBE, eventFrom(contents), 3)).toEqual({ ok: true, value: SNAPSHOT });
    const events: PushMessage = {
      kind: 'events',
      events: [{ type: 'tradingState', state: 'HALTED', reason: 'kill' }],
    };
    push(events);
    expect(contents.sent).toEqual([{ channel: IPC_PUSH, args: [3, events] }]);

    expect(await ipcMain.call(IPC_UNSUBSCRIBE, eventFrom(contents), 3)).toEqual({ ok: true, value: null });
    expect(listeners.size).toBe(0);
    push(events);
    expect(contents.sent).toHaveLength(1);
  });

  it('refuses subscribe from a foreign sender and a malformed id', async () => {
    const { ipcMain, contents, listeners } = setup();
    expect((await ipcMain.call(IPC_SUBSCRIBE, eventFrom(contents, contents.iframe(APP_URL)), 1)).ok).toBe(
      false,
    );
    expect(await ipcMain.call(IPC_SUBSCRIBE, eventFrom(contents), 'all')).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'subscribe: expected a positive integer id' },
    });
    expect(listeners.size).toBe(0);
  });

  it('ends a page’s subscriptions when it navigates or is destroyed', async () => {
    const { ipcMain, contents, listeners } = setup();
    await ipcMain.call(IPC_SUBSCRIBE, eventFrom(contents), 1);
    await ipcMain.call(IPC_SUBSCRIBE, eventFrom(contents), 2);
    expect(listeners.size).toBe(2);
    contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
    expect(listeners.size).toBe(2);
    contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    expect(listeners.size).toBe(0);

    await ipcMain.call(IPC_SUBSCRIBE, eventFrom(contents), 1);
    expect(listeners.size).toBe(1);
    contents.destroyed = true;
    contents.emit('destroyed');
    expect(listeners.size).toBe(0);
  });

  it('a second subscribe with the same id replaces the first', async () => {
    const { ipcMain, contents, listeners } = setup();
    await ipcMain.call(IPC_SUBSCRIBE, eventFrom(contents), 1);
    await ipcMain.call(IPC_SUBSCRIBE, eventFrom(contents), 1);
    expect(listeners.size).toBe(1);
  });
});

describe('registerIpc disposer', () => {
  it('removes every handler and ends every subscription', async () => {
    const { ipcMain, dispose, contents, listeners } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual([IPC_INVOKE, IPC_SUBSCRIBE, IPC_UNSUBSCRIBE].sort());
    await ipcMain.call(IPC_SUBSCRIBE, eventFrom(contents), 1);
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
    expect(listeners.size).toBe(0);
    // Registering again works: nothing was left behind.
    registerIpc({ ipcMain, host: fakeHost().host, isAppUrl })();
  });
});

describe('preload', () => {
  it('exposes one object, braid, with invoke and subscribe only', async () => {
    await import('../../src/preload/index.ts');
    expect([...fakeElectron.exposed.keys()]).toEqual(['braid']);
    const braid = fakeElectron.exposed.get('braid') as Record<string, unknown>;
    expect(Object.keys(braid).sort()).toEqual(['invoke', 'subscribe']);
    expect(await (braid as unknown as BraidApi).invoke('approve', { planId: 'p-1' })).toEqual({
      ok: true,
      value: null,
    });
    expect(fakeElectron.invokes.at(-1)).toEqual([IPC_INVOKE, 'approve', { planId: 'p-1' }]);
  });

  it('delivers the snapshot first, then pushes that overtook it, then later pushes; only its own', async () => {
    await import('../../src/preload/index.ts');
    const braid = fakeElectron.exposed.get('braid') as BraidApi;
    const got: PushMessage[] = [];
    const off = braid.subscribe((m) => got.push(m));
    const [channel, sid] = fakeElectron.invokes.at(-1)!;
    expect(channel).toBe(IPC_SUBSCRIBE);
    const push = (forSid: unknown, message: PushMessage) => {
      for (const l of fakeElectron.pushListeners) l({}, forSid, message);
    };
    const early: PushMessage = {
      kind: 'events',
      events: [{ type: 'tradingState', state: 'HALTED', reason: 'k' }],
    };
    const late: PushMessage = {
      kind: 'events',
      events: [{ type: 'tradingState', state: 'ACTIVE', reason: 'r' }],
    };
    push(sid, early);
    push(Number(sid) + 100, late); // another subscription's
    expect(got).toEqual([]);
    fakeElectron.answer({ ok: true, value: SNAPSHOT });
    await waitFor('the snapshot answer', () => got.length > 0);
    expect(got).toEqual([{ kind: 'snapshot', snapshot: SNAPSHOT }, early]);
    push(sid, late);
    expect(got).toHaveLength(3);
    off();
    expect(fakeElectron.invokes.at(-1)).toEqual([IPC_UNSUBSCRIBE, sid]);
    push(sid, late);
    expect(got).toHaveLength(3);
    expect(fakeElectron.pushListeners.size).toBe(0);
  });
});
