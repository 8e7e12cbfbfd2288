// Field detection: what a text field holds, from its own label/attributes,
// then its context (table column header, fieldset legend, preceding text),
// then its value's shape. Per-site mappings override everything.

import type { FieldKind } from "../shared/engine-api";
import type { FieldMapping } from "../shared/settings";
import { type Field, textOf } from "./dom";

/** Where a field sits in a claim (CMS-1500 / 837P). */
export type ClaimRole =
  | { k: "dx"; letter?: number }
  | { k: "line"; part: LinePart }
  | { k: "npi"; which: "billing" | "rendering" | "referring" }
  | { k: "tax_id" }
  | { k: "birth_date" };
export type LinePart = "code" | "modifier" | "pointer" | "from" | "to" | "pos" | "units" | "charge";

export interface FieldInfo {
  kind: FieldKind | null;
  source: "mapping" | "label" | "context" | "shape" | "none";
  role?: ClaimRole;
}

/** "dxCode_21A" -> "dx code 21 a": words and item numbers split apart. */
export function normalize(s: string): string {
  return s
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/([A-Za-z])(\d)/g, "$1 $2")
    .replace(/(\d)([A-Za-z])/g, "$1 $2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

// First match wins: the specific kinds before the words they contain
// ("diagnosis pointer" is a pointer, "place of service" is not a date).
const RULES: [FieldKind, RegExp][] = [
  ["pointer", /\b(pointers?|ptrs?|24 e|dx ref)\b/],
  ["modifier", /\b(modifiers?|mods?)\b/],
  ["npi", /\b(npi|24 j|33 a|17 b)\b/],
  ["tax_id", /\b(tax|tin|ein|ssn)\b/],
  ["pos", /\b(place of service|pos|24 b)\b/],
  ["units", /\b(units?|days or units|24 g|qty|quantity)\b/],
  ["charge", /\b(charges?|24 f|amount|fee)\b/],
  ["zip", /\b(zip|postal)\b/],
  ["date", /\b(date|dos|dob|birth|24 a)\b/],
  // Inpatient abstracts: ICD-10-PCS before the "icd"/"procedure" words of dx and proc.
  ["pcs", /\b(icd 10 pcs|pcs|principal procedure|other procedures?|procedure code icd|icd procedure)\b/],
  ["dx", /\b(icd|diagnos[ie]s|diag|dx|21 [a-l]|item 21|problem code)\b/],
  ["proc", /\b(cpt|hcpcs|procedures?|proc|24 d|service code|svc code)\b/],
];

export function kindFromText(text: string): FieldKind | null {
  if (!text) return null;
  for (const [kind, re] of RULES) if (re.test(text)) return kind;
  return null;
}

/**
 * Label text per field without el.labels (which scans the whole document on
 * every call: 5,000 fields made that seconds of work). label[for] elements are
 * indexed once per root and the index is dropped when the DOM changes.
 */
export class LabelIndex {
  private maps = new WeakMap<Node, Map<string, string>>();

  invalidate(): void {
    this.maps = new WeakMap();
  }

  textFor(el: Field): string[] {
    const out: string[] = [];
    const wrap = el.closest("label");
    if (wrap) out.push(textOf(wrap, 80));
    if (el.id) {
      const root = el.getRootNode() as Document | ShadowRoot;
      let m = this.maps.get(root);
      if (!m) {
        m = new Map();
        for (const l of Array.from(root.querySelectorAll<HTMLLabelElement>("label[for]"))) {
          if (!m.has(l.htmlFor)) m.set(l.htmlFor, textOf(l, 80));
        }
        this.maps.set(root, m);
      }
      const t = m.get(el.id);
      if (t && t !== out[0]) out.push(t);
    }
    return out;
  }
}

function ownText(el: Field, labels: LabelIndex): string {
  const parts: string[] = [];
  for (const a of ["aria-label", "name", "id", "placeholder", "title", "data-field"]) {
    const v = el.getAttribute(a);
    if (v) parts.push(v);
  }
  const lb = el.getAttribute("aria-labelledby");
  if (lb) {
    const root = el.getRootNode() as Document | ShadowRoot;
    for (const id of lb.split(/\s+/).slice(0, 4)) parts.push(textOf(root.getElementById?.(id) ?? null, 80));
  }
  parts.push(...labels.textFor(el));
  return normalize(parts.join(" "));
}

function contextText(el: Field): string {
  const parts: string[] = [];
  const cell = el.closest("td, th");
  const table = cell?.closest("table");
  if (cell && table) {
    const row = cell.parentElement as HTMLTableRowElement | null;
    const idx = row ? Array.prototype.indexOf.call(row.cells, cell) : -1;
    const head = table.tHead?.rows[0] ?? null;
    const hc = head && idx >= 0 ? head.cells[idx] : null;
    if (hc) parts.push(textOf(hc, 80));
  }
  const legend = el.closest("fieldset")?.querySelector("legend");
  if (legend) parts.push(textOf(legend, 80));
  const prev = el.previousElementSibling;
  if (prev && !prev.matches("input, textarea, select")) {
    const t = textOf(prev, 60);
    if (t.length <= 40) parts.push(t);
  }
  return normalize(parts.join(" "));
}

const DOTTED_ICD = /^[A-TV-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4}$/i;

function roleFor(kind: FieldKind, text: string, el: Field): ClaimRole | undefined {
  switch (kind) {
    case "dx": {
      const m = /\b21 ([a-l])\b/.exec(text) ?? /\b(?:diagnosis|dx|diag|icd)\s+([a-l])\b/.exec(text);
      return m ? { k: "dx", letter: m[1]!.charCodeAt(0) - 97 } : { k: "dx" };
    }
    case "proc": return { k: "line", part: "code" };
    case "modifier": return { k: "line", part: "modifier" };
    case "pointer": return { k: "line", part: "pointer" };
    case "pos": return { k: "line", part: "pos" };
    case "units": return { k: "line", part: "units" };
    case "charge": return { k: "line", part: "charge" };
    case "tax_id": return { k: "tax_id" };
    case "npi":
      if (/\b(referring|17 b)\b/.test(text)) return { k: "npi", which: "referring" };
      if (/\b(rendering|24 j)\b/.test(text)) return { k: "npi", which: "rendering" };
      return { k: "npi", which: "billing" };
    case "date":
      if (/\b(birth|dob)\b/.test(text)) return { k: "birth_date" };
      if (/\b(to|through|thru|end)\b/.test(text)) return { k: "line", part: "to" };
      if (/\b(from|service|dos|24 a)\b/.test(text) || el.closest("tr")) return { k: "line", part: "from" };
      return undefined;
    default:
      return undefined;
  }
}

export function classify(el: Field, mappings: readonly FieldMapping[], labels: LabelIndex = new LabelIndex()): FieldInfo {
  for (const m of mappings) {
    let hit = false;
    try {
      hit = el.matches(m.selector);
    } catch {
      /* a stored selector that no longer parses */
    }
    if (hit) {
      if (m.kind === "none") return { kind: null, source: "mapping" };
      const text = ownText(el, labels) + " " + contextText(el);
      return { kind: m.kind, source: "mapping", role: roleFor(m.kind, text, el) };
    }
  }
  const own = ownText(el, labels);
  let kind = kindFromText(own);
  let source: FieldInfo["source"] = "label";
  let ctx = "";
  if (!kind) {
    ctx = contextText(el);
    kind = kindFromText(ctx);
    source = "context";
  }
  if (!kind && el.getAttribute("type") === "date") {
    kind = "date";
    source = "shape";
  }
  if (!kind && DOTTED_ICD.test(el.value.trim())) {
    kind = "dx";
    source = "shape";
  }
  if (!kind) return { kind: null, source: "none" };
  return { kind, source, role: roleFor(kind, `${own} ${ctx}`, el) };
}
