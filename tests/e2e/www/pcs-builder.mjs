// The ICD-10-PCS builder (#/pcs), shared by the site and the single file:
// seven keyboard steps, only values valid on the chosen date, words filter,
// Backspace goes back, the complete code is copied.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openReady } from './pages.mjs';

async function values(page) {
  return page.locator('#pcs-root [role="option"]').evaluateAll((els) => els.map((e) => e.dataset.value));
}

async function waitStep(page, n) {
  await page.waitForFunction((k) => document.querySelector('#pcs-root .pcs-step')?.textContent?.startsWith(k), n);
}

export function pcsBuilderTests(ctx) {
  test('PCS builder: 0DTJ4ZZ by keyboard, the code so far always shown', { timeout: 90_000 }, async () => {
    const { page, url } = ctx();
    await openReady(page, url);
    await page.evaluate(() => { location.hash = '#/pcs'; });
    await waitStep(page, 'Step 1 of 7');
    const filter = page.locator('#pcs-root .pcs-filter');
    await filter.focus();
    assert.ok((await values(page)).includes('0'));
    for (const [ch, next, soFar] of [['0', 'Step 2', '0______'], ['D', 'Step 3', '0D_____'], ['T', 'Step 4', '0DT____']]) {
      await page.keyboard.type(ch);
      await waitStep(page, next);
      assert.equal(await page.locator('#pcs-root .pcs-code').textContent(), soFar);
    }
    // Words filter the body parts; Enter picks the highlighted one.
    await page.keyboard.type('appendix');
    await page.waitForFunction(() => document.querySelectorAll('#pcs-root [role="option"]').length === 1);
    assert.deepEqual(await values(page), ['J']);
    await page.keyboard.press('Enter');
    await waitStep(page, 'Step 5');
    // Approaches valid for 0DTJ, each with its definition.
    assert.deepEqual(await values(page), ['0', '4', '7', '8']);
    assert.match(await page.locator('#pcs-root .pcs-def').first().textContent(), /Cutting through the skin/);
    // Backspace goes back a step.
    await page.keyboard.press('Backspace');
    await waitStep(page, 'Step 4');
    await page.keyboard.type('J');
    await waitStep(page, 'Step 5');
    await page.keyboard.type('4');
    await waitStep(page, 'Step 6');
    await page.keyboard.type('Z');
    await waitStep(page, 'Step 7');
    assert.match(await page.locator('#pcs-root .pcs-title').first().textContent(), /Resection of Appendix/);
    await page.keyboard.type('Z');
    await page.waitForFunction(() => document.querySelector('#pcs-root .pcs-code')?.textContent === '0DTJ4ZZ');
    await page.waitForFunction(() => /0DTJ4ZZ/.test(document.getElementById('announcer').textContent));
  });

  test('PCS builder: only values valid on the chosen date', { timeout: 60_000 }, async () => {
    const { page, url } = ctx();
    await openReady(page, url);
    await page.evaluate(() => { location.hash = '#/pcs'; });
    await waitStep(page, 'Step 1 of 7');
    const date = page.locator('#pcs-root .pcs-date');
    await date.fill('2026-09-30');
    await date.dispatchEvent('change');
    await page.locator('#pcs-root .pcs-filter').focus();
    for (const ch of ['0', '2', '8']) await page.keyboard.type(ch);
    await waitStep(page, 'Step 4');
    assert.ok(!(await values(page)).includes('F'), '028F… starts 2026-10-01');
    await date.fill('2026-10-01');
    await date.dispatchEvent('change');
    await page.waitForFunction(() => [...document.querySelectorAll('#pcs-root [role="option"]')].some((e) => e.dataset.value === 'F'));
  });
}
