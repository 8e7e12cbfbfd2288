// Which sites the content script runs on: the sites the user enabled in the
// options/popup AND still holds the optional host permission for.

import type { BackgroundPlatform } from "../shared/platform";
import { loadSettings, saveSettings } from "../shared/settings";

let chain: Promise<unknown> = Promise.resolve();

/** Re-registers the content script; serialised so overlapping calls cannot race. */
export function syncSites(p: BackgroundPlatform): Promise<string[]> {
  const run = chain.then(async () => {
    const [settings, granted, managed] = await Promise.all([loadSettings(p), p.grantedOrigins(), p.managed()]);
    const grantedSet = new Set(granted);
    const allowed = (s: string) => grantedSet.has(s) || granted.some((g) => covers(g, s));
    const active = settings.sites.filter(allowed);
    const dropped = settings.sites.filter((s) => !active.includes(s));
    if (dropped.length) await saveSettings(p, { sites: active });
    // sites an administrator set by policy (not stored in the user's list)
    for (const s of Array.isArray(managed.sites) ? managed.sites : []) {
      if (typeof s === "string" && allowed(s) && !active.includes(s)) active.push(s);
    }
    await p.registerContent(active);
    await p.injectIntoOpenTabs(active);
    return active;
  });
  chain = run.catch(() => undefined);
  return run;
}

/** Does granted pattern `g` cover site pattern `s`? (exact, or "<all_urls>"-like wildcards) */
function covers(g: string, s: string): boolean {
  if (g === "<all_urls>" || g === "*://*/*") return true;
  const m = /^(\*|https?):\/\/(\*\.)?([^/]*)\/\*$/.exec(g);
  const n = /^(https?):\/\/([^/]*)\/\*$/.exec(s);
  if (!m || !n) return false;
  const schemeOk = m[1] === "*" || m[1] === n[1];
  const host = n[2]!;
  const hostOk = m[2] ? host === m[3] || host.endsWith(`.${m[3]}`) : host === m[3];
  return schemeOk && hostOk;
}
