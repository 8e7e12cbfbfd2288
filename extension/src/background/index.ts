// Background entry: wiring only. Runs as the Chrome module service worker and
// as Firefox's background.scripts module, from this one file.

import { backgroundPlatform } from "../shared/platform";
import { isToBackground } from "../shared/protocol";
import { ensureNcci, ensurePcs, ensureSeverity, ensureUserData, getEngine, status } from "./engine";
import { createMenus, onMenuClick } from "./menus";
import { handle, type ServiceDeps } from "./service";
import { syncSites } from "./sites";
import { handleUserData } from "./userdata";

const p = backgroundPlatform();
const assets = { wasmUrl: p.getURL("medcode_bg.wasm"), indexUrl: p.getURL("medcode.idx"), ncciUrl: p.getURL("ncci.idx") };

const deps: ServiceDeps = {
  engine: () => getEngine(assets),
  status,
  prepareClaims: ensureNcci,
  preparePcs: (engine) => ensurePcs(engine, p.getURL("pcs.idx")),
  prepareSeverity: (engine) => ensureSeverity(engine, p.getURL("severity.idx")),
  prepareUserData: (_engine, dx) => ensureUserData(dx),
  syncSites: () => syncSites(p),
  userData: handleUserData,
};

p.onRequest((msg) => (isToBackground(msg) ? handle(deps, msg) : undefined));

p.onStartup(() => {
  void createMenus(p);
  void syncSites(p);
});
p.onPermissionsChanged(() => void syncSites(p));
p.onMenuClick((id, tab, frame) => onMenuClick(p, id, tab, frame));

async function openPalette(): Promise<void> {
  const tab = await p.activeTabId();
  if (tab === undefined) return;
  try {
    await p.sendToTab(tab, { type: "openPalette" });
  } catch {
    await p.openPopup().catch(() => undefined); // site not enabled: the popup has the same search
  }
}
p.onCommand((c) => {
  if (c === "open-palette") void openPalette();
});

// For the e2e tests and the benchmark (the worker's global scope is private to the extension).
(globalThis as unknown as { medcode: unknown }).medcode = { openPalette, syncSites: deps.syncSites };
