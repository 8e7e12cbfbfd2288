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

const CHROMIUM_DISABLED_FEATURES = [
  "AutofillServerCommunication", "NetworkTimeServiceQuerying", "OptimizationHints", "MediaRouter", "Translate",
  "HttpsUpgrades", "HttpsFirstBalancedModeAutoEnable", "PaintHolding", "LensOverlay", "PreconnectToSearch",
  "InterestFeedContentSuggestions", "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose",
  "ThirdPartyStoragePartitioning", "AimEnabled",
];

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
      "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-domain-reliability",
      "--disable-client-side-phishing-detection", "--no-pings",
      // Chromium's own Google services (autofill, network time, GAIA, component updater) would
      // call home even with the flags above: keep them off or point them at a closed local port.
      // (the last --disable-features wins, so Playwright's own list is repeated here)
      `--disable-features=${CHROMIUM_DISABLED_FEATURES.join(",")}`,
      "--gaia-url=http://127.0.0.1:9", "--google-apis-url=http://127.0.0.1:9", "--lso-url=http://127.0.0.1:9",
      "--component-updater=url-source=http://127.0.0.1:9/cu",
      // every request goes through the fixture server, which refuses (and records) anything
      // that is not for its two origins: the tests assert that record stays empty
      `--proxy-server=${server.proxy}`, "--proxy-bypass-list=<-loopback>",
      ...extraArgs,
    ],
  });
  let sw = ctx.serviceWorkers()[0];
  if (!sw) sw = await ctx.waitForEvent("serviceworker", { timeout: 15000 });
  const id = new URL(sw.url()).host;
  const close = async () => {
    await ctx.close().catch(() => undefined);
    if (!process.env.KEEP_PROFILE) rmSync(profile, { recursive: true, force: true });
  };
  return { ctx, id, sw, close, profile };
}

/**
 * Requests the browser itself makes that no flag or preference turns off:
 * Chromium fetches a hunspell dictionary the first time anyone types into a
 * text field (even with spell-checking off in the profile). Only this exact
 * CONNECT is tolerated; anything else that leaves 127.0.0.1 fails the tests.
 */
export const BROWSER_OWN_REQUESTS = new Set(["CONNECT redirector.gvt1.com:443"]);
export const foreignRequests = (server) => server.foreign.filter((r) => !BROWSER_OWN_REQUESTS.has(r));

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

// ---- Firefox (puppeteer-core + WebDriver BiDi) ---------------------------------

export const FIREFOX_EXT_ID = "medcode@medcode";
/** A fixed moz-extension:// UUID so the tests can open the options page. */
export const FIREFOX_EXT_UUID = "6d0c1a52-6c1f-4d3e-9a55-2f3f0b1e5c11";

/**
 * Firefox ESR with the test build installed. `systemAccess` starts it with
 * -remote-allow-system-access: without it WebDriver BiDi refuses to navigate
 * to moz-extension:// ("not allowed in this context"), so the options page
 * cannot be opened (tests/e2e/extension/firefox-userdata.test.mjs).
 */
export async function launchFirefox(server, extDir = FIREFOX_TEST_EXT, { systemAccess = false, prefs = {} } = {}) {
  const puppeteer = (await import("puppeteer-core")).default;
  const proxy = new URL(server.proxy);
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX,
    headless: true,
    protocol: "webDriverBiDi",
    args: systemAccess ? ["-remote-allow-system-access"] : [],
    // release builds ignore services.settings.server unless this is set
    env: { ...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: "1" },
    extraPrefsFirefox: {
      "extensions.webextensions.uuids": JSON.stringify({ [FIREFOX_EXT_ID]: FIREFOX_EXT_UUID }),
      // all traffic through the fixture server's recording proxy, loopback included
      "network.proxy.type": 1,
      "network.proxy.http": proxy.hostname, "network.proxy.http_port": Number(proxy.port),
      "network.proxy.ssl": proxy.hostname, "network.proxy.ssl_port": Number(proxy.port),
      "network.proxy.allow_hijacking_localhost": true, "network.proxy.no_proxies_on": "",
      "network.proxy.share_proxy_settings": true,
      // Firefox's own background services
      "app.update.enabled": false, "browser.safebrowsing.downloads.remote.enabled": false,
      "browser.safebrowsing.malware.enabled": false, "browser.safebrowsing.phishing.enabled": false,
      "browser.safebrowsing.provider.mozilla.updateURL": "", "network.captive-portal-service.enabled": false,
      "network.connectivity-service.enabled": false, "extensions.getAddons.cache.enabled": false,
      "extensions.update.enabled": false, "services.settings.server": "http://127.0.0.1:9/v1",
      "datareporting.healthreport.uploadEnabled": false, "toolkit.telemetry.enabled": false,
      "browser.region.network.url": "", "browser.newtabpage.enabled": false, "network.dns.disablePrefetch": true,
      "network.prefetch-next": false, "browser.search.update": false, "media.gmp-manager.url": "http://127.0.0.1:9",
      "extensions.blocklist.enabled": false, "privacy.trackingprotection.enabled": false,
      "identity.fxaccounts.enabled": false, "browser.ping-centre.telemetry": false,
      ...prefs,
    },
  });
  const id = await browser.installExtension(extDir);
  return {
    browser, id, base: `moz-extension://${FIREFOX_EXT_UUID}`,
    close: () => browser.close().catch(() => undefined),
  };
}

/**
 * The options page of a Firefox launched with `systemAccess` (BiDi reports no load event
 * for an extension page, so goto would time out: wait for the page's own flag; until the
 * navigation commits, a wait can land in the outgoing about:blank and fail: try again).
 */
export async function openFirefoxOptions(ff) {
  const page = await ff.browser.newPage();
  void page.goto(`${ff.base}/options.html`, { timeout: 20000 }).catch(() => undefined);
  const end = Date.now() + 20000;
  for (;;) {
    try {
      await page.waitForSelector("body[data-ready]", { timeout: 5000 });
      if (await page.evaluate(() => location.protocol === "moz-extension:")) return page;
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * Keystroke → suggestions visible, measured in the page, from the input event
 * the keystroke produced (event.timeStamp):
 *   dom    the listbox shows that query (MutationObserver, a microtask after the write)
 *   frame  the frame that shows it has been painted: the end of that frame's
 *          rendering on the main thread (a message posted from the frame's rAF
 *          runs once its style, layout and paint are done). A write made inside
 *          a rAF callback is painted by that same frame; a write made between
 *          frames by the next one. (A rAF asked for from the mutation callback
 *          would add a whole frame to writes made in a rAF callback.)
 *   frames which frame after the key painted it (1 = the first frame after the key)
 *   frameStart, frameRender  `frame` split: key → that frame's rAF, rAF → its rendering done
 * and the content script's own marks: input → request sent, request → answer
 * (of which `worker` is the background's own handling time), answer → rendered.
 * A key lands at a random point of a ~16.7 ms frame, so even work that took no
 * time is painted 0–16.7 ms after the key (uniform): the `frames` figure says
 * how often the suggestions made the first frame. Keys come `gapMs` apart and
 * nothing of the harness drives frames between them: on an idle page Chromium
 * starts the frame a key needs at once (a few ms after the key), so an answer
 * that takes longer than that is painted one vsync later.
 * Returns { dom, frame, frames, frameStart, frameRender, toRequest, request, worker, render } (ms arrays; frames counts).
 */
export async function measureKeystrokes(page, selector, queries, { gapMs = 100 } = {}) {
  await page.evaluate(() => {
    const host = document.querySelector("medcode-overlay");
    window.__lat = { dom: [], frame: [], frames: [], frameStart: [], frameRender: [], toRequest: [], request: [], worker: [], render: [] };
    window.__t0 = 0;
    window.__want = null;
    // frame clock while a keystroke is pending: frame k's rAF callback (registered
    // before the content script's own rAF of that frame) marks "rendering frame k";
    // the message it posts runs after frame k's rendering (paint) is done.
    let frameNo = 0, rendering = -1, pending = null, ticking = false;
    const frameStart = new Map(); // frame number → its rAF time (while a keystroke is pending)
    const mc = new MessageChannel();
    mc.port1.onmessage = (e) => {
      const k = e.data;
      if (rendering === k) rendering = -1;
      if (pending && pending.paintFrame !== null && k >= pending.paintFrame) {
        window.__lat.frame.push(performance.now() - pending.t0);
        window.__lat.frames.push(k - pending.keyFrame);
        const start = frameStart.get(k);
        if (start !== undefined) {
          window.__lat.frameStart.push(start - pending.t0);
          window.__lat.frameRender.push(performance.now() - start);
        }
        frameStart.clear();
        pending = null;
        window.__framed = true;
      }
    };
    const tick = () => {
      frameNo++;
      rendering = frameNo;
      frameStart.set(frameNo, performance.now());
      mc.port2.postMessage(frameNo);
      if (pending) requestAnimationFrame(tick);
      else ticking = false;
    };
    window.addEventListener("input", (e) => {
      window.__t0 = e.timeStamp;
      if (!window.__want) return;
      // the first frame after the key is frameNo + 1 (keyboard input is not rAF-aligned)
      pending = { t0: e.timeStamp, keyFrame: frameNo, paintFrame: null };
      if (!ticking) { ticking = true; requestAnimationFrame(tick); }
    }, true);
    new MutationObserver(() => {
      const lb = host.shadowRoot.querySelector(".listbox:not([hidden])");
      if (lb && window.__want && lb.dataset.query === window.__want && Number(lb.dataset.count) > 0) {
        const t0 = window.__t0;
        window.__lat.dom.push(performance.now() - t0);
        // the content script's own marks (data-timing: asked, answered, rendered, worker ms)
        const [asked, answered, rendered, worker] = (lb.dataset.timing ?? "").split(",").map(Number);
        if (rendered >= answered && answered >= asked && asked >= t0) {
          window.__lat.toRequest.push(asked - t0);
          window.__lat.request.push(answered - asked);
          window.__lat.render.push(rendered - answered);
          if (worker >= 0) window.__lat.worker.push(worker);
        }
        window.__want = null;
        // written inside frame k's rendering (a rAF callback): frame k paints it; else the next frame
        if (pending) pending.paintFrame = rendering >= 0 ? rendering : frameNo + 1;
      }
    }).observe(host.shadowRoot, { subtree: true, childList: true, attributes: true });
  });
  for (const q of queries) {
    await page.fill(selector, "");
    await page.click(selector);
    for (let i = 0; i < q.length; i++) {
      const want = q.slice(0, i + 1);
      if (want.trim().length < 2) {
        await page.keyboard.type(q[i]);
        continue;
      }
      // a typist's pause (100 ms: 10 keys a second): the renderer and the worker go idle between
      // keys as they do for a person, and the key lands at whatever point the frame clock is
      await page.waitForTimeout(gapMs);
      await page.evaluate((w) => { window.__want = w; window.__framed = false; }, want);
      await page.keyboard.type(q[i]);
      // timer polling: the default (rAF) polling would keep frames running into the next key
      await page.waitForFunction(() => window.__want === null && window.__framed, null, { timeout: 5000, polling: 5 }).catch(() => undefined);
    }
    await page.keyboard.press("Escape");
  }
  return page.evaluate(() => window.__lat);
}

/** The suggestion options shown in the overlay (Playwright scope: page or frame). */
export const suggestionOptions = (scope) => scope.locator("medcode-overlay .listbox:not([hidden]) li.opt");

/**
 * The codes of the suggestion list once it has settled on what was typed
 * last: answers to earlier keystrokes may show first (one render per
 * frame), so wait until the list's query has stayed put for 150 ms.
 */
export async function settledCodes(scope) {
  await suggestionOptions(scope).first().waitFor({ timeout: 10000 });
  await scope.waitForFunction(() => {
    const lb = document.querySelector("medcode-overlay")?.shadowRoot?.querySelector(".listbox:not([hidden])");
    const q = lb?.dataset.query ?? "";
    const now = performance.now();
    const s = (window.__medcodeSettle ??= { q, since: now });
    if (s.q !== q) Object.assign(s, { q, since: now });
    return now - s.since >= 150;
  }, null, { timeout: 10000, polling: 50 });
  await scope.evaluate(() => { delete window.__medcodeSettle; });
  return suggestionOptions(scope).evaluateAll((ls) => ls.map((l) => l.dataset.code));
}
