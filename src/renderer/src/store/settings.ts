// The operator's own settings, kept in this browser (localStorage), not in the engine.
//
//   useSettings            zustand store of UiSettings:
//     timeZone             'UTC' (default) | 'exchange' (America/New_York): every time on screen uses it
//     confirmOwnTickets    false (default): a ticket the trader typed goes straight to the venue;
//                          true: it waits in the approval queue (submitPlan { review: true })
//     confirmClose         true (default): Close asks before flattening; false: closes at once
//     layout               panel sizes (fr weights by key) and collapsed panels (by region name)
//   useTimeZone()          the IANA zone for formatters in components ('UTC' | 'America/New_York')
//   currentTimeZone()      the same outside React (reads the store once)
//   timeZoneLabel(zone)    'UTC' | 'New York': the short label shown next to times
//   setTimeZone / setConfirmOwnTickets / setConfirmClose / setPanelSizes / setPanelCollapsed / resetLayout
//
// Stored values are read back through readSettings, which keeps only well-formed fields: a hand-edited
// or older entry can never break the page.
import { create } from 'zustand';

export type TimeZoneSetting = 'UTC' | 'exchange';
export const EXCHANGE_TIME_ZONE = 'America/New_York';
export type TimeZoneName = 'UTC' | typeof EXCHANGE_TIME_ZONE;

export interface LayoutSettings {
  /** Sizes by key ('col:trade' weight, 'col:side' pixels, 'row:Positions' weight ...); the layout
   *  clamps each to its own range. Missing keys use the built-in default. */
  sizes: Readonly<Record<string, number>>;
  /** Collapsed panels by region name ('Lessons', 'Day trades' ...). */
  collapsed: Readonly<Record<string, boolean>>;
}

export interface UiSettings {
  timeZone: TimeZoneSetting;
  confirmOwnTickets: boolean;
  confirmClose: boolean;
  layout: LayoutSettings;
}

export const DEFAULT_SETTINGS: UiSettings = {
  timeZone: 'UTC',
  confirmOwnTickets: false,
  confirmClose: true,
  layout: { sizes: {}, collapsed: {} },
};

export const SETTINGS_KEY = 'braid.settings.v1';
/** Outer bounds of a stored size (weights and pixels alike); the layout applies tighter ones. */
const MIN_SIZE = 0.01;
const MAX_SIZE = 10_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const KEY_RE = /^[\w :-]{1,64}$/;

/** Parses a stored entry; anything missing or malformed takes its default. Pure. */
export function readSettings(raw: string | null): UiSettings {
  if (raw === null) return DEFAULT_SETTINGS;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return DEFAULT_SETTINGS;
  }
  if (!isRecord(value)) return DEFAULT_SETTINGS;
  const sizes: Record<string, number> = {};
  const collapsed: Record<string, boolean> = {};
  const layout = isRecord(value.layout) ? value.layout : {};
  if (isRecord(layout.sizes)) {
    for (const [k, v] of Object.entries(layout.sizes)) {
      if (KEY_RE.test(k) && typeof v === 'number' && Number.isFinite(v)) {
        sizes[k] = Math.min(MAX_SIZE, Math.max(MIN_SIZE, v));
      }
    }
  }
  if (isRecord(layout.collapsed)) {
    for (const [k, v] of Object.entries(layout.collapsed)) {
      if (KEY_RE.test(k) && v === true) collapsed[k] = true;
    }
  }
  return {
    timeZone: value.timeZone === 'exchange' ? 'exchange' : 'UTC',
    confirmOwnTickets:
      typeof value.confirmOwnTickets === 'boolean'
        ? value.confirmOwnTickets
        : DEFAULT_SETTINGS.confirmOwnTickets,
    confirmClose:
      typeof value.confirmClose === 'boolean' ? value.confirmClose : DEFAULT_SETTINGS.confirmClose,
    layout: { sizes, collapsed },
  };
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled (privacy mode, sandboxed frame): settings last for this page only
  }
}

function load(): UiSettings {
  try {
    return readSettings(storage()?.getItem(SETTINGS_KEY) ?? null);
  } catch {
    return DEFAULT_SETTINGS;
  }
}

export const useSettings = create<UiSettings>()(() => load());

useSettings.subscribe((s) => {
  try {
    storage()?.setItem(SETTINGS_KEY, JSON.stringify(s));
  } catch {
    // quota or disabled storage: the setting still applies to this page
  }
});

export function timeZoneName(setting: TimeZoneSetting): TimeZoneName {
  return setting === 'exchange' ? EXCHANGE_TIME_ZONE : 'UTC';
}

export function timeZoneLabel(zone: TimeZoneName): string {
  return zone === 'UTC' ? 'UTC' : 'New York';
}

export const useTimeZone = (): TimeZoneName => useSettings((s) => timeZoneName(s.timeZone));
export const currentTimeZone = (): TimeZoneName => timeZoneName(useSettings.getState().timeZone);

export const setTimeZone = (timeZone: TimeZoneSetting): void => useSettings.setState({ timeZone });
export const setConfirmOwnTickets = (on: boolean): void => useSettings.setState({ confirmOwnTickets: on });
export const setConfirmClose = (on: boolean): void => useSettings.setState({ confirmClose: on });

/** Sets several sizes at once (a drag moves two neighbours together). */
export function setPanelSizes(sizes: Readonly<Record<string, number>>): void {
  const next: Record<string, number> = {};
  for (const [key, size] of Object.entries(sizes)) {
    if (KEY_RE.test(key) && Number.isFinite(size)) next[key] = Math.min(MAX_SIZE, Math.max(MIN_SIZE, size));
  }
  useSettings.setState((s) => ({ layout: { ...s.layout, sizes: { ...s.layout.sizes, ...next } } }));
}

export function setPanelCollapsed(name: string, collapsed: boolean): void {
  if (!KEY_RE.test(name)) return;
  useSettings.setState((s) => {
    const next = { ...s.layout.collapsed };
    if (collapsed) next[name] = true;
    else delete next[name];
    return { layout: { ...s.layout, collapsed: next } };
  });
}

export const resetLayout = (): void => useSettings.setState({ layout: DEFAULT_SETTINGS.layout });
