// Popup and side panel (the same page): search with the engine, code details,
// recent and favourite codes (codes only), data versions, site switch.

import type { CodeRecord, SearchHit, SystemFilter } from "../shared/engine-api";
import type { PageDiagnoses } from "../shared/protocol";
import { uiPlatform } from "../shared/platform";
import { KEYS, loadSettings, originPattern, pushRecent, saveSettings, severityPrefs, toggleFavorite } from "../shared/settings";
import { severityOptions } from "../../../types/severity-chips";
import { renderChips } from "../content/chips";
import { renderDetails } from "./details";
import { $, h } from "./dom";
import { mountPcsBuilder } from "./pcs";

const p = uiPlatform();
let system: SystemFilter = "all";
let seq = 0;
let favorites: string[] = [];
let active = -1;

const input = $("#q") as HTMLInputElement;
const results = $("#results");
const details = $("#details");
const home = $("#home");
const status = $("#status");

async function search(): Promise<void> {
  const q = input.value.trim();
  const mine = ++seq;
  if (q.length < 2) {
    results.replaceChildren();
    results.hidden = true;
    home.hidden = false;
    return;
  }
  const prefs = severityPrefs(await loadSettings(p));
  const sev = prefs.chips && system !== "hcpcs" ? severityOptions(prefs) : undefined;
  const hits = await p.request({ type: "search", query: q, system, limit: 25, ...(sev ? { severity: sev } : {}) }).catch((e: unknown) => {
    status.textContent = String(e);
    return [] as SearchHit[];
  });
  if (mine !== seq) return;
  home.hidden = true;
  results.hidden = false;
  active = -1;
  input.setAttribute("aria-expanded", "true");
  results.replaceChildren(...(hits.length ? hits.map((hit, i) => h("li", {
    role: "option", id: `r${i}`, "aria-selected": "false", "data-code": hit.code,
    onclick: () => void openCode(hit.code),
  }, h("span", { class: "code" }, hit.code), h("span", { class: "title" }, hit.title), chipBox(hit),
  h("span", { class: hit.billable ? "tag" : "tag warn" }, hit.billable ? (hit.system === "hcpcs" ? "HCPCS" : "billable") : "header")))
    : [h("li", { class: "empty" }, `Nothing matches “${q}”`)]));
}

function chipBox(hit: SearchHit): HTMLElement | null {
  if (!hit.severity) return null;
  const box = h("span", { class: "chips" });
  renderChips(box, hit.severity);
  return box;
}

function setActive(i: number): void {
  const items = Array.from(results.querySelectorAll<HTMLElement>("li[role=option]"));
  if (!items.length) return;
  items[active]?.setAttribute("aria-selected", "false");
  active = (i + items.length) % items.length;
  items[active]!.setAttribute("aria-selected", "true");
  items[active]!.scrollIntoView({ block: "nearest" });
  input.setAttribute("aria-activedescendant", items[active]!.id);
}

/** The principal diagnosis typed in the details (CC exclusions); never stored. */
let principal = "";
/** Whether the user typed (or cleared) the principal: then the page's is not used. */
let principalTyped = false;

const ICD_SHAPE = /^[A-TV-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$/i;
/**
 * The principal diagnosis of the form on the page the popup was opened over
 * (the field labelled "principal", else diagnosis A), asked once; never
 * stored. Bounded wait: a page without our content script never answers.
 */
const pageDiagnoses: Promise<PageDiagnoses | null> = Promise.race([
  p.sendToPage({ type: "pageDiagnoses" }, tabArg()).then((r) => {
    const d = r as PageDiagnoses | undefined;
    return d && Array.isArray(d.codes) ? d : null;
  }, () => null),
  new Promise<null>((resolve) => setTimeout(() => resolve(null), 400)),
]);

function tabArg(): number | undefined {
  const t = Number(new URLSearchParams(location.search).get("tab"));
  return Number.isInteger(t) && t > 0 ? t : undefined;
}

async function openCode(code: string): Promise<void> {
  const prefs = severityPrefs(await loadSettings(p));
  const opts = severityOptions(prefs);
  const fromTab = await pageDiagnoses;
  const page = principalTyped ? null : fromTab;
  const first = page?.codes[0] ?? "";
  const fromPage = ICD_SHAPE.test(first) ? first.toUpperCase() : "";
  const typed = principalTyped ? principal : fromPage;
  const pdx = typed && typed.toUpperCase() !== code.toUpperCase() ? typed : "";
  const { records, error } = await p.request({ type: "lookup", code, severity: { ...(opts.date ? { date: opts.date } : {}),
    ...(opts.version ? { version: opts.version } : {}), ...(opts.hcc_year ? { hcc_year: opts.hcc_year } : {}), ...(pdx ? { principal: pdx } : {}) } });
  // why the principal excludes it: the engine's own sentence (CMS Table 6K)
  let why: string | undefined;
  const icd = records.find((r) => r.system === "icd10cm");
  if (pdx && icd?.msdrg?.excluded_by) {
    const s = await p.request({ type: "severity", pdx, secondaries: [icd.code], options: opts }).catch(() => null);
    why = s?.report?.secondaries[0]?.why;
  }
  // the form's discharge status says the patient died: an alive-only CC/MCC (CMS Table 6K part 2) does not
  // count for this stay (read from the page for this view only; never stored)
  let died: string | undefined;
  const m = icd?.msdrg;
  if (icd && fromTab?.died && m?.level && m.alive_only) {
    if (pdx) {
      const s = await p.request({ type: "severity", pdx, secondaries: [icd.code], options: { ...opts, died: true } }).catch(() => null);
      died = s?.report?.secondaries[0]?.why;
    }
    died ??= `${icd.code} is ${m.level === "MCC" ? "an MCC" : "a CC"} under MS-DRG ${m.version} only when the patient is discharged alive (CMS Table 6K part 2); the patient died, so as a secondary diagnosis it does not count`;
  }
  if (!records.length) {
    details.replaceChildren(h("p", { class: "empty" }, error ?? `${code}: not found`));
    details.hidden = false;
    return;
  }
  favorites = (await p.storageGet<string[]>(KEYS.favorites)) ?? [];
  const actions = {
    open: (c: string) => void openCode(c),
    copy: (c: string) => {
      void navigator.clipboard.writeText(c).then(() => { status.textContent = `Copied ${c}`; }, () => undefined);
    },
    toggleFavorite: async (c: string) => {
      const on = await toggleFavorite(p, c);
      await renderHome();
      return on;
    },
    isFavorite: (c: string) => favorites.includes(c),
    severity: {
      principal: pdx, why, fromPage: !principalTyped && pdx !== "" ? (page?.labelled ? "the principal diagnosis field" : "the first diagnosis") : undefined,
      setPrincipal: (c: string) => { principal = c; principalTyped = true; void openCode(code); },
    },
  };
  details.replaceChildren(
    h("button", { type: "button", class: "back", onclick: () => { details.hidden = true; input.focus(); } }, "← Back to results"),
    ...records.map((r: CodeRecord) => renderDetails(r, actions)));
  if (died) {
    details.querySelector("section.severity")?.append(h("p", { class: "sev-died", "data-died": "true" },
      h("strong", {}, "The patient died: "), died, ".",
      h("span", { class: "muted" }, ` Read from the page's discharge status (${fromTab?.disposition ?? ""}); not stored.`)));
  }
  details.hidden = false;
  details.scrollTop = 0;
  await pushRecent(p, records[0]!.code);
  await renderHome();
}

async function renderHome(): Promise<void> {
  const [recent, favs] = await Promise.all([
    p.storageGet<string[]>(KEYS.recent), p.storageGet<string[]>(KEYS.favorites)]);
  favorites = favs ?? [];
  const list = (title: string, codes: string[] | undefined, empty: string) => h("section", {},
    h("h3", {}, title),
    codes?.length
      ? h("div", { class: "chips" }, ...codes.map((c) => h("button", { type: "button", class: "chip", onclick: () => void openCode(c) }, c)))
      : h("p", { class: "muted" }, empty));
  home.replaceChildren(
    list("Favourites", favs, "Star a code in its details to keep it here."),
    list("Recent", recent, "Codes you open or insert appear here (codes only, never patient data)."));
}

async function renderSite(): Promise<void> {
  const box = $("#site");
  const url = await p.activeTabUrl().catch(() => undefined);
  const pattern = url ? originPattern(url) : null;
  if (!pattern) {
    box.replaceChildren(h("span", { class: "muted" }, "Open a web page to turn medcode on for its site."),
      h("a", { href: "#", onclick: (e: Event) => { e.preventDefault(); void p.openOptions(); } }, "Options"));
    return;
  }
  const host = new URL(url!).hostname;
  const settings = await loadSettings(p);
  const on = settings.sites.includes(pattern);
  const btn = h("button", { type: "button", id: "site-toggle" }, on ? `Turn off on ${host}` : `Turn on for ${host}`);
  btn.addEventListener("click", async () => {
    if (on) {
      await saveSettings(p, { sites: settings.sites.filter((s) => s !== pattern) });
      await p.removeOrigin(pattern).catch(() => false);
    } else {
      if (!(await p.requestOrigin(pattern))) return;
      await saveSettings(p, { sites: [...settings.sites, pattern] });
    }
    await p.request({ type: "sitesChanged" });
    await renderSite();
  });
  box.replaceChildren(h("span", { class: on ? "dot on" : "dot" }), h("span", {}, on ? `On for ${host}` : `Off for ${host}`), btn);
}

async function renderVersions(): Promise<void> {
  const { info, status: st } = await p.request({ type: "info" });
  $("#versions").replaceChildren(
    h("div", {}, info.icd10cm_release),
    h("div", {}, `${info.hcpcs_release}, quarter ${info.hcpcs_quarter}`),
    h("div", {}, `Validity: ${info.icd10cm_validity_source}, through ${info.icd10cm_validity_through}`),
    h("div", { class: "muted" }, `Engine loaded in ${st.loadMs} ms · offline, nothing leaves this computer`));
}

input.addEventListener("input", () => void search());
input.addEventListener("keydown", (e) => {
  if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    e.preventDefault();
    setActive(active + (e.key === "ArrowDown" ? 1 : -1));
  } else if (e.key === "Enter") {
    const li = results.querySelector<HTMLElement>('li[aria-selected="true"]') ?? results.querySelector<HTMLElement>("li[role=option]");
    if (li?.dataset.code) void openCode(li.dataset.code);
  } else if (e.key === "Escape" && !details.hidden) {
    e.preventDefault();
    details.hidden = true;
  }
});
for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>("#systems button"))) {
  b.addEventListener("click", () => {
    system = b.dataset.system as SystemFilter;
    for (const o of Array.from(document.querySelectorAll("#systems button"))) o.setAttribute("aria-pressed", String(o === b));
    void search();
  });
}
$("#options").addEventListener("click", (e) => { e.preventDefault(); void p.openOptions(); });

// The ICD-10-PCS builder: a complete code goes into the field that had focus
// on the page (`?tab=ID` names the tab; otherwise the active one).
const pcsBox = $("#pcs");
const pcsOpen = $("#pcs-open");
const pcs = mountPcsBuilder(pcsBox, p, tabArg(), (t) => { status.textContent = t; });
function showPcs(on: boolean): void {
  pcsBox.hidden = !on;
  pcsOpen.setAttribute("aria-expanded", String(on));
  for (const el of [results, home, details]) if (on) el.hidden = true;
  if (on) void pcs.open();
  else {
    home.hidden = false;
    input.focus();
  }
}
pcsOpen.addEventListener("click", () => showPcs(pcsBox.hidden));
document.addEventListener("keydown", (e) => {
  if (e.altKey && (e.key === "p" || e.key === "P")) {
    e.preventDefault();
    showPcs(pcsBox.hidden);
  } else if (e.key === "Escape" && !pcsBox.hidden) {
    e.preventDefault();
    showPcs(false);
  }
});
if (new URLSearchParams(location.search).get("mode") === "panel") document.body.classList.add("panel");

void renderHome();
void renderSite();
void renderVersions().catch((e: unknown) => { status.textContent = String(e); });
input.focus();
const initial = new URLSearchParams(location.search).get("code");
if (initial) void openCode(initial);
if (new URLSearchParams(location.search).get("view") === "pcs") showPcs(true);
