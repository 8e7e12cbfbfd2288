#!/usr/bin/env node
// Screenshots of the offline page for the README (not part of the test run):
//   node tests/e2e/www/screenshot.mjs
// writes docs/screenshots/www.png (lookup, light) and www-dark.png (claim check, dark).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, ROOT, launchChromium } from '../lib/browser.mjs';
import { openClaim, openCode, openReady, typeQuery } from './pages.mjs';

const OUT = path.join(ROOT, 'docs/screenshots');
const url = pathToFileURL(path.join(DIST, 'medcode.html')).href;
const browser = await launchChromium({ viewport: { width: 1280, height: 820 } });
try {
  const page = await browser.page();
  await page.emulateMedia({ colorScheme: 'light' });
  await openReady(page, url);
  await openCode(page, 'W21.89');
  await page.locator('#details .seventh').getByLabel(/^A initial encounter/).check();
  await typeQuery(page, 'chf');
  await page.locator('#search-input').press('ArrowDown');
  await page.locator('#search-input').press('ArrowDown');
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(OUT, 'www.png') });

  await page.emulateMedia({ colorScheme: 'dark' });
  await openReady(page, `${url}#/claim`);
  await openClaim(page);
  await page.getByRole('button', { name: 'Load example' }).click();
  await page.waitForSelector('.claim-form .issue');
  await page.setViewportSize({ width: 1280, height: 1180 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(OUT, 'www-dark.png') });
  console.log(`wrote ${path.relative(ROOT, OUT)}/www.png and www-dark.png`);
} finally {
  await browser.close();
}
