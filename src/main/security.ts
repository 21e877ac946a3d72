// Electron's security checklist in one place: renderer webPreferences, the Content-Security-Policy, and
// guards that block navigation, new windows, webviews and permission requests. Electron objects are
// passed in (type imports only), so `braid serve` can share the CSP and tests can use fakes.
import type { App, Protocol, Session, WebContents, WebPreferences } from 'electron';
import { loadStatic } from './serve/static-files.ts';

export interface CspOptions {
  /** Extra connect-src sources (the WebSocket of `braid serve`, the dev server's HMR socket). */
  connect?: string[];
  /** Development only (electron-vite dev): Vite injects an inline React-refresh preamble and HMR styles. */
  dev?: boolean;
}

/** No inline script, no eval, nothing from outside the app; styles from files (CSSOM styles are allowed). */
export function contentSecurityPolicy(options: CspOptions = {}): string {
  const self = options.dev ? "'self' 'unsafe-inline'" : "'self'";
  return [
    "default-src 'none'",
    `script-src ${self}`,
    `style-src ${self}`,
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...(options.connect ?? [])].join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Every renderer: isolated, sandboxed, no Node, no webviews, and only our preload. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

/**
 * App-wide guards, for every web contents ever created: no navigation away from the app, no new windows,
 * no webviews. `isAppUrl` says what the app's own pages are.
 */
export function guardWebContents(app: App, isAppUrl: (url: string) => boolean): () => void {
  const onCreated = (_event: unknown, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  };
  app.on('web-contents-created', onCreated);
  return () => {
    app.off('web-contents-created', onCreated);
  };
}

/** Grants desktop notifications (fills, exits, rejections) to the app's own pages only; denies every
 *  other permission (camera, geolocation, clipboard, devices...): the terminal needs none. */
export function guardPermissions(session: Session, isAppUrl: (url: string) => boolean): () => void {
  const allowed = (contents: { getURL(): string } | null, permission: string) =>
    permission === 'notifications' && contents !== null && isAppUrl(contents.getURL());
  session.setPermissionRequestHandler((contents, permission, callback) =>
    callback(allowed(contents, permission)),
  );
  session.setPermissionCheckHandler((contents, permission) => allowed(contents, permission));
  session.setDevicePermissionHandler(() => false);
  return () => {
    session.setPermissionRequestHandler(null);
    session.setPermissionCheckHandler(null);
    session.setDevicePermissionHandler(null);
  };
}

/** Headers every app response carries (custom protocol and `braid serve`). */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

/** The custom scheme the app's pages load from (Electron advises against file://). */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://braid`;

/** Must run before the app is ready: makes app:// a standard, secure origin (so 'self' and fetch work). */
export function registerAppScheme(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves the built renderer on app://braid/ with the CSP and security headers on every response. */
export function serveAppProtocol(protocol: Protocol, rendererDir: string, csp: string): () => void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.origin !== APP_ORIGIN || request.method !== 'GET') return new Response(null, { status: 404 });
    const file = await loadStatic(rendererDir, url.pathname);
    return new Response(new Uint8Array(typeof file.body === 'string' ? Buffer.from(file.body) : file.body), {
      status: file.status,
      headers: { ...securityHeaders(csp), 'Content-Type': file.type, 'Cache-Control': file.cache },
    });
  });
  return () => protocol.unhandle(APP_SCHEME);
}

/**
 * No remote content: every request that is not the app's own (or the dev server in development) is
 * cancelled, and the app's responses carry the CSP (the dev server's do not by themselves).
 */
export function restrictRequests(
  session: Session,
  isAppUrl: (url: string) => boolean,
  csp: string,
): () => void {
  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !(isAppUrl(details.url) || details.url.startsWith('devtools://')) });
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  return () => {
    session.webRequest.onBeforeRequest(null);
    session.webRequest.onHeadersReceived(null);
  };
}
