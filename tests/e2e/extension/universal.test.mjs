// dist/extension/ is the one directory a person loads unpacked in either
// browser (its manifest carries both background keys). Check it starts in both.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startServers } from "./server.mjs";
import { ROOT, foreignRequests, launchChromium, launchFirefox } from "./harness.mjs";

const DIR = process.env.DIST ? join(process.env.DIST, "extension") : join(ROOT, "dist/extension");

test("dist/extension loads unpacked in Chromium: worker, engine and popup search", { skip: !existsSync(DIR) && "no dist/extension" }, async () => {
  const server = await startServers();
  const b = await launchChromium(server, DIR);
  try {
    const page = await b.ctx.newPage();
    await page.goto(`chrome-extension://${b.id}/popup.html`);
    await page.fill("#q", "chf");
    await page.locator("#results li[role=option]").first().waitFor({ timeout: 10000 });
    assert.ok((await page.locator("#results li[role=option]").count()) > 0);
    assert.deepEqual(foreignRequests(server), []);
  } finally {
    await b.close();
    await server.close();
  }
});

test("dist/extension installs in Firefox", { skip: !existsSync(DIR) && "no dist/extension" }, async () => {
  const server = await startServers();
  const ff = await launchFirefox(server, DIR);
  try {
    assert.equal(ff.id, "medcode@medcode");
  } finally {
    await ff.close();
    await server.close();
  }
});
