import { startServers } from "./server.mjs";
import { launchChromium, enableSiteChromium, measureKeystrokes, percentile } from "./harness.mjs";
const server = await startServers();
const b = await launchChromium(server);
await enableSiteChromium(b.ctx, b.id, server.origin);
for (const path of ["/ehr.html", "/big.html"]) {
  const page = await b.ctx.newPage();
  await page.goto(server.origin + path);
  await page.locator("medcode-overlay").waitFor({ state: "attached" });
  await page.evaluate(() => { window.__long = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(Math.round(e.duration)); }).observe({ type: "longtask", buffered: true }); });
  await page.waitForTimeout(1500);
  const sel = path === "/ehr.html" ? "#dx1" : "#big-dx";
  const t = await measureKeystrokes(page, sel, ["chf", "copd", "asthma", "diabetes"]);
  console.log(path, "dom p50", percentile(t.dom, 50).toFixed(1), "p95", percentile(t.dom, 95).toFixed(1), "frame p50", percentile(t.frame, 50).toFixed(1), "p95", percentile(t.frame, 95).toFixed(1), t.dom.map((x) => x.toFixed(0)).join(" "));
  console.log("longtasks", await page.evaluate(() => window.__long.join(" ")));
  await page.close();
}
await b.close();
const { chromium } = await import("playwright-core");
const plain = await chromium.launch({ executablePath: "/usr/lib/chromium/chromium", args: ["--no-sandbox", "--disable-gpu", `--proxy-server=${server.proxy}`, "--proxy-bypass-list=<-loopback>"] });
const pg = await plain.newPage();
await pg.goto(server.origin + "/big.html");
await pg.evaluate(() => { window.__long = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(Math.round(e.duration)); }).observe({ type: "longtask", buffered: true }); });
await pg.waitForTimeout(6000);
console.log("baseline longtasks (no extension)", await pg.evaluate(() => window.__long.join(" ")));
await plain.close();
await server.close();
