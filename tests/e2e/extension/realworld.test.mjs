// The real-world pages (tests/e2e/extension/realworld-cases.mjs) in Chromium, driven by Playwright.
import { enableSiteChromium, launchChromium } from "./harness.mjs";
import { realWorldCases } from "./realworld-cases.mjs";

realWorldCases("Chromium", async (server) => {
  const b = await launchChromium(server);
  await enableSiteChromium(b.ctx, b.id, server.origin);
  return {
    close: () => b.close(),
    async open(url, onError) {
      const page = await b.ctx.newPage();
      page.on("pageerror", (e) => onError(e.message));
      await page.goto(url);
      await page.locator("medcode-overlay").waitFor({ state: "attached", timeout: 10000 });
      return {
        click: (sel) => page.click(sel),
        type: (text) => page.keyboard.type(text),
        press: (key) => page.keyboard.press(key),
        fill: (sel, v) => page.fill(sel, v),
        blur: (sel) => page.locator(sel).blur(),
        value: (sel) => page.inputValue(sel),
        eval: (fn, arg) => page.evaluate(fn, arg),
        close: () => page.close(),
      };
    },
  };
});
