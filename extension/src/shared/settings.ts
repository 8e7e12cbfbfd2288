// User settings and the little lists the extension keeps, all in
// storage.local (never patient data: codes, origins, selectors only).

import type { FieldKind } from "./engine-api";
import type { Platform } from "./platform";
import { DEFAULT_SEVERITY_PREFS, type SeverityPrefs } from "../../../types/severity-chips";

export type InsertFormat = "dotted" | "undotted";
export type PayerProfile = "default" | "medicare";

export interface FieldMapping {
  /** CSS selector relative to the document or shadow root holding the field */
  selector: string;
  /** "none" switches detection off for the field */
  kind: FieldKind | "none";
}

export interface Settings {
  /** origins the user enabled, as match patterns ("https://portal.example.com/*") */
  sites: string[];
  insertFormat: InsertFormat;
  payerProfile: PayerProfile;
  /** look codes up when hovering or selecting them in page text */
  pageLookup: boolean;
  /** per-origin field mappings, keyed by origin ("https://portal.example.com") */
  mappings: Record<string, FieldMapping[]>;
  /**
   * per-origin: fields that already have the page's own autocomplete get ours
   * beside its list ("beside", the default) or only on Alt+↓ ("hotkey")
   */
  pageAutocomplete?: Record<string, "beside" | "hotkey">;
  /** MS-DRG CC/MCC and HCC chips, details and claim summary (absent: the defaults) */
  severity?: Partial<SeverityPrefs>;
}

/** The severity choices with defaults filled in. */
export function severityPrefs(s: Settings): SeverityPrefs {
  return { ...DEFAULT_SEVERITY_PREFS, ...(s.severity ?? {}) };
}

export const DEFAULT_SETTINGS: Settings = {
  sites: [],
  insertFormat: "dotted",
  payerProfile: "default",
  pageLookup: true,
  mappings: {},
};

export const KEYS = { settings: "settings", recent: "recent", favorites: "favorites" } as const;
export const MAX_RECENT = 20;

export async function loadSettings(p: Platform): Promise<Settings> {
  const s = await p.storageGet<Partial<Settings>>(KEYS.settings);
  return { ...DEFAULT_SETTINGS, ...(s ?? {}) };
}

export async function saveSettings(p: Platform, patch: Partial<Settings>): Promise<Settings> {
  const next = { ...(await loadSettings(p)), ...patch };
  await p.storageSet({ [KEYS.settings]: next });
  return next;
}

/** Adds a code to the front of the recent list (codes only). */
export async function pushRecent(p: Platform, code: string): Promise<void> {
  if (!/^[A-Z0-9.]{3,8}$/.test(code)) return;
  const list = (await p.storageGet<string[]>(KEYS.recent)) ?? [];
  const next = [code, ...list.filter((c) => c !== code)].slice(0, MAX_RECENT);
  await p.storageSet({ [KEYS.recent]: next });
}

export async function toggleFavorite(p: Platform, code: string): Promise<boolean> {
  const list = (await p.storageGet<string[]>(KEYS.favorites)) ?? [];
  const has = list.includes(code);
  await p.storageSet({ [KEYS.favorites]: has ? list.filter((c) => c !== code) : [code, ...list] });
  return !has;
}

/** "https://a.example.com:8443/x" -> "https://a.example.com/*" (match patterns ignore ports). */
export function originPattern(url: string): string | null {
  try {
    const u = new URL(url.includes("://") ? url : `https://${url}`);
    if (u.protocol !== "http:" && u.protocol !== "https:") return null;
    return `${u.protocol}//${u.hostname}/*`;
  } catch {
    return null;
  }
}

/** The key mappings are stored under for a page: scheme + host (ports ignored like match patterns). */
export function siteKey(loc: { protocol: string; hostname: string }): string {
  return `${loc.protocol}//${loc.hostname}`;
}
