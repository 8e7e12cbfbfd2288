// Options: sites (optional host permissions), field mappings, insert format,
// payer profile, page lookup, hotkey, data versions.

import { FIELD_KINDS, type FieldKind } from "../shared/engine-api";
import { FIELD_LABELS } from "../shared/fields";
import { uiPlatform } from "../shared/platform";
import { loadSettings, originPattern, saveSettings, severityPrefs, type InsertFormat, type PayerProfile, type Settings } from "../shared/settings";
import { HCC_MODELS, HCC_YEARS, MSDRG_VERSIONS, type SeverityPrefs } from "../../../types/severity-chips";
import type { StoredUserData } from "../shared/protocol";
import { putPending } from "../../../web-shared/userdata-store";
import { oversizeMessage } from "../../../web-shared/userdata-sets";
import { $, h } from "./dom";

const p = uiPlatform();

async function renderSites(s: Settings): Promise<void> {
  $("#sites").replaceChildren(...(s.sites.length ? s.sites.map((site) => h("li", { "data-site": site },
    h("span", { class: "code" }, site.replace(/\/\*$/, "")),
    pageAutocompleteChoice(s, site.replace(/\/\*$/, "")),
    h("button", { type: "button", onclick: () => void removeSite(site) }, "Turn off")))
    : [h("li", { class: "muted" }, "No sites yet.")]));
}

/** Per site: where our list goes on fields that have the page's own autocomplete. */
function pageAutocompleteChoice(s: Settings, key: string): HTMLElement {
  const cur = s.pageAutocomplete?.[key] ?? "beside";
  const sel = h("select", { "aria-label": `${key}: fields with the page's own autocomplete`, "data-site-key": key },
    h("option", { value: "beside" }, "Page autocomplete: ours beside it"),
    h("option", { value: "hotkey" }, "Page autocomplete: ours only on Alt+↓")) as HTMLSelectElement;
  sel.value = cur;
  sel.addEventListener("change", async () => {
    const now = await loadSettings(p);
    await saveSettings(p, { pageAutocomplete: { ...(now.pageAutocomplete ?? {}), [key]: sel.value as "beside" | "hotkey" } });
  });
  return sel;
}

async function removeSite(site: string): Promise<void> {
  const s = await loadSettings(p);
  await saveSettings(p, { sites: s.sites.filter((x) => x !== site) });
  await p.removeOrigin(site).catch(() => false);
  await p.request({ type: "sitesChanged" });
  await render();
}

$("#add-site").addEventListener("submit", async (e) => {
  e.preventDefault();
  const raw = ($("#site-url") as HTMLInputElement).value.trim();
  const pattern = originPattern(raw);
  const msg = $("#site-msg");
  if (!pattern) {
    msg.textContent = "Enter an http:// or https:// address.";
    return;
  }
  // permissions.request must run in the click's task: ask before any await
  const granted = await p.requestOrigin(pattern).catch((err: unknown) => {
    msg.textContent = String(err);
    return false;
  });
  if (!granted) {
    msg.textContent = `Not turned on: the browser did not allow ${pattern}.`;
    return;
  }
  const s = await loadSettings(p);
  if (!s.sites.includes(pattern)) await saveSettings(p, { sites: [...s.sites, pattern] });
  const { origins } = await p.request({ type: "sitesChanged" });
  msg.textContent = `On for ${pattern.replace(/\/\*$/, "")}. Reload its open pages if medcode does not appear.`;
  msg.dataset.active = origins.join(" ");
  ($("#site-url") as HTMLInputElement).value = "";
  await render();
});

function renderMappings(s: Settings): void {
  const sites = Object.keys(s.mappings).filter((k) => s.mappings[k]!.length);
  if (!sites.length) {
    $("#mappings").replaceChildren(h("p", { class: "muted" }, "No mappings yet."));
    return;
  }
  $("#mappings").replaceChildren(h("table", { class: "maps" },
    h("thead", {}, h("tr", {}, h("th", {}, "Site"), h("th", {}, "Selector"), h("th", {}, "Treat as"), h("th", {}, ""))),
    h("tbody", {}, ...sites.flatMap((site) => s.mappings[site]!.map((m, i) => mappingRow(site, m.selector, m.kind, i))))));
}

function mappingRow(site: string, selector: string, kind: FieldKind | "none", i: number): HTMLElement {
  const remove = async () => {
    const cur = await loadSettings(p);
    const list = (cur.mappings[site] ?? []).filter((_, j) => j !== i);
    await saveSettings(p, { mappings: { ...cur.mappings, [site]: list } });
    await render();
  };
  return h("tr", {},
    h("td", {}, site), h("td", { class: "code" }, selector),
    h("td", {}, kind === "none" ? "not a code field" : FIELD_LABELS[kind]),
    h("td", {}, h("button", { type: "button", onclick: () => void remove() }, "Remove")));
}

$("#add-mapping").addEventListener("submit", async (e) => {
  e.preventDefault();
  const siteRaw = ($("#map-site") as HTMLInputElement).value.trim();
  const selector = ($("#map-selector") as HTMLInputElement).value.trim();
  const kind = ($("#map-kind") as HTMLSelectElement).value as FieldKind | "none";
  let site: string;
  try {
    const u = new URL(siteRaw.includes("://") ? siteRaw : `https://${siteRaw}`);
    site = `${u.protocol}//${u.hostname}`;
    document.createDocumentFragment().querySelector(selector); // throws on a bad selector
  } catch {
    return;
  }
  const s = await loadSettings(p);
  const list = (s.mappings[site] ?? []).filter((m) => m.selector !== selector);
  await saveSettings(p, { mappings: { ...s.mappings, [site]: [...list, { selector, kind }] } });
  ($("#map-selector") as HTMLInputElement).value = "";
  await render();
});

$("#map-kind").replaceChildren(...FIELD_KINDS.map((k) => h("option", { value: k }, FIELD_LABELS[k])),
  h("option", { value: "none" }, "Not a code field"));

for (const r of Array.from(document.querySelectorAll<HTMLInputElement>("input[name=fmt]"))) {
  r.addEventListener("change", () => void saveSettings(p, { insertFormat: r.value as InsertFormat }));
}
$("#profile").addEventListener("change", (e) => void saveSettings(p, { payerProfile: (e.target as HTMLSelectElement).value as PayerProfile }));
$("#page-lookup").addEventListener("change", (e) => void saveSettings(p, { pageLookup: (e.target as HTMLInputElement).checked }));

async function renderHotkey(): Promise<void> {
  const cmds = await p.shortcuts();
  const c = cmds.find((x) => x.name === "open-palette");
  $("#hotkey").textContent = c?.shortcut || "not set";
  if (p.isFirefox) {
    $("#hotkey-form").hidden = false;
  } else {
    $("#hotkey-chrome").hidden = false;
  }
}
$("#hotkey-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const v = ($("#hotkey-input") as HTMLInputElement).value.trim();
  try {
    await p.setShortcut("open-palette", v);
    $("#hotkey-msg").textContent = "Saved.";
  } catch (err) {
    $("#hotkey-msg").textContent = `Not saved: ${String(err)}`;
  }
  await renderHotkey();
});
$("#hotkey-chrome").addEventListener("click", () => void p.openShortcutSettings());

async function render(): Promise<void> {
  const s = await loadSettings(p);
  await renderSites(s);
  renderMappings(s);
  for (const r of Array.from(document.querySelectorAll<HTMLInputElement>("input[name=fmt]"))) r.checked = r.value === s.insertFormat;
  ($("#profile") as HTMLSelectElement).value = s.payerProfile;
  ($("#page-lookup") as HTMLInputElement).checked = s.pageLookup;
}

async function renderVersions(): Promise<void> {
  const { info } = await p.request({ type: "info" });
  $("#versions").replaceChildren(
    h("div", {}, info.icd10cm_release, ` — ${info.icd10cm_billable} billable codes`),
    h("div", {}, `${info.hcpcs_release}, quarter ${info.hcpcs_quarter} — ${info.hcpcs_active} active codes`),
    h("div", {}, `Validity by date: ${info.icd10cm_validity_source}, through ${info.icd10cm_validity_through}`),
    h("div", { class: "muted" }, `Index format v${info.format_version}`),
    ...(info.cpt_codes ? [h("div", {}, `CPT descriptors: ${info.cpt_codes} codes (licensed data you added)`)] : []));
}

// ---- the user's own data -------------------------------------------------

function dataRow(d: StoredUserData): HTMLElement {
  const s = d.summary;
  const dates = s.date_from ? (s.date_to && s.date_to !== s.date_from ? `, ${s.date_from} to ${s.date_to}` : `, from ${s.date_from}`) : "";
  return h("li", { "data-id": d.id, "data-kind": s.kind },
    h("span", {}, `${s.label} — ${s.rows.toLocaleString("en-US")} rows${dates}`),
    h("span", { class: "muted" }, ` ${s.source}, added ${s.added}`),
    ...(d.note ? [h("span", { class: "note", "data-note": "stored" }, ` (${d.note})`)] : []),
    h("button", { type: "button", onclick: () => void removeData(d.id) }, "Remove"));
}

function renderData(sets: StoredUserData[]): void {
  $("#data-sets").replaceChildren(...(sets.length ? sets.map(dataRow) : [h("li", { class: "muted" }, "No data added.")]));
}

async function removeData(id: string): Promise<void> {
  const r = await p.request({ type: "userData", op: "remove", id });
  $("#data-msg").textContent = `Removed ${id}.`;
  delete $("#data-msg").dataset.state;
  renderData(r.sets);
  await renderVersions();
}

$("#add-data").addEventListener("submit", async (e) => {
  e.preventDefault();
  const input = $("#data-file") as HTMLInputElement;
  const file = input.files?.[0];
  const msg = $("#data-msg");
  if (!file) return;
  const kind = ($("#data-kind") as HTMLSelectElement).value;
  const tooBig = oversizeMessage(kind, file.name, file.size);
  if (tooBig) {
    msg.textContent = `Not added — ${tooBig}. Nothing you had stored has changed.`;
    msg.dataset.state = "error";
    return;
  }
  msg.textContent = `Checking ${file.name}…`;
  msg.dataset.state = "busy";
  try {
    // the bytes go through IndexedDB (files can be tens of MB); the engine parses them
    const pending = await putPending(new Uint8Array(await file.arrayBuffer()));
    const r = await p.request({ type: "userData", op: "add", kind, name: file.name, pending });
    renderData(r.sets);
    if (r.error || !r.added) {
      msg.textContent = `Not added — ${r.error ?? "unknown error"}. Nothing you had stored has changed.`;
      msg.dataset.state = "error";
      return;
    }
    const s = r.added.summary;
    const dates = s.date_from ? `, effective ${s.date_from}${s.date_to && s.date_to !== s.date_from ? ` to ${s.date_to}` : ""}` : "";
    msg.textContent = `Added ${s.label}: ${s.rows.toLocaleString("en-US")} rows from ${s.source}${dates}.${s.kind === "cpt" ? " CPT descriptors are the AMA’s: for your licensed use only." : ""}${r.notice ? ` ${r.notice}` : ""}`;
    msg.dataset.state = "ok";
    input.value = "";
    await renderVersions();
  } catch (err) {
    msg.textContent = `Not added — ${err instanceof Error ? err.message : String(err)}. Nothing you had stored has changed.`;
    msg.dataset.state = "error";
  }
});

async function loadData(): Promise<void> {
  const r = await p.request({ type: "userData", op: "list" });
  renderData(r.sets);
}

// ---- CC / MCC and HCC (issue 15) -----------------------------------------

async function renderSeverity(): Promise<void> {
  const prefs = severityPrefs(await loadSettings(p));
  const version = $("#sev-version") as HTMLSelectElement;
  const model = $("#sev-model") as HTMLSelectElement;
  const year = $("#sev-year") as HTMLSelectElement;
  version.replaceChildren(h("option", { value: "auto" }, "In force on the date of service"),
    ...MSDRG_VERSIONS.map((v) => h("option", { value: v }, `MS-DRG ${v}`)));
  model.replaceChildren(...HCC_MODELS.map((m) => h("option", { value: m }, m)), h("option", { value: "none" }, "No HCC chips"));
  year.replaceChildren(h("option", { value: "auto" }, "The year after the date of service"),
    ...HCC_YEARS.map((y) => h("option", { value: String(y) }, String(y))));
  version.value = prefs.msdrgVersion;
  model.value = prefs.hccModel;
  year.value = String(prefs.hccYear);
  ($("#sev-chips") as HTMLInputElement).checked = prefs.chips;
  ($("#sev-summary") as HTMLInputElement).checked = prefs.summary;
}

async function saveSeverity(patch: Partial<SeverityPrefs>): Promise<void> {
  const s = await loadSettings(p);
  await saveSettings(p, { severity: { ...severityPrefs(s), ...patch } });
  $("#sev-msg").textContent = "Saved.";
}
$("#sev-chips").addEventListener("change", (e) => void saveSeverity({ chips: (e.target as HTMLInputElement).checked }));
$("#sev-summary").addEventListener("change", (e) => void saveSeverity({ summary: (e.target as HTMLInputElement).checked }));
$("#sev-version").addEventListener("change", (e) => void saveSeverity({ msdrgVersion: (e.target as HTMLSelectElement).value }));
$("#sev-model").addEventListener("change", (e) => void saveSeverity({ hccModel: (e.target as HTMLSelectElement).value }));
$("#sev-year").addEventListener("change", (e) => {
  const v = (e.target as HTMLSelectElement).value;
  void saveSeverity({ hccYear: v === "auto" ? "auto" : Number(v) });
});

void renderSeverity();
void render();
void renderHotkey();
void loadData();
void renderVersions();
document.body.dataset.ready = "1";
