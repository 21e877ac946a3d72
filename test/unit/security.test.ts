// Security measures as behaviour: token comparison, path confinement, webPreferences, and the
// navigation / window / permission guards with fake Electron objects. The CSP is tested where it acts, in
// Chromium (test/integration/security-csp.test.ts).
import type { App, Session } from 'electron';
import { describe, expect, it } from 'vitest';
import { guardPermissions, guardWebContents, secureWebPreferences } from '../../src/main/security.ts';
import { newToken, tokenMatches } from '../../src/main/serve/auth.ts';
import { resolveUnder } from '../../src/main/serve/static-files.ts';

describe('serve token', () => {
  it('is 32 random bytes in hex and matches only itself', () => {
    const token = newToken();
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(newToken()).not.toBe(token);
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(`${token.slice(0, 63)}${token[63] === '0' ? '1' : '0'}`, token)).toBe(false);
    expect(tokenMatches(token.slice(0, 10), token)).toBe(false);
    expect(tokenMatches(`${token}0`, token)).toBe(false);
    expect(tokenMatches('', token)).toBe(false);
    expect(tokenMatches(null, token)).toBe(false);
  });
});

describe('static files', () => {
  it('never resolves outside the root', () => {
    expect(resolveUnder('/srv/ui', '/index.html')).toBe('/srv/ui/index.html');
    expect(resolveUnder('/srv/ui', '/assets/a.js')).toBe('/srv/ui/assets/a.js');
    expect(resolveUnder('/srv/ui', '/../../etc/passwd')).toBe('/srv/ui/etc/passwd');
    expect(resolveUnder('/srv/ui', '/%2e%2e/%2e%2e/etc/passwd')).toBe('/srv/ui/etc/passwd');
    expect(resolveUnder('/srv/ui', '/a%00.js')).toBeNull();
    expect(resolveUnder('/srv/ui', '/%E0%A4%A')).toBeNull();
  });
});

describe('renderer hardening', () => {
  it('isolates and sandboxes every renderer, without Node, with web security on', () => {
    const prefs = secureWebPreferences('/p.cjs');
    // The properties Electron's checklist turns on the renderer's safety, each as it must be.
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.preload).toBe('/p.cjs');
  });

  it('blocks navigation away, new windows and webviews on every web contents', () => {
    const appListeners: Array<(event: unknown, contents: unknown) => void> = [];
    const fakeApp = {
      on: (_name: string, fn: (event: unknown, contents: unknown) => void) => appListeners.push(fn),
      off: (_name: string, fn: (event: unknown, contents: unknown) => void) =>
        appListeners.splice(appListeners.indexOf(fn), 1),
    } as unknown as App;
    const handlers = new Map<string, (event: { preventDefault(): void }, url?: string) => void>();
    let openHandler: (() => { action: string }) | null = null;
    const contents = {
      on: (name: string, fn: (event: { preventDefault(): void }, url?: string) => void) =>
        handlers.set(name, fn),
      setWindowOpenHandler: (fn: () => { action: string }) => {
        openHandler = fn;
      },
    };
    const dispose = guardWebContents(fakeApp, (url) => url.startsWith('app://braid/'));
    appListeners[0]!({}, contents);

    const prevented = (name: string, url?: string) => {
      let p = false;
      handlers.get(name)!({ preventDefault: () => (p = true) }, url);
      return p;
    };
    expect(prevented('will-navigate', 'https://evil.example/')).toBe(true);
    expect(prevented('will-navigate', 'app://braid/index.html')).toBe(false);
    expect(prevented('will-redirect', 'http://127.0.0.1:1/')).toBe(true);
    expect(prevented('will-attach-webview')).toBe(true);
    expect(openHandler!()).toEqual({ action: 'deny' });
    dispose();
    expect(appListeners).toHaveLength(0);
  });

  it("grants notifications to the app's own pages only and denies every other permission", () => {
    type Contents = { getURL(): string } | null;
    let request: ((c: Contents, p: string, cb: (granted: boolean) => void) => void) | null = null;
    let check: ((c: Contents, p: string) => boolean) | null = null;
    let device: (() => boolean) | null = null;
    const fakeSession = {
      setPermissionRequestHandler: (fn: typeof request) => {
        request = fn;
      },
      setPermissionCheckHandler: (fn: typeof check) => {
        check = fn;
      },
      setDevicePermissionHandler: (fn: typeof device) => {
        device = fn;
      },
    } as unknown as Session;
    const dispose = guardPermissions(fakeSession, (url) => url.startsWith('app://braid/'));
    const ours = { getURL: () => 'app://braid/index.html' };
    const foreign = { getURL: () => 'https://example.com/' };
    const answers: boolean[] = [];
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read']) {
      request!(ours, permission, (granted) => answers.push(granted));
    }
    expect(answers).toEqual([false, true, false, false]);
    request!(foreign, 'notifications', (granted) => answers.push(granted));
    request!(null, 'notifications', (granted) => answers.push(granted));
    expect(answers.slice(4)).toEqual([false, false]);
    expect(check!(ours, 'notifications')).toBe(true);
    expect(check!(ours, 'media')).toBe(false);
    expect(check!(foreign, 'notifications')).toBe(false);
    expect(device!()).toBe(false);
    dispose();
    expect(request).toBeNull();
  });
});
