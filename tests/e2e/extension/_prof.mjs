import { startServers } from "./server.mjs";
import { launchChromium, enableSiteChromium } from "./harness.mjs";
const server = await startServers();
const b = await launchChromium(server);
await enableSiteChromium(b.ctx, b.id, server.origin);
const page = await b.ctx.newPage();
const path = process.argv[2] ?? "/big.html";
await page.goto(server.origin + path);
await page.locator("medcode-overlay").waitFor({ state: "attached" });
const cdp = await b.ctx.newCDPSession(page);
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
await cdp.send("Profiler.start");
await page.waitForTimeout(4000);
const { profile } = await cdp.send("Profiler.stop");
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas; let i = 0;
for (const s of profile.samples) {
  const n = byId.get(s); const f = n.callFrame;
  const key = `${f.functionName || "(anon)"} ${f.url.split("/").pop()}:${f.lineNumber}`;
  self.set(key, (self.get(key) ?? 0) + (dt[i++] ?? 0) / 1000);
}
console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(0).padStart(6)} ms  ${k}`).join("\n"));
await b.close(); await server.close();
