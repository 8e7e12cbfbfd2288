import { startServers } from "./server.mjs";
import { launchChromium, enableSiteChromium, worker } from "./harness.mjs";
const server = await startServers();
const b = await launchChromium(server);
await enableSiteChromium(b.ctx, b.id, server.origin);
const page = await b.ctx.newPage();
page.on("console", (m) => console.log("PAGE:", m.text()));
await page.goto(server.origin + "/cms1500.html");
await page.locator("medcode-overlay").waitFor({ state: "attached" });
await page.locator('input[name="svc_0_3"]').click();
await page.keyboard.type("dexa");
await page.waitForTimeout(1000);
console.log("value", await page.inputValue('input[name="svc_0_3"]'));
console.log(await page.locator("medcode-overlay .listbox").evaluateAll((ls) => ls.map((l) => [l.hidden, l.dataset.query, l.dataset.count])));
const r = await worker(b.ctx, b.id).evaluate(async () => { return null; });
// selection
await page.goto(server.origin + "/ehr.html");
await page.locator("medcode-overlay").waitFor({ state: "attached" });
const rect = await page.evaluate(() => { const r = document.createRange(); r.selectNodeContents(document.getElementById("code-e11").firstChild); const b = r.getBoundingClientRect(); return { x: b.x + b.width / 2, y: b.y + b.height / 2 }; });
await page.mouse.dblclick(rect.x, rect.y);
console.log("sel", await page.evaluate(() => getSelection().toString()));
await page.waitForTimeout(800);
console.log(await page.locator("medcode-overlay .card").evaluate((c) => [c.hidden, c.dataset.code]));
// mapping
await page.click("#free", { button: "right" });
await page.keyboard.press("Escape");
const url = page.url();
const res = await worker(b.ctx, b.id).evaluate(async (u) => {
  const tabs = await chrome.tabs.query({});
  const [tab] = await chrome.tabs.query({ url: u });
  try { await chrome.tabs.sendMessage(tab.id, { type: "mapField", kind: "dx" }, { frameId: 0 }); } catch (e) { return String(e) + JSON.stringify(tabs.map(t => t.url)); }
  await new Promise((r) => setTimeout(r, 300));
  return (await chrome.storage.local.get("settings")).settings.mappings;
}, url);
console.log("map", res);
await page.click("#free");
await page.keyboard.type("chf");
await page.waitForTimeout(800);
console.log(await page.locator("medcode-overlay .listbox").evaluateAll((ls) => ls.map((l) => [l.hidden, l.dataset.query, l.dataset.count])));
await b.close(); await server.close();
