// Takes the screenshots in docs/screenshots/extension-*.png from the test build.
//   node tests/e2e/extension/screenshots.mjs
import { join } from "node:path";
import { startServers } from "./server.mjs";
import { ROOT, enableSiteChromium, launchChromium, worker } from "./harness.mjs";

const OUT = join(ROOT, "docs/screenshots");
const server = await startServers();
const b = await launchChromium(server);
await enableSiteChromium(b.ctx, b.id, server.origin);
const shot = (page, name, clip) => page.screenshot({ path: join(OUT, `extension-${name}.png`), ...(clip ? { clip } : {}) });
try {
  // 1. suggestions under a diagnosis field
  let page = await b.ctx.newPage();
  await page.setViewportSize({ width: 1100, height: 760 });
  await page.goto(`${server.origin}/ehr.html`);
  await page.locator("medcode-overlay").waitFor({ state: "attached" });
  await page.click("#dx1");
  await page.keyboard.type("chf");
  await page.locator("medcode-overlay .listbox:not([hidden]) li.opt").first().waitFor();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.evaluate(() => window.scrollTo(0, 330));
  await page.waitForTimeout(200);
  await shot(page, "suggestions");
  // 2. page-text lookup
  await page.keyboard.press("Escape");
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.hover("#note-code");
  await page.locator("medcode-overlay .card:not([hidden])").waitFor();
  await shot(page, "lookup", { x: 0, y: 150, width: 1100, height: 330 });
  await page.close();

  // 3. the payer form: badges, a claim error and its popover
  page = await b.ctx.newPage();
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.goto(`${server.origin}/cms1500.html?sample=1`);
  await page.locator("medcode-overlay").waitFor({ state: "attached" });
  await page.waitForTimeout(1200);
  const box = await page.locator('input[name="svc_0_8"]').boundingBox();
  await page.mouse.click(box.x + box.width - 10, box.y + box.height / 2);
  await page.waitForTimeout(200);
  await shot(page, "claim", { x: 0, y: 200, width: 1200, height: 460 });
  await page.mouse.click(5, 5);
  const dx = await page.locator("#dx-A").boundingBox();
  await page.mouse.click(dx.x + dx.width - 10, dx.y + dx.height / 2);
  await page.waitForTimeout(200);
  await shot(page, "fix", { x: 0, y: 180, width: 760, height: 240 });
  // 4. palette
  await page.mouse.click(5, 5);
  await page.click("#dx-C");
  await worker(b.ctx, b.id).evaluate(() => self.medcode.openPalette());
  await page.keyboard.type("copd exac");
  await page.locator("medcode-overlay .palette li.opt").first().waitFor();
  await page.waitForTimeout(200);
  await shot(page, "palette");
  await page.close();

  // 5. popup: details with hierarchy, notes, 7th-character builder
  page = await b.ctx.newPage();
  await page.setViewportSize({ width: 440, height: 600 });
  await page.goto(`chrome-extension://${b.id}/popup.html?code=S52.501`);
  await page.locator("#details .details").first().waitFor();
  await page.locator("#details .seventh select").selectOption("S52.501A");
  await page.waitForTimeout(200);
  await shot(page, "popup");
  await page.goto(`chrome-extension://${b.id}/popup.html`);
  await page.fill("#q", "dm2 with ckd");
  await page.locator("#results li[role=option]").first().waitFor();
  await page.waitForTimeout(200);
  await shot(page, "popup-search");
  // 6. options
  await page.setViewportSize({ width: 900, height: 1000 });
  await page.goto(`chrome-extension://${b.id}/options.html`);
  await page.waitForSelector("body[data-ready]");
  await page.waitForTimeout(400);
  await shot(page, "options");
  await page.close();
} finally {
  await b.close();
  await server.close();
}
console.log(`screenshots in ${OUT}`);
