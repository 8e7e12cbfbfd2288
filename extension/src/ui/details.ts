// Code details for the popup/side panel: hierarchy, notes with linked codes,
// 7th-character builder, validity, children.

import { codesInNote } from "../shared/codes";
import type { CodeRecord } from "../shared/engine-api";
import { h } from "./dom";

export interface DetailsActions {
  open(code: string): void;
  copy(code: string): void;
  toggleFavorite(code: string): Promise<boolean>;
  isFavorite(code: string): boolean;
  /** MS-DRG / HCC context: the principal diagnosis the record was looked up with, and why it excludes this code */
  severity?: { principal: string; why?: string; setPrincipal(code: string): void;
    /** where on the page the principal was read from ("the principal diagnosis field"), when not typed here */
    fromPage?: string };
}

const NOTE_LABELS: Record<string, string> = {
  inclusion_term: "Includes (inclusion terms)",
  includes: "Includes",
  excludes1: "Excludes1 (never together)",
  excludes2: "Excludes2 (may be together)",
  code_first: "Code first",
  use_additional_code: "Use additional code",
  code_also: "Code also",
  note: "Notes",
  seventh_character_note: "7th character",
};

export function renderDetails(r: CodeRecord, a: DetailsActions): HTMLElement {
  const fav = h("button", { class: "icon", type: "button", "aria-pressed": String(a.isFavorite(r.code)),
    title: "Favourite", "aria-label": "Favourite" }, a.isFavorite(r.code) ? "★" : "☆");
  fav.addEventListener("click", async () => {
    const on = await a.toggleFavorite(r.code);
    fav.textContent = on ? "★" : "☆";
    fav.setAttribute("aria-pressed", String(on));
  });
  const root = h("article", { class: "details", "data-code": r.code },
    h("div", { class: "crumbs" }, ...r.path.flatMap((p, i) => [
      i ? h("span", { class: "sep" }, "›") : null,
      p.kind === "chapter"
        ? h("span", { title: p.title }, `Ch. ${p.code}`)
        : h("a", { href: "#", onclick: (e: Event) => { e.preventDefault(); a.open(p.code.includes("-") ? p.code.split("-")[0]! : p.code); }, title: p.title }, p.code),
    ])),
    h("div", { class: "head" },
      h("h2", { class: "code" }, r.code),
      h("span", { class: r.billable ? "tag ok" : "tag warn" }, r.billable ? "billable" : "header: not billable"),
      h("span", { class: "tag" }, r.system === "icd10cm" ? "ICD-10-CM" : "HCPCS Level II"),
      h("span", { class: "grow" }),
      h("button", { class: "small", type: "button", title: "Copy code", onclick: () => a.copy(r.code) }, "Copy"),
      fav),
    h("p", { class: "title" }, r.title ?? r.title_missing_reason ?? "(no title)"),
  );
  root.append(validitySection(r));
  if (r.system === "icd10cm" && r.msdrg) root.append(severitySection(r, a));
  if (r.seventh_characters?.length) root.append(seventhBuilder(r, a));
  const groups = new Map<string, typeof r.notes>();
  for (const n of r.notes) {
    const l = groups.get(n.kind);
    if (l) l.push(n);
    else groups.set(n.kind, [n]);
  }
  for (const [kind, notes] of groups) {
    root.append(h("section", { class: "notes" },
      h("h3", {}, NOTE_LABELS[kind] ?? kind.replace(/_/g, " ")),
      h("ul", {}, ...notes.slice(0, 40).map((n) => h("li", {}, ...linkCodes(n.text, a),
        n.from !== r.code ? h("span", { class: "from" }, ` (from ${n.from})`) : null)))));
  }
  if (r.children?.length) {
    root.append(h("section", { class: "children" }, h("h3", {}, "Codes below"),
      h("ul", {}, ...r.children.slice(0, 60).map((c) => h("li", {},
        h("a", { href: "#", onclick: (e: Event) => { e.preventDefault(); a.open(c.code); } }, c.code), " ",
        c.title ?? "", c.billable ? "" : h("span", { class: "tag warn small" }, "header"))))));
  }
  return root;
}

/** MS-DRG level and version, alive-only, HCCs, and the principal's CC exclusion when one is given. */
function severitySection(r: CodeRecord, a: DetailsActions): HTMLElement {
  const m = r.msdrg!;
  const level = m.level
    ? `${m.level} under MS-DRG ${m.version}${m.alive_only ? " — only when the patient is discharged alive (CMS Table 6K part 2)" : ""}`
    : m.note ?? `Not a CC or MCC under MS-DRG ${m.version}`;
  const hcc = r.hcc ?? [];
  const ctx = a.severity;
  const input = h("input", { type: "text", id: "sev-principal", size: "9", "aria-label": "Principal diagnosis", placeholder: "e.g. I50.21",
    value: ctx?.principal ?? "", spellcheck: "false", autocomplete: "off" }) as HTMLInputElement;
  const apply = h("button", { type: "button", class: "small" }, "Check");
  const set = () => ctx?.setPrincipal(input.value.trim());
  apply.addEventListener("click", set);
  input.addEventListener("keydown", (e) => { if ((e as KeyboardEvent).key === "Enter") { e.preventDefault(); set(); } });
  let excl: HTMLElement | null = null;
  if (ctx?.principal && m.level) {
    excl = m.excluded_by
      ? h("p", { class: "sev-excl", "data-excluded-by": m.excluded_by },
        h("strong", {}, "Excluded by the principal: "), ctx.why ?? `${r.code} counts as a non-CC when ${m.excluded_by} is the principal diagnosis (CC exclusion list, CMS Table 6K, MS-DRG ${m.version}).`)
      : h("p", { class: "sev-excl" }, `${ctx.principal.toUpperCase()} as principal does not exclude ${r.code}: it counts as ${m.level === "MCC" ? "an MCC" : "a CC"}.`);
  }
  return h("section", { class: "severity", "aria-label": `MS-DRG and HCC of ${r.code}` }, h("h3", {}, "CC / MCC and HCC"),
    h("p", { class: "sev-level", "data-level": m.level ?? "none" }, level),
    hcc.length
      ? h("ul", { class: "sev-hcc" }, ...hcc.map((c) => h("li", {}, `HCC ${c.category} in ${c.model} ${c.year}`, c.label ? ` — ${c.label}` : "")))
      : h("p", { class: "muted" }, r.hcc_note ?? "No HCC in the bundled models for this payment year."),
    ctx ? h("div", { class: "row" }, h("label", { for: "sev-principal" }, "Principal diagnosis "), input, apply) : null,
    ctx?.fromPage ? h("p", { class: "muted sev-from-page", "data-from-page": ctx.principal }, `Read from the page (${ctx.fromPage}); type another to check against it.`) : null,
    excl);
}

function validitySection(r: CodeRecord): HTMLElement {
  const rows = r.validity.map((v) =>
    h("li", {}, v.until ? `${v.from} to ${v.until}` : `since ${v.from}`,
      v.edits?.length ? h("span", { class: "from" }, ` — MCE: ${v.edits.join(", ").replace(/_/g, " ")}` ) : null));
  return h("section", { class: "validity" }, h("h3", {}, "Validity"),
    h("p", {}, r.in_release ? "In the current release." : "Not in the current release."),
    rows.length ? h("ul", {}, ...rows) : null);
}

function seventhBuilder(r: CodeRecord, a: DetailsActions): HTMLElement {
  const chars = r.seventh_characters!;
  const out = h("output", { class: "built code" }, chars[0]!.code);
  const use = h("button", { type: "button", class: "small" }, "Open");
  const copy = h("button", { type: "button", class: "small" }, "Copy");
  const select = h("select", { "aria-label": "7th character" },
    ...chars.map((c) => h("option", { value: c.code }, `${c.character} — ${c.meaning}`)));
  select.addEventListener("change", () => { out.textContent = select.value; });
  use.addEventListener("click", () => a.open(select.value));
  copy.addEventListener("click", () => a.copy(select.value));
  return h("section", { class: "seventh" }, h("h3", {}, "7th character"),
    h("div", { class: "row" }, select), h("div", { class: "row" }, out, use, copy),
    h("p", { class: "hint" }, "Placeholder X is added when the code is shorter than 6 characters."));
}

function linkCodes(text: string, a: DetailsActions): (Node | string)[] {
  const out: (Node | string)[] = [];
  let at = 0;
  for (const m of codesInNote(text)) {
    if (m.start > at) out.push(text.slice(at, m.start));
    const code = m.code;
    out.push(h("a", { href: "#", class: "code", onclick: (e: Event) => { e.preventDefault(); a.open(code); } }, text.slice(m.start, m.end)));
    at = m.end;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}
