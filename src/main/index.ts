/// <reference types="electron-vite/node" />
// Electron main: app lifecycle and wiring only. The engine runs in a worker thread (host/worker.ts) so
// this thread, which serves the window and IPC, never blocks on journal writes or fills.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, session } from 'electron';
import { createCredentialVault, credentialEnv } from './credential-vault.ts';
import type { HostHandle } from './host/types.ts';
import hostWorkerPath from './host/worker.ts?modulePath';
import { startHostWorker } from './host/worker-client.ts';
import { type Inbox, startInbox } from './intake/inbox.ts';
import { hostDoor } from './intake/plan-door.ts';
import { registerIpc } from './ipc.ts';
import {
  APP_ORIGIN,
  contentSecurityPolicy,
  guardPermissions,
  guardWebContents,
  registerAppScheme,
  restrictRequests,
  secureWebPreferences,
  serveAppProtocol,
} from './security.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const devOrigin = devUrl ? new URL(devUrl).origin : null;

/** The app's own pages: app://braid/ (or the dev server while developing). */
function isAppUrl(url: string): boolean {
  try {
    const origin = new URL(url).origin;
    return origin === APP_ORIGIN || (devOrigin !== null && origin === devOrigin);
  } catch {
    return false;
  }
}

/** Until real venues exist the desktop app runs the demo feed; `--no-demo` or BRAID_DEMO=0 turns it off. */
const demo = !process.argv.includes('--no-demo') && process.env.BRAID_DEMO !== '0';

function readUserConfig(): unknown {
  const path = join(app.getPath('userData'), 'config.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as unknown) : undefined;
}

// Last resort: a fault in one handler is logged, never a reason to drop the window and the kill switch.
process.on('uncaughtException', (error) => console.error('braid: uncaught exception:', error));
process.on('unhandledRejection', (reason) => console.error('braid: unhandled rejection:', reason));

registerAppScheme(protocol);
app.enableSandbox();
if (!app.requestSingleInstanceLock()) app.quit();

let host: HostHandle | null = null;
const inboxes: Inbox[] = [];
let window: BrowserWindow | null = null;
const disposers: Array<() => void> = [];

function createWindow(): void {
  window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'Braid',
    backgroundColor: '#0f1115',
    webPreferences: secureWebPreferences(here('../preload/index.cjs')),
  });
  window.once('ready-to-show', () => window?.show());
  window.on('closed', () => {
    window = null;
  });
  void window.loadURL(devUrl ?? `${APP_ORIGIN}/index.html`);
}

async function start(): Promise<void> {
  const csp = contentSecurityPolicy(
    devOrigin ? { dev: true, connect: [devOrigin.replace(/^http/, 'ws')] } : {},
  );
  disposers.push(guardWebContents(app, isAppUrl));
  disposers.push(guardPermissions(session.defaultSession, isAppUrl));
  disposers.push(restrictRequests(session.defaultSession, isAppUrl, csp));
  disposers.push(serveAppProtocol(protocol, here('../renderer'), csp));

  let config: unknown;
  try {
    config = readUserConfig();
  } catch (error) {
    dialog.showErrorBox('Braid cannot start', `config.json: ${(error as Error).message}`);
    app.exit(2);
    return;
  }
  const resources = app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources');
  // Venue credentials come out of the vault (safeStorage) into the engine host's environment only, and
  // new ones from the Venues panel go into it (storeCredentials below): never into a log, the journal or
  // the renderer.
  const vault = createCredentialVault({
    path: join(app.getPath('userData'), 'venue-credentials.json'),
    safeStorage,
  });
  // Each venue's stored pair under the names the headless engine reads.
  const stored = await credentialEnv(vault);
  for (const problem of stored.problems) console.error(`braid: ${problem}`);
  const env: Record<string, string | undefined> = { ...process.env, ...stored.env };
  const started = await startHostWorker(
    hostWorkerPath,
    {
      config,
      journalPath: join(app.getPath('userData'), demo ? 'braid-demo.sqlite' : 'braid.sqlite'),
      env,
      keyLockDir: app.getPath('userData'),
      demo: demo ? { pricesPath: join(resources, 'sample', 'prices.csv') } : null,
    },
    {
      onDown: (reason) => {
        dialog.showErrorBox('Braid stopped', `The engine stopped: ${reason}`);
        app.exit(1);
      },
      // The Venues panel's credentials: sealed into the vault here, then used by the running venue.
      storeCredentials: (venue, credentials) => vault.set(venue, credentials),
    },
  );
  if (!started.ok) {
    dialog.showErrorBox('Braid cannot start', started.error.message);
    app.exit(2);
    return;
  }
  host = started.value;
  disposers.push(registerIpc({ ipcMain, host, isAppUrl }));
  // The embedded inbox (desk.md): any local process inserts plans into this file; they go through the
  // host's one door for upstream plans, the same as POST /api/plans on braid serve.
  const inbox = startInbox({ path: join(app.getPath('userData'), 'inbox.sqlite'), door: hostDoor(host) });
  if (inbox.ok) inboxes.push(inbox.value);
  else console.error(`braid: the plan inbox is off: ${inbox.error.message}`);
  createWindow();
}

app.on('second-instance', () => {
  if (window === null) return;
  if (window.isMinimized()) window.restore();
  window.focus();
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('activate', () => {
  if (window === null && host !== null) createWindow();
});

// Quit waits for the engine: feed stopped, journal flushed and closed.
let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || host === null) return;
  event.preventDefault();
  quitting = true;
  for (const dispose of disposers.splice(0).reverse()) dispose();
  const closing = host;
  void Promise.all(inboxes.splice(0).map((inbox) => inbox.close()))
    .then(() => closing.close())
    .finally(() => app.quit());
});

app.whenReady().then(start, (error: unknown) => {
  dialog.showErrorBox('Braid cannot start', String(error));
  app.exit(1);
});
