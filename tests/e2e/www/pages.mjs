// Page-level steps shared by the www e2e tests (Playwright pages).
import assert from 'node:assert/strict';

export const READY_TIMEOUT = 45_000;

/** Opens the page and waits until the engine is loaded; returns its timings. */
export async function openReady(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.state !== 'loading', null, { timeout: READY_TIMEOUT });
  const state = await page.evaluate(() => ({
    state: document.documentElement.dataset.state,
    error: window.medcode?.error ?? null,
    timings: window.medcode?.loaded?.timings ?? null,
    form: window.medcode?.loaded?.form ?? null,
  }));
  assert.equal(state.state, 'ready', `page did not start: ${state.error}`);
  return state;
}

export async function hasClaimChecks(page) {
  return page.evaluate(() => typeof window.medcode?.loaded?.engine?.validateClaim === 'function');
}

/** Types a query key by key, as a person would. */
export async function typeQuery(page, text) {
  const input = page.locator('#search-input');
  await input.click();
  await input.fill('');
  await input.pressSequentially(text, { delay: 15 });
  await page.waitForFunction((q) => {
    const list = document.getElementById('search-results');
    return document.getElementById('search-input').value === q && !list.hidden && list.children.length > 0;
  }, text);
}

export async function optionCodes(page) {
  return page.locator('#search-results [role="option"]').evaluateAll((els) => els.map((e) => e.dataset.code));
}

/** The heading of the first details article, e.g. "E11.9 Type 2 diabetes…". */
export async function detailsHeading(page) {
  await page.waitForSelector('#details h2');
  return (await page.locator('#details h2').first().textContent()).replace(/\s+/g, ' ').trim();
}

export async function openCode(page, code) {
  await page.evaluate((c) => { location.hash = `#/code/${c}`; }, code);
  await page.waitForFunction((c) => document.querySelector('#details h2 .code')?.textContent === c, code);
}

export async function openClaim(page) {
  await page.evaluate(() => { location.hash = '#/claim'; });
  await page.waitForSelector('#view-claim:not([hidden]) .claim-form');
}

/** The claim form's issues as [{rule, field, severity}] once validation settled. */
export async function claimIssues(page) {
  await page.waitForTimeout(250); // the form validates 150 ms after the last change
  return page.evaluate(() => (window.medcode.claim.report()?.issues ?? []).map((i) => ({ rule: i.rule, field: i.field, severity: i.severity, suggestion: i.suggestion })));
}

/** The document is not wider than the window (no sideways scrolling). */
export async function assertNoHorizontalScroll(page, what) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(scroll <= width + 1, `${what}: page is ${scroll}px wide in a ${width}px window`);
}
