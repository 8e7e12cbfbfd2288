// The checks both page forms must pass (the served site and the single file
// from file://). Each *.test.mjs opens its form and calls lookupTests and
// claimTests with a function returning { page, url }.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { runAxe } from '../lib/browser.mjs';
import {
  assertNoHorizontalScroll, claimIssues, detailsHeading, hasClaimChecks, openClaim, openCode, openReady,
  optionCodes, typeQuery,
} from './pages.mjs';

const T = { timeout: 60_000 };

export function lookupTests(ctx) {
  test('search as you type: combobox with keyboard ↑ ↓ Enter Esc', T, async () => {
    const { page, url } = ctx();
    await openReady(page, url);
    const input = page.locator('#search-input');
    await typeQuery(page, 'chf');
    const codes = await optionCodes(page);
    assert.ok(codes.length >= 5, `few results for chf: ${codes}`);
    assert.ok(codes.every((c) => c.startsWith('I50')), `chf should rank heart failure codes: ${codes}`);
    assert.equal(await input.getAttribute('aria-expanded'), 'true');
    assert.equal(await input.getAttribute('role'), 'combobox');

    await input.press('ArrowDown');
    await input.press('ArrowDown');
    const active = await input.getAttribute('aria-activedescendant');
    assert.equal(active, 'search-option-1');
    assert.equal(await page.locator(`#${active}`).getAttribute('aria-selected'), 'true');
    await input.press('ArrowUp');
    assert.equal(await input.getAttribute('aria-activedescendant'), 'search-option-0');

    await input.press('Escape');
    assert.equal(await input.getAttribute('aria-expanded'), 'false');
    assert.equal(await input.inputValue(), 'chf', 'first Esc only closes the list');
    await input.press('Escape');
    assert.equal(await input.inputValue(), '', 'second Esc clears the box');

    await typeQuery(page, 'fx radius');
    const first = (await optionCodes(page))[0];
    await input.press('ArrowDown');
    await input.press('Enter');
    assert.match(await detailsHeading(page), new RegExp(`^${first.replace('.', '\\.')} `));
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H2', 'focus moves to the opened code');

    // "/" comes back to the search box; a typed code opens directly on Enter.
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'search-input');
    await input.fill('e119');
    await input.press('Enter');
    assert.match(await detailsHeading(page), /^E11\.9 Type 2 diabetes mellitus without complications/);
  });

  test('typing never moves the page (results overlay, status line has a fixed height)', T, async () => {
    const { page, url } = ctx();
    await openReady(page, url);
    await openCode(page, 'E11.9');
    const box = () => page.evaluate(() => {
      const r = document.querySelector('#details').getBoundingClientRect();
      const s = document.querySelector('#search-status').getBoundingClientRect();
      return [r.top, r.left, r.width, s.height];
    });
    const before = await box();
    const input = page.locator('#search-input');
    await input.fill('');
    for (const ch of 'congestive heart failure with') {
      await input.press(ch === ' ' ? 'Space' : ch);
      assert.deepEqual(await box(), before, `layout moved after typing "${ch}"`);
    }
    await input.fill('zzzzqqqq');
    await page.waitForTimeout(500);
    assert.deepEqual(await box(), before, 'layout moved on "no results"');
  });

  test('details: breadcrumb, notes with codes as links, children', T, async () => {
    const { page, url } = ctx();
    await openReady(page, url);
    await openCode(page, 'E11');
    const crumbs = await page.locator('#details .breadcrumb li').allTextContents();
    assert.match(crumbs[0], /^Chapter 4 Endocrine/);
    assert.match(crumbs[1], /^E08-E13 /);
    assert.equal(crumbs.at(-1), 'E11');
    assert.equal(await page.locator('#details .breadcrumb [aria-current="page"]').textContent(), 'E11');
    assert.ok(await page.locator('#details .tag', { hasText: 'header: not billable' }).count());
    // Children are links; E11.9 is among them.
    assert.ok(await page.locator('#details .child-list a[href="#/code/E11.9"]').count());
    // Excludes1 "(E10.-)" is a link to E10.
    const link = page.locator('#details .note-excludes1 a.code-link', { hasText: 'E10.-' });
    assert.equal(await link.getAttribute('href'), '#/code/E10');
    await link.click();
    assert.match(await detailsHeading(page), /^E10 Type 1 diabetes mellitus/);
    // Breadcrumb links go up the tree.
    await openCode(page, 'I50.21');
    await page.locator('#details .breadcrumb a', { hasText: 'I50.2' }).click();
    assert.match(await detailsHeading(page), /^I50\.2 Systolic/);
    // Text that only looks like a code is not linked ("vitamin B12" style): every link resolves.
    const hrefs = await page.locator('#details a.code-link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.length > 0);
  });

  test('validity follows the date of service', T, async () => {
    const { page, url } = ctx();
    await openReady(page, url);
    await openCode(page, 'E10.A0'); // new on 2024-10-01
    const result = page.locator('#details .validity-result');
    const date = page.locator('#details input[type="date"]');
    await date.fill('2024-03-01');
    assert.match(await result.textContent(), /^Not valid on 2024-03-01\. It takes effect on 2024-10-01/);
    await date.fill('2025-01-15');
    assert.match(await result.textContent(), /^Valid on 2025-01-15\. Valid since 2024-10-01/);
    // The date is kept for the next code.
    await openCode(page, 'E11.9');
    assert.equal(await page.locator('#details input[type="date"]').inputValue(), '2025-01-15');
    // A header is never valid on a claim.
    await openCode(page, 'E11');
    assert.match(await page.locator('#details .validity-result').textContent(), /Not billable\. E11 is a header/);
  });

  test('7th-character builder shows the full code with placeholder X', T, async () => {
    const { page, url } = ctx();
    await openReady(page, url);
    await openCode(page, 'W21.89');
    const builder = page.locator('#details .seventh');
    assert.match(await builder.locator('legend').textContent(), /Build the 7th character for W21\.89/);
    await builder.getByLabel(/^A initial encounter/).check();
    const out = builder.locator('output');
    assert.equal((await out.locator('.code').textContent()).trim(), 'W21.89XA');
    assert.equal(await out.locator('.placeholder').textContent(), 'X');
    assert.equal(await builder.getByRole('link', { name: 'Open W21.89XA' }).getAttribute('href'), '#/code/W21.89XA');
    await builder.getByRole('link', { name: 'Open W21.89XA' }).click();
    assert.match(await detailsHeading(page), /^W21\.89XA /);
    // Six characters already: no placeholder.
    await openCode(page, 'S52.501');
    await page.locator('#details .seventh').getByLabel(/^D subsequent encounter for closed fracture with routine healing/).check();
    assert.equal((await page.locator('#details .seventh output .code').textContent()).trim(), 'S52.501D');
    assert.equal(await page.locator('#details .seventh output .placeholder').count(), 0);
  });

  test('HCPCS details, and J1100 shown in both code sets', T, async () => {
    const { page, url } = ctx();
    await openReady(page, url);
    await openCode(page, 'G0008');
    assert.match(await detailsHeading(page), /^G0008 Admin influenza virus vac/);
    assert.ok(await page.locator('#details .tag-hcpcs', { hasText: 'HCPCS Level II' }).count());
    assert.match(await page.locator('#details .validity h3').textContent(), /Validity by quarter/);
    assert.match(await page.locator('#details .facts').textContent(), /Active in the \d{4}-\d{2}-\d{2} quarter/);
    await page.locator('#search-input').fill('J1100');
    await page.locator('#search-input').press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#details article').length === 2);
    const codes = await page.locator('#details article h2 .code').allTextContents();
    assert.deepEqual(codes.sort(), ['J11.00', 'J1100']);
  });

  test('an unknown or malformed code says what is wrong', T, async () => {
    const { page, url } = ctx();
    await openReady(page, url);
    await page.evaluate(() => { location.hash = '#/code/ZZZ'; });
    await page.waitForSelector('#details .not-found');
    assert.match(await page.locator('#details .not-found').textContent(), /"ZZZ" is not a code/);
  });

  test('narrow window and 200% zoom: no sideways scrolling', T, async () => {
    const { page, url } = ctx();
    await openReady(page, url);
    const original = page.viewportSize();
    try {
      // 200% zoom of a 1280 px window is a 640 CSS px layout; 320 px is the WCAG reflow width.
      for (const width of [640, 320]) {
        await page.setViewportSize({ width, height: 800 });
        await openCode(page, 'S52.501');
        await assertNoHorizontalScroll(page, `details at ${width}px`);
        await typeQuery(page, 'chf');
        await assertNoHorizontalScroll(page, `search results at ${width}px`);
        const list = await page.locator('#search-results').boundingBox();
        assert.ok(list.x >= 0 && list.x + list.width <= width + 1, `listbox outside the window at ${width}px`);
        await page.keyboard.press('Escape');
        await openClaim(page);
        await assertNoHorizontalScroll(page, `claim form at ${width}px`);
      }
    } finally {
      await page.setViewportSize(original);
    }
  });

  test('theme: follows the system, toggle switches and is remembered', T, async () => {
    const { page, url } = ctx();
    await page.emulateMedia({ colorScheme: 'dark' });
    await openReady(page, url);
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(await bg(), 'rgb(17, 20, 24)', 'dark system theme');
    assert.equal(await page.locator('#theme-toggle').getAttribute('aria-pressed'), 'true');
    await page.locator('#theme-toggle').click();
    assert.equal(await bg(), 'rgb(255, 255, 255)');
    await page.reload({ waitUntil: 'commit' });
    await page.waitForSelector('body');
    // Applied before the app script runs (no flash of the system theme).
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
    await page.waitForFunction(() => document.documentElement.dataset.state === 'ready');
    assert.equal(await bg(), 'rgb(255, 255, 255)', 'the choice survives a reload');
    await page.locator('#theme-toggle').click(); // back to dark, remembered as dark
    assert.equal(await bg(), 'rgb(17, 20, 24)');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.evaluate(() => localStorage.removeItem('medcode.theme'));
  });

  test('print: the record without the controls, in black on white', T, async () => {
    const { page, url } = ctx();
    await page.emulateMedia({ colorScheme: 'dark' });
    await openReady(page, url);
    await openCode(page, 'S52.501');
    await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
    const shown = await page.evaluate(() => Object.fromEntries(
      ['#search-form', '.site-nav', '#theme-toggle', '#details .actions', '#details .seventh-result .button', '#details h2', '#details .notes']
        .map((sel) => [sel, getComputedStyle(document.querySelector(sel)).display !== 'none'])));
    assert.deepEqual(shown, {
      '#search-form': false, '.site-nav': false, '#theme-toggle': false, '#details .actions': false,
      '#details .seventh-result .button': false, '#details h2': true, '#details .notes': true,
    });
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(255, 255, 255)');
    await page.emulateMedia({ media: 'screen', colorScheme: 'light' });
  });

  test('axe-core: no violations, light and dark, lookup and claim views', T, async () => {
    const { page, url } = ctx();
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await openReady(page, url);
      await openCode(page, 'S52.501');
      await typeQuery(page, 'chf');
      await page.locator('#search-input').press('ArrowDown');
      let violations = await runAxe(page);
      assert.deepEqual(violations, [], `${scheme} lookup view:\n${JSON.stringify(violations, null, 2)}`);
      await page.locator('#search-input').press('Escape');
      await openCode(page, 'J1100');
      violations = await runAxe(page);
      assert.deepEqual(violations, [], `${scheme} HCPCS view:\n${JSON.stringify(violations, null, 2)}`);
      await openClaim(page);
      if (await hasClaimChecks(page)) {
        await page.getByRole('button', { name: 'Load example' }).click();
        await page.waitForSelector('.claim-form .issue');
      }
      violations = await runAxe(page);
      assert.deepEqual(violations, [], `${scheme} claim view:\n${JSON.stringify(violations, null, 2)}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });
}

export function claimTests(ctx) {
  test('claim form: catches errors next to their fields and accepts a one-click fix', T, async (t) => {
    const { page, url } = ctx();
    await openReady(page, url);
    await openClaim(page);
    if (!(await hasClaimChecks(page))) {
      t.skip('this engine build has no validateClaim yet');
      return;
    }
    const form = page.locator('.claim-form');
    await form.getByLabel('21 A', { exact: false }).first().fill('E11');
    await form.getByLabel(/33a Billing provider NPI/).fill('1234567890');
    let issues = await claimIssues(page);
    const notBillable = issues.find((i) => i.field === 'diagnoses[0]' && i.rule === 'dx.not_billable');
    assert.ok(notBillable, `E11 should be flagged as a header: ${JSON.stringify(issues)}`);
    assert.ok(issues.some((i) => i.field === 'billing_provider.npi' && i.rule === 'npi.check_digit'), JSON.stringify(issues));

    // The message sits under the field that is wrong, and the input is marked invalid.
    const dxA = page.locator('input[data-path="diagnoses[0]"]');
    assert.equal(await dxA.getAttribute('aria-invalid'), 'true');
    const slot = page.locator(`#${(await dxA.getAttribute('aria-describedby')).split(' ').pop()}`);
    assert.match(await slot.textContent(), /E11/);
    const npiSlot = page.locator(`#${(await page.locator('input[data-path="billing_provider.npi"]').getAttribute('aria-describedby')).split(' ').pop()}`);
    assert.match(await npiSlot.textContent(), /check digit/i);

    // One click applies the engine's suggestion.
    const fix = slot.getByRole('button', { name: /^Use .* for 21A$/ });
    const suggested = notBillable.suggestion;
    assert.ok(suggested, 'dx.not_billable offers the unspecified child');
    await fix.click();
    assert.equal(await dxA.inputValue(), suggested);
    issues = await claimIssues(page);
    assert.ok(!issues.some((i) => i.field === 'diagnoses[0]' && i.severity === 'error'), JSON.stringify(issues));
    assert.equal(await dxA.getAttribute('aria-invalid'), null);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.path), 'diagnoses[0]');

    // Typed dates are read as the form prints them.
    await page.locator('input[data-path="billing_provider.npi"]').fill('1234567893');
    const line = page.locator('.line').first();
    await line.getByLabel('24A From').fill('03/10/2026');
    await line.getByLabel(/24D Code/).fill('99213');
    await line.getByLabel('Pointer 1').fill('A');
    await line.getByLabel('Modifier 1').fill('25');
    await line.getByLabel('Modifier 2').fill('25');
    await line.getByLabel('Pointer 2').fill('D');
    issues = await claimIssues(page);
    assert.ok(!issues.some((i) => i.field.startsWith('service_lines[0].from')), `03/10/2026 is a date: ${JSON.stringify(issues)}`);
    // Modifier and pointer issues land in their group, naming the box.
    const mod = issues.find((i) => i.field.startsWith('service_lines[0].modifiers'));
    assert.ok(mod, `duplicate modifier 25: ${JSON.stringify(issues)}`);
    assert.match(await line.locator('fieldset.slots').first().locator('.msg').textContent(), /25/);
    const ptr = issues.find((i) => i.field.startsWith('service_lines[0].diagnosis_pointers'));
    assert.ok(ptr, `pointer D points past the diagnoses: ${JSON.stringify(issues)}`);
    assert.equal(await line.getByLabel('Pointer 2').getAttribute('aria-invalid'), 'true');

    // The summary lists every issue; its buttons move to the field.
    const summaryButtons = page.locator('.claim-summary .issue-list button');
    assert.equal(await summaryButtons.count(), issues.length);
  });

  test('claim form: NCCI pairs and the Medicare pointer limit', T, async (t) => {
    const { page, url } = ctx();
    await openReady(page, url);
    await openClaim(page);
    if (!(await hasClaimChecks(page))) {
      t.skip('this engine build has no validateClaim yet');
      return;
    }
    const line = (code, pointers) => ({ from: '2026-03-10', to: '2026-03-10', place_of_service: '11', code, diagnosis_pointers: pointers, units: 1, charge: '10.00' });
    const claim = { diagnoses: ['E11.9', 'I10'], service_lines: [line('A9501', ['A', 'B']), line('A9512', ['A'])] };
    await page.evaluate((text) => window.medcode.claim.importText(text, 'ncci.json'), JSON.stringify(claim));
    let issues = await claimIssues(page);
    if (await page.evaluate(() => window.medcode.loaded.ncci)) {
      assert.ok(issues.some((i) => i.rule === 'ncci.ptp' && i.field === 'service_lines[1].code'), JSON.stringify(issues));
      assert.equal(await page.locator('.line').nth(1).getByLabel(/24D Code/).getAttribute('aria-invalid'), 'true');
    } else {
      t.diagnostic('no NCCI table in this build');
    }
    assert.ok(!issues.some((i) => i.rule.startsWith('pointer.')), JSON.stringify(issues));
    await page.getByLabel('Payer rules').selectOption('medicare');
    issues = await claimIssues(page);
    assert.ok(issues.some((i) => i.rule === 'pointer.too_many' && i.field.startsWith('service_lines[0].diagnosis_pointers')), JSON.stringify(issues));
    await page.getByLabel('Payer rules').selectOption('cms1500');
  });

  test('claim JSON: import fills the form, export writes the same claim', T, async (t) => {
    const { page, url } = ctx();
    await openReady(page, url);
    await openClaim(page);
    const claim = {
      patient: { sex: 'F', birth_date: '1968-04-02' },
      billing_provider: { npi: '1234567893', tax_id: '123456789', tax_id_type: 'EIN' },
      rendering_provider: { npi: '1987654328' },
      diagnoses: ['E11.9', 'I10'],
      service_lines: [
        { from: '2026-03-10', to: '2026-03-10', place_of_service: '11', code: '99213', modifiers: ['25'], diagnosis_pointers: ['A', 'B'], units: 1, charge: '125.00' },
        { from: '2026-03-10', to: '2026-03-10', place_of_service: '11', code: 'G0008', modifiers: [], diagnosis_pointers: ['A'], units: 1, charge: '20.00' },
      ],
    };
    await page.locator('.claim-toolbar input[type="file"]').setInputFiles({
      name: 'visit.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(claim)),
    });
    await page.waitForFunction(() => document.querySelector('.claim-notice')?.textContent.startsWith('Imported visit.json'));
    assert.equal(await page.locator('input[data-path="diagnoses[1]"]').inputValue(), 'I10');
    assert.equal(await page.locator('.line').count(), 2);
    assert.equal(await page.locator('.line').nth(1).getByLabel(/24D Code/).inputValue(), 'G0008');
    if (await hasClaimChecks(page)) {
      const issues = await claimIssues(page);
      assert.ok(!issues.some((i) => i.severity === 'error'), `a clean claim: ${JSON.stringify(issues)}`);
      assert.match(await page.locator('.claim-count').textContent(), /No issues|0 errors/);
    } else {
      t.diagnostic('no validateClaim in this engine build: import/export checked without validation');
    }
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export JSON' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'claim.json');
    const exported = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
    assert.deepEqual(exported, claim);
    // A file that is not a claim is refused with a reason, and the form is kept.
    await page.locator('.claim-toolbar input[type="file"]').setInputFiles({
      name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"diagnoses": [1,'),
    });
    await page.waitForFunction(() => document.querySelector('.claim-notice')?.textContent.startsWith('That file is not JSON'));
    assert.equal(await page.locator('input[data-path="diagnoses[1]"]').inputValue(), 'I10');
  });

  test('"Add to claim" from a code\'s details fills the next diagnosis', T, async () => {
    const { page, url } = ctx();
    await openReady(page, url);
    await openCode(page, 'I10');
    await page.getByRole('button', { name: 'Add to claim: I10' }).click();
    await page.waitForFunction(() => /Added I10 as diagnosis A/.test(document.getElementById('announcer').textContent));
    await openClaim(page);
    assert.equal(await page.locator('input[data-path="diagnoses[0]"]').inputValue(), 'I10');
    // Claim data is not stored: a reload starts empty.
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.state === 'ready');
    assert.equal(await page.locator('input[data-path="diagnoses[0]"]').inputValue(), '');
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    assert.ok(!stored.includes('I10'), `claim data in localStorage: ${stored}`);
  });
}
