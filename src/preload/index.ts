// The preload: one object, `window.braid`, built from the contract and checked against it with
// `satisfies`. The renderer never sees ipcRenderer, events or channels: only invoke and subscribe.
// Runs sandboxed (bundled to CommonJS by electron-vite): the only import at run time is electron.
import { contextBridge, ipcRenderer } from 'electron';
import {
  type AppSnapshot,
  type BraidApi,
  type CommandArgs,
  type CommandName,
  type CommandResults,
  IPC_INVOKE,
  IPC_PUSH,
  IPC_SUBSCRIBE,
  IPC_UNSUBSCRIBE,
  type PushMessage,
} from '../shared/contract.ts';
import type { Result } from '../shared/result.ts';

let nextSubscription = 1;

const braid = {
  invoke<N extends CommandName>(name: N, args: CommandArgs<N>): Promise<Result<CommandResults[N]>> {
    return ipcRenderer.invoke(IPC_INVOKE, name, args) as Promise<Result<CommandResults[N]>>;
  },

  subscribe(listener: (message: PushMessage) => void): () => void {
    const sid = nextSubscription++;
    let ready = false;
    let ended = false;
    // Pushes can overtake the snapshot answer: they are newer than it, so they wait and follow it.
    const early: PushMessage[] = [];
    const onPush = (_event: unknown, pushSid: unknown, message: PushMessage) => {
      if (pushSid !== sid || ended) return;
      if (ready) listener(message);
      else early.push(message);
    };
    ipcRenderer.on(IPC_PUSH, onPush);
    void (ipcRenderer.invoke(IPC_SUBSCRIBE, sid) as Promise<Result<AppSnapshot>>).then(
      (result) => {
        if (ended) return;
        if (!result.ok) {
          console.error(`braid: subscribe failed: ${result.error.message}`);
          return;
        }
        listener({ kind: 'snapshot', snapshot: result.value });
        ready = true;
        for (const message of early.splice(0)) listener(message);
      },
      (error: unknown) => console.error(`braid: subscribe failed: ${String(error)}`),
    );
    return () => {
      if (ended) return;
      ended = true;
      ipcRenderer.removeListener(IPC_PUSH, onPush);
      // The page may be going away with main's handlers already gone: nothing left to undo then.
      ipcRenderer.invoke(IPC_UNSUBSCRIBE, sid).catch(() => {});
    };
  },
} satisfies BraidApi;

contextBridge.exposeInMainWorld('braid', braid);
