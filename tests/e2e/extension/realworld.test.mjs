// Pages reproduced from real EHRs nobody here wrote (sources cited at the top of each fixture):
// which fields get which kind, suggestions insert exactly the chosen code (also once the page's
// own React state ran), fields that hold no code are left alone, and nothing leaves the machine.
// Kinds are read from what the extension does with a field: a diagnosis/procedure field offers
// codes of its system; a date/charge/NPI/... field checks a bad value with that kind's rules;
// a field that holds no code offers nothing and checks nothing.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startServers } from "./server.mjs";
import { enableSiteChromium, foreignRequests, launchChromium, listbox, settledCodes, suggestionOptions } from "./harness.mjs";

let server, b;
const pageErrors = [];

before(async () => {
  server = await startServers();
  b = await launchChromium(server);
  await enableSiteChromium(b.ctx, b.id, server.origin);
});
after(async () => {
  await b?.close();
  await server?.close();
});

async function open(path) {
  const page = await b.ctx.newPage();
  page.on("pageerror", (e) => pageErrors.push(`${path}: ${e.message}`));
  await page.goto(server.origin + path);
  await page.locator("medcode-overlay").waitFor({ state: "attached", timeout: 10000 });
  return page;
}
const opts = suggestionOptions;
const codes = settledCodes;
/** The badge drawn over a field (badges live in the overlay), or null. */
const badge = (page, sel) => page.locator(sel).evaluate((el) => {
  const r = el.getBoundingClientRect();
  const host = document.querySelector("medcode-overlay");
  // fields in a dense claim row sit a few pixels apart: a badge whose centre is over the field,
  // the one nearest its right end
  const near = (br) => Math.abs((br.left + br.right) / 2 - (r.right - 12)) + Math.abs((br.top + br.bottom) / 2 - (r.top + r.bottom) / 2);
  const hit = Array.from(host.shadowRoot.querySelectorAll(".badge")).filter((x) => {
    const br = x.getBoundingClientRect();
    const cx = (br.left + br.right) / 2;
    return cx >= r.left && cx <= r.right + 6 && br.top >= r.top - 6 && br.bottom <= r.bottom + 6;
  }).sort((a, b) => near(a.getBoundingClientRect()) - near(b.getBoundingClientRect()))[0];
  return hit ? { state: hit.dataset.state, rules: hit.dataset.rules } : null;
});
async function waitBadge(page, sel, pred, timeout = 8000) {
  const end = Date.now() + timeout;
  let last = null;
  while (Date.now() < end) {
    last = await badge(page, sel);
    if (last && pred(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`badge on ${sel}: ${JSON.stringify(last)}`);
}
/** Types a query, picks the first suggestion with ↓ Enter; returns the code chosen. */
async function typeAndPick(page, sel, query, want) {
  await page.click(sel);
  await page.keyboard.type(query);
  const list = await codes(page);
  assert.ok(list.length > 0 && want(list), `${sel} "${query}": ${list.join()}`);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  assert.equal(await listbox(page).count(), 0);
  return list[0];
}
/** A field of kind `prefix` (date, charge, npi, ...): a bad value gets that kind's rules. */
async function checksAs(page, sel, bad, prefix) {
  await page.fill(sel, bad);
  await page.locator(sel).blur();
  // (polled until it shows: a badge of the field next door may pass over this one for a frame while
  // a scrolled container repositions them; on timeout the message shows the last badge seen)
  await waitBadge(page, sel, (x) => (x.state === "error" || x.state === "warning") && x.rules.split(" ").some((r) => r.startsWith(`${prefix}.`)));
}
/** A field that holds no code: typing a diagnosis word offers nothing, a code-like value gets no badge. */
async function leftAlone(page, sel) {
  await page.click(sel);
  await page.keyboard.type("chf");
  await page.waitForTimeout(600);
  assert.equal(await listbox(page).count(), 0, `no suggestions in ${sel}`);
  await page.keyboard.press("Escape");
  await page.fill(sel, "Z99.99X");
  await page.locator(sel).blur();
  await page.waitForTimeout(700);
  assert.equal(await badge(page, sel), null, `no badge on ${sel}`);
}
const reactState = (page) => page.evaluate(() => JSON.parse(document.getElementById("state").textContent || "{}"));

describe("OpenMRS 3 visit note (Carbon Search in a React form)", () => {
  test("primary and secondary diagnosis searches are diagnosis fields; the chosen code is what React holds", async () => {
    const page = await open("/openmrs-visitnote.html");
    const primary = await typeAndPick(page, "#primaryDiagnosisSearch", "chf", (l) => l.every((c) => c.startsWith("I50")));
    assert.equal(await page.inputValue("#primaryDiagnosisSearch"), primary);
    await page.waitForFunction((c) => JSON.parse(document.getElementById("state").textContent).primaryDiagnosisSearch === c, primary);
    // "type 2 diabetes" also opens OpenMRS's own concept list (li[role=menuitem]): ↓ and Enter stay the
    // page's while it shows, ours takes the keys on Alt+↓ and inserts on Enter
    await page.click("#secondaryDiagnosisSearch");
    await page.keyboard.type("type 2 diabetes");
    const list = await codes(page);
    assert.ok(list.some((c) => c.startsWith("E11")), list.join());
    await page.locator("li[role=menuitem]", { hasText: "Type 2 diabetes mellitus" }).waitFor();
    await page.keyboard.press("Alt+ArrowDown");
    await page.keyboard.press("Enter");
    const secondary = list[0];
    assert.equal(await page.inputValue("#secondaryDiagnosisSearch"), secondary);
    // React re-rendered both controlled inputs (the page's own search ran on each change)
    await page.waitForTimeout(300);
    assert.equal(await page.inputValue("#primaryDiagnosisSearch"), primary);
    assert.equal(await page.inputValue("#secondaryDiagnosisSearch"), secondary);
    const s = await reactState(page);
    assert.equal(s.primaryDiagnosisSearch, primary);
    assert.equal(s.secondaryDiagnosisSearch, secondary);
    await page.click("button[type=submit].cds--btn--primary");
    const submitted = JSON.parse(await page.textContent("#submitted"));
    assert.equal(submitted.primaryDiagnosisSearch, primary);
    assert.equal(submitted.secondaryDiagnosisSearch, secondary);
    await page.close();
  });

  test("the visit date is a date; the patient search and the clinical note are left alone", async () => {
    const page = await open("/openmrs-visitnote.html");
    await checksAs(page, "#visitDateTimePicker", "31/02/2026", "date");
    await leftAlone(page, "#patient-search");
    await leftAlone(page, "#additionalNote");
    assert.equal((await reactState(page)).patientSearch, "Z99.99X");
    await page.close();
  });
});

describe("OpenEMR Misc Billing Options (HCFA-1500 boxes 10-23, type=entry inputs)", () => {
  test("box 14-18 dates are dates and Amount Charges is a charge", async () => {
    const page = await open("/openemr-misc-billing.html");
    for (const sel of ["#onset_date", "#date_initial_treatment", "#off_work_from", "#hospitalization_date_to"]) {
      await checksAs(page, sel, "2026-02-30", "date");
    }
    await checksAs(page, "#lab_amount", "12..5", "charge");
    await page.close();
  });

  test("resubmission, reference, prior-auth, ICN, state, EPSDT and notes fields are left alone", async () => {
    const page = await open("/openemr-misc-billing.html");
    for (const sel of ["#medicaid_resubmission_code", "#medicaid_original_reference", "#prior_auth_number",
      "#icn_resubmission_number", "#box10d", "#addl_notes"]) await leftAlone(page, sel);
    await page.close();
  });
});

describe("Obsidian RCM professional claim (Bootstrap input groups, charges table)", () => {
  test("ICD A-D are diagnoses and the Procedure column suggests HCPCS; Enter inserts exactly the chosen code", async () => {
    const page = await open("/obsidian-rcm-claim.html");
    const dx = await typeAndPick(page, "#icda", "chf", (l) => l.every((c) => c.startsWith("I50")));
    assert.equal(await page.inputValue("#icda"), dx);
    await waitBadge(page, "#icda", (x) => x.state === "valid");
    await page.click("#procedureCode");
    await page.keyboard.type("dexamethasone");
    const list = await codes(page);
    const at = list.indexOf("J1100");
    assert.ok(at >= 0, list.join());
    for (let i = 0; i <= at; i++) await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    assert.equal(await page.inputValue("#procedureCode"), "J1100");
    await page.close();
  });

  test("Mod 1-4, Units, POS, the dxPointer column and Unit Price get their own kinds", async () => {
    const page = await open("/obsidian-rcm-claim.html");
    for (const sel of ["#Modifier1", "#modfierd2", "#Modifier4"]) await checksAs(page, sel, "Q9Q", "modifier");
    await checksAs(page, "#Units", "0", "units");
    await checksAs(page, "#pos", "00", "pos");
    await checksAs(page, "#dxPointer", "Z", "pointer");
    // a price per unit is money, not a unit count: 1.234 is a bad charge and a fine unit count
    await checksAs(page, "#UnitPrice", "1.234", "charge");
    await checksAs(page, "#Amount", "1.234", "charge");
    await page.close();
  });

  test("the patient search (aria-label=npi by mistake), the provider picker and TOS are left alone", async () => {
    const page = await open("/obsidian-rcm-claim.html");
    for (const sel of ["#manageAccsearchpatient", "#claim_renderingProvider", "#tos"]) await leftAlone(page, sel);
    await page.close();
  });
});

describe("the whole file", () => {
  test("no page script failed and no request left the fixture server", () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreignRequests(server), []);
  });
});
