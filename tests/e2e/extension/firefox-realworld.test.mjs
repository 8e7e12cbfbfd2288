// The real-world pages (tests/e2e/extension/realworld-cases.mjs) in Firefox ESR, driven by
// Puppeteer over WebDriver BiDi (the test build declares the content script for 127.0.0.1).
import { launchFirefox } from "./harness.mjs";
import { realWorldCases } from "./realworld-cases.mjs";

realWorldCases("Firefox", async (server) => {
  const ff = await launchFirefox(server);
  return {
    close: () => ff.close(),
    async open(url, onError) {
      const page = await ff.browser.newPage();
      page.on("pageerror", (e) => onError(e.message));
      await page.goto(url);
      await page.waitForSelector("medcode-overlay", { timeout: 10000 });
      const press = async (key) => {
        const parts = key.split("+");
        const k = parts.pop();
        for (const m of parts) await page.keyboard.down(m);
        await page.keyboard.press(k);
        for (const m of parts.reverse()) await page.keyboard.up(m);
      };
      return {
        click: (sel) => page.click(sel),
        type: (text) => page.keyboard.type(text),
        press,
        // as a user replaces a value: select all, delete, type (trusted key and input events)
        async fill(sel, v) {
          await page.focus(sel);
          await press("Control+a");
          await page.keyboard.press("Backspace");
          if (v) await page.keyboard.type(v);
        },
        blur: (sel) => page.$eval(sel, (e) => e.blur()),
        value: (sel) => page.$eval(sel, (e) => e.value),
        eval: (fn, arg) => page.evaluate(fn, arg),
        close: () => page.close(),
      };
    },
  };
});
