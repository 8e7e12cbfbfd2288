// The content script on the hostile page at several sizes (www/demo/hostile-dom.html?inputs=N),
// in Chromium: how long until every input is classified, and the idle-time work it took.
// Linear in the inputs since the hostile-input fixes; not part of ./build.sh bench.
//   node bench/hostile-page.mjs 2000 10000 50000
import { startServers } from "../tests/e2e/extension/server.mjs";
import { enableSiteChromium, launchChromium } from "../tests/e2e/extension/harness.mjs";
const server = await startServers();
const b = await launchChromium(server);
await enableSiteChromium(b.ctx, b.id, server.origin);
const sw = () => b.ctx.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${b.id}/`));
for (const n of process.argv.slice(2).map(Number)) {
  const page = await b.ctx.newPage();
  const t0 = Date.now();
  await page.goto(server.origin + "/hostile-dom.html?inputs=" + n);
  let st;
  for (let i = 0; i < 3000; i++) {
    st = await sw().evaluate(async (u) => { const [tab] = await chrome.tabs.query({ url: u }); return tab ? chrome.tabs.sendMessage(tab.id, { type: "ping" }, { frameId: 0 }) : null; }, page.url());
    if (st && st.stats.classified >= n) break;
    await page.waitForTimeout(100);
  }
  console.log(n, "inputs:", st?.stats.classified, "classified in", (Date.now() - t0) / 1000, "s; idle work", st?.stats.idleMs.toFixed(0), "ms in", st?.stats.idleSlices, "slices");
  await page.close();
}
await b.close(); await server.close();
