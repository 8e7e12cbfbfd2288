// Shared setup for the extension e2e tests: build dirs, browsers, site enablement.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(fileURLToPath(new URL("../../../", import.meta.url)));
export const BUILD = process.env.BUILD ?? join(ROOT, "build");
/** test flavours built by scripts/test-extension.sh (manifest/test.json grants 127.0.0.1) */
export const CHROME_TEST_EXT = process.env.MEDCODE_EXT_CHROME ?? join(BUILD, "extension-test-chrome");
export const FIREFOX_TEST_EXT = process.env.MEDCODE_EXT_FIREFOX ?? join(BUILD, "extension-test-firefox");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/lib/chromium/chromium";
export const FIREFOX = process.env.FIREFOX ?? "/usr/bin/firefox-esr";

/** Launches Chromium with the extension, all traffic through the fixture server's proxy. */
export async function launchChromium(server, extDir = CHROME_TEST_EXT, extraArgs = []) {
  const profile = mkdtempSync(join(tmpdir(), "medcode-chromium-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      `--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`,
      "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-default-apps",
      // every request goes through the fixture server, which refuses (and records) anything foreign
      `--proxy-server=${server.proxy}`, "--proxy-bypass-list=<-loopback>",
      ...extraArgs,
    ],
  });
  let sw = ctx.serviceWorkers()[0];
  if (!sw) sw = await ctx.waitForEvent("serviceworker", { timeout: 15000 });
  const id = new URL(sw.url()).host;
  const close = async () => {
    await ctx.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  };
  return { ctx, id, sw, close, profile };
}

/** The current service worker (it may have been restarted). */
export function worker(ctx, id) {
  return ctx.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${id}/`));
}

/** Turns the extension on for `origin` the way a user does: options page → "Turn on". */
export async function enableSiteChromium(ctx, id, origin) {
  const page = await ctx.newPage();
  await page.goto(`chrome-extension://${id}/options.html`);
  await page.fill("#site-url", origin);
  await page.click("#add-site button[type=submit]");
  await page.waitForFunction(() => (document.querySelector("#site-msg")?.getAttribute("data-active") ?? "").includes("127.0.0.1"), null, { timeout: 10000 });
  await page.close();
}

/** Locator for the overlay's shadow content (Playwright pierces open shadow roots). */
export const overlay = (page) => page.locator("medcode-overlay");
export const listbox = (page) => page.locator("medcode-overlay .listbox:not([hidden])");

export function percentile(xs, p) {
  const s = xs.slice().sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
