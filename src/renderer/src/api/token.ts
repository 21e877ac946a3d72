// The `braid serve` token in the browser. The ready URL carries it (`?token=`) for the first load; the
// page moves it out of the address bar at once (history, bookmarks, screen shares and the Referer never
// see it again) and keeps it in sessionStorage: this tab only, gone when the tab closes, kept across reloads.
export const TOKEN_KEY = 'braid.token';
const TOKEN_RE = /^[0-9A-Za-z_-]{1,256}$/;

/** What adoptToken needs of the page (window.location, window.history, sessionStorage in the browser). */
export interface TokenEnv {
  location: { href: string };
  history: { state: unknown; replaceState(data: unknown, unused: string, url?: string | null): void };
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void } | null;
}

/** Takes the token from the URL into storage (removing it from the address bar); returns the token to use. */
export function adoptToken(env: TokenEnv): string | null {
  const url = new URL(env.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl !== null) {
    url.searchParams.delete('token');
    env.history.replaceState(env.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    if (TOKEN_RE.test(fromUrl)) {
      try {
        env.storage?.setItem(TOKEN_KEY, fromUrl);
      } catch {
        // storage disabled: the token lives in memory for this page only
      }
      return fromUrl;
    }
  }
  try {
    const stored = env.storage?.getItem(TOKEN_KEY) ?? null;
    return stored !== null && TOKEN_RE.test(stored) ? stored : null;
  } catch {
    return null;
  }
}
