import { startServers } from "./server.mjs";
import { launchChromium, enableSiteChromium, worker, percentile } from "./harness.mjs";
const server = await startServers();
const b = await launchChromium(server);
const page = await b.ctx.newPage();
await page.goto(`chrome-extension://${b.id}/options.html`);
const r = await page.evaluate(async () => {
  const send = (m) => chrome.runtime.sendMessage(m);
  const t0 = performance.now(); await send({ type: "warm" }); const cold = performance.now() - t0;
  const ping = [], srch = {};
  for (let i = 0; i < 200; i++) { const t = performance.now(); await send({ type: "ping" }); ping.push(performance.now() - t); }
  for (const q of ["ch", "chf", "co", "cop", "copd", "as", "ast", "asthma", "di", "dia", "diabetes", "type 2 diabetes", "e1", "e11", "e11.9"]) {
    const xs = [];
    for (let i = 0; i < 10; i++) { const t = performance.now(); await send({ type: "search", query: q, system: "icd10cm", limit: 8 }); xs.push(performance.now() - t); }
    xs.sort((a, b) => a - b); srch[q] = xs[5].toFixed(2);
  }
  ping.sort((a, b) => a - b);
  return { cold, ping50: ping[100], ping95: ping[190], srch };
});
console.log(r);
await b.close(); await server.close();
