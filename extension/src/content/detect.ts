// Field detection as weighted evidence, nearest first: the field's own label
// (label, aria-label/-labelledby, placeholder, title), then its name/id and the
// source its page's autocomplete reads (source=, list=, aria-controls=, ...), then
// its description (aria-describedby, aria-description: a hint under a generic
// label such as "Code" or "Number"), then text right beside it (or a caption
// right before the wrappers round a widget's input), then its column header (HTML table, ARIA grid, a
// div grid's header row; a web component's shadow input reads the grid its host sits in; ag-Grid's
// popup cell editor the cell it edits), then its fieldset legend / group label / section heading. The nearest place that
// names a kind decides; generic words (fee, amount) never count from a legend
// or heading; a label made of other words keeps the field unknown. The words
// live in extension/data/field-vocabulary.json. Per-site mappings override all.
// Ambiguous words ("Condition": a diagnosis on a clinical screen, a UB-04
// condition code on a claim) name their kind only alone and away from claim
// code blocks (see the vocabulary file). On a page billing a plan whose codes we do not check (its title
// names it: OSCAR's "Ontario Billing"; or the start of its text: its "Billing Correction" window's
// "OHIP Claim No"), diagnosis and procedure boxes are left alone.

import VOCAB from "../../data/field-vocabulary.json";
import type { FieldKind } from "../shared/engine-api";
import type { FieldMapping } from "../shared/settings";
import { textOf } from "./dom";

/** what detection reads: an input, a textarea, or a contenteditable editing host (a rich-text box) */
type Field = HTMLElement;

/** Where a field sits in a claim (CMS-1500 / 837P). */
export type ClaimRole =
  | { k: "dx"; letter?: number; principal?: boolean }
  | { k: "line"; part: LinePart }
  | { k: "npi"; which: "billing" | "rendering" | "referring" }
  | { k: "tax_id" }
  | { k: "birth_date" };
export type LinePart = "code" | "modifier" | "pointer" | "from" | "to" | "pos" | "units" | "charge";

export interface FieldInfo {
  kind: FieldKind | null;
  source: "mapping" | "label" | "name" | "source" | "description" | "beside" | "header" | "section" | "context" | "shape" | "none";
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

// ---- the vocabulary, compiled once --------------------------------------------------

type Kind = FieldKind | "none";
interface VocabKind { kind: string; phrases: string[]; patterns?: string[]; generic?: boolean }
const KINDS = (VOCAB as { kinds: VocabKind[] }).kinds;
const PHRASES = new Map<string, number>(); // phrase -> index in KINDS (= priority, lower wins)
/** ambiguous phrase -> the kind it names when nothing around says otherwise */
const AMBIGUOUS = new Map<string, Kind>();
const PATTERNS: [RegExp, number][] = [];
let MAX_WORDS = 1;
KINDS.forEach((k, i) => {
  for (const p of k.phrases) {
    PHRASES.set(p, i);
    MAX_WORDS = Math.max(MAX_WORDS, p.split(" ").length);
  }
  for (const re of k.patterns ?? []) PATTERNS.push([new RegExp(`^(?:${re})$`), i]);
});
for (const a of (VOCAB as { ambiguous?: { kind: string; phrases: string[] }[] }).ambiguous ?? []) {
  for (const p of a.phrases) {
    AMBIGUOUS.set(p, a.kind as Kind);
    MAX_WORDS = Math.max(MAX_WORDS, p.split(" ").length);
  }
}
const SERVICE = (VOCAB as { service_words: { from: string[]; to: string[]; either: string[] } }).service_words;
const SERVICE_WORDS = new Map<string, "from" | "to" | "either">();
for (const side of ["from", "to", "either"] as const) for (const w of SERVICE[side]) SERVICE_WORDS.set(w, side);
const FILLER = new Set((VOCAB as { filler: string[] }).filler);
/** the fewest characters a code of each kind has (a shorter maxlength rules the kind out) */
const MIN_CHARS = (VOCAB as { min_chars?: Partial<Record<FieldKind, number>> }).min_chars ?? {};
const LINE_KINDS = new Set<Kind>(["proc", "modifier", "pointer", "pos", "units", "charge", "date", "dx"]);

export interface TextVerdict {
  /** the winning kind ("none": a field that holds codes we do not check), or null */
  kind: Kind | null;
  /** words that name no kind and are not filler ("Patient name", "Description") */
  unknown: boolean;
  /** every kind named, nearest-first order of appearance */
  kinds: Kind[];
  /** the kind comes only from an ambiguous phrase ("Condition"): it stands only if nothing around says otherwise */
  weak?: boolean;
}

/** What one piece of normalized text says: longest phrase first, then kind priority. */
export function judgeText(text: string, allowGeneric = true): TextVerdict {
  const words = text ? text.split(" ") : [];
  let best = -1;
  let unknown = false;
  let weak: Kind | null = null;
  const kinds: Kind[] = [];
  for (let i = 0; i < words.length;) {
    let hit = -1, len = 0, amb: Kind | undefined;
    for (let n = Math.min(MAX_WORDS, words.length - i); n >= 1 && hit < 0; n--) {
      const key = n === 1 ? words[i]! : words.slice(i, i + n).join(" ");
      const p = PHRASES.get(key);
      if (p !== undefined) { hit = p; len = n; break; }
      amb = AMBIGUOUS.get(key);
      if (amb) { len = n; break; }
      if (n <= 3) for (const [re, k] of PATTERNS) if (re.test(key)) { hit = k; len = n; break; }
    }
    if (amb) {
      weak ??= amb;
      i += len;
    } else if (hit >= 0) {
      const k = KINDS[hit]!;
      kinds.push(k.kind as Kind);
      if (allowGeneric || !k.generic) best = best < 0 ? hit : Math.min(best, hit);
      i += len;
    } else {
      const w = words[i]!;
      if (!FILLER.has(w) && !/^\d+$/.test(w) && w.length > 1) unknown = true;
      i++;
    }
  }
  if (best >= 0) return { kind: KINDS[best]!.kind as Kind, unknown, kinds };
  // an ambiguous phrase counts only alone (with filler): "Condition notes" is not a diagnosis
  if (weak && !unknown) return { kind: weak, unknown, kinds: [...kinds, weak], weak: true };
  return { kind: null, unknown, kinds };
}

/** Kind named by a piece of text (nearest evidence only; used by unit tests and labels). */
export function kindFromText(text: string): FieldKind | null {
  const k = judgeText(text).kind;
  return k === "none" ? null : k;
}

/** "From", "To", "DT" on their own: which end of a service date they name, or null. */
export function serviceWord(text: string): "from" | "to" | "either" | null {
  const words = text.split(" ").filter((w) => w && !FILLER.has(w) && !/^\d+$/.test(w));
  if (words.length !== 1) return null;
  return SERVICE_WORDS.get(words[0]!) ?? null;
}

/** The texts around one field, nearest first (all normalized). */
export interface Evidence {
  /** its own label, aria-label(ledby), placeholder, title */
  label: string;
  /** name, id, formcontrolname, data-field */
  name: string;
  /** what the page's autocomplete reads: source=, data-source=, list= (datalist id), aria-controls=, typeahead=, ... */
  source?: string;
  /** its description: aria-describedby texts, aria-description (hints and helper text under the field) */
  description?: string;
  /** short text right before it (a label cell, a sibling span) */
  beside: string;
  /** its column header (table or ARIA grid) */
  header: string;
  /** the whole header row: do the other columns make this a service line? */
  headerRow: string;
  /** fieldset legends, group labels, section headings: nearest first */
  sections: string[];
}

export interface Decision {
  kind: FieldKind | null;
  source: FieldInfo["source"];
  /** the text that decided, plus nearer texts (for roles: "to", "21 b", "referring") */
  text: string;
  /** a From/To/DT date: which end */
  end?: "from" | "to";
  /** no evidence either way (the value's shape may still decide) */
  open?: boolean;
}

/** Weighs the evidence, nearest first. Pure: the golden label/context file runs through it. */
export function decide(e: Evidence): Decision {
  const none: Decision = { kind: null, source: "none", text: "" };
  const label = judgeText(e.label);
  const serviceCtx = () => {
    const row = judgeText(e.headerRow);
    if (row.kinds.some((k) => LINE_KINDS.has(k))) return true;
    return [e.beside, ...e.sections].some((t) => judgeText(t).kinds.some((k) => LINE_KINDS.has(k)) || /\bservice\b/.test(t));
  };
  const asServiceDate = (t: string, source: FieldInfo["source"]): Decision | null => {
    const w = serviceWord(t);
    if (!w || !serviceCtx()) return null;
    return { kind: "date", source, text: t, end: w === "to" ? "to" : "from" };
  };
  // an ambiguous word ("Condition") stands only when no evidence around names a code we do not check
  // (a claim's condition / occurrence / value code block): then the field is one of those
  let claimBlock: boolean | undefined;
  const nearClaimBlock = () => claimBlock ??= [e.label, e.name, e.source ?? "", e.description ?? "", e.beside, e.header, e.headerRow, ...e.sections]
    .some((t) => judgeText(t).kinds.includes("none"));
  const found = (v: TextVerdict, source: FieldInfo["source"], text: string): Decision | null => {
    const k = v.kind;
    if (k === "none") return none;
    if (!k) return null;
    if (v.weak && nearClaimBlock()) return none;
    return { kind: k, source, text };
  };

  let d = found(label, "label", e.label) ?? asServiceDate(e.label, "label");
  if (d) return d;
  const name = judgeText(e.name);
  d = found(name, "name", `${e.label} ${e.name}`);
  if (d) return d;
  // the list the page's autocomplete draws from ("getDiagnosis", "icd10-codes") says what the field holds
  d = found(judgeText(e.source ?? ""), "source", `${e.label} ${e.source}`);
  if (d) return d;
  if (label.unknown) return none; // "Patient name", "Comments": not ours, whatever the section says
  // a generic label ("Code", "Number", none at all): its description says which ("10-digit NPI", "ICD-10 code")
  d = found(judgeText(e.description ?? ""), "description", `${e.label} ${e.description}`);
  if (d) return d;
  const beside = judgeText(e.beside);
  d = found(beside, "beside", `${e.label} ${e.beside}`) ?? asServiceDate(e.beside, "beside");
  if (d) return d;
  const header = judgeText(e.header);
  d = found(header, "header", `${e.label} ${e.header}`) ?? asServiceDate(e.header, "header");
  if (d) return d;
  if (header.unknown) return none; // a "Description" or "Notes" column
  for (const s of e.sections) {
    const v = judgeText(s, false); // generic words (fee, charges) never decide from this far away
    if (v.kind === "none") return none;
    if (v.kind) {
      if (v.weak && nearClaimBlock()) return none;
      return { kind: v.kind, source: "section", text: `${e.label} ${s}` };
    }
  }
  return { ...none, open: true };
}

// ---- reading the DOM ----------------------------------------------------------------

/**
 * Label text per field without el.labels (which scans the whole document on
 * every call: 5,000 fields made that seconds of work). label[for] elements are
 * indexed once per root and the index is dropped when the DOM changes.
 * Column headers of ARIA grids are cached per grid the same way.
 */
export class LabelIndex {
  private maps = new WeakMap<Node, Map<string, string>>();
  grids = new WeakMap<Element, Map<number, string>>();
  /** div grids without ARIA: a candidate header row's cell texts, or null when it is not one */
  divHeads = new WeakMap<Element, string[] | null>();
  /** does the page bill a plan whose code sets we do not check? (per document) */
  otherPlan = new WeakMap<Node, boolean>();
  /** does this <label> wrap exactly one field (counted once per label, not once per field inside it) */
  private single = new WeakMap<HTMLLabelElement, boolean>();

  invalidate(): void {
    this.maps = new WeakMap();
    this.grids = new WeakMap();
    this.divHeads = new WeakMap();
    this.otherPlan = new WeakMap();
    this.single = new WeakMap();
  }

  textFor(el: Field): string[] {
    const out: string[] = [];
    const wrap = wrappingLabel(el, this.single);
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

/**
 * The <label> around a field, if it labels this field: its control, or the one field inside.
 * An unclosed <label> (OpenEMR's misc billing form leaves two open) swallows every field after
 * it; its text belongs to its own control, not to them.
 */
function wrappingLabel(el: Field, single?: WeakMap<HTMLLabelElement, boolean>): HTMLLabelElement | null {
  const wrap = el.closest("label");
  if (!wrap) return null;
  if (wrap.control === el) return wrap;
  // cached per label: an unclosed <label> around 50,000 inputs was counted for each of them (quadratic)
  let one = single?.get(wrap);
  if (one === undefined) {
    one = wrap.querySelectorAll("input:not([type=hidden]), textarea, select").length === 1;
    single?.set(wrap, one);
  }
  return one ? wrap : null;
}

function byIds(el: Element, ids: string | null, max = 4): string[] {
  if (!ids) return [];
  const root = el.getRootNode() as Document | ShadowRoot;
  return ids.split(/\s+/).filter(Boolean).slice(0, max).map((id) => textOf(root.getElementById?.(id) ?? null, 80));
}

function labelText(el: Field, labels: LabelIndex): string {
  const parts: string[] = [];
  // (data-placeholder: a rich-text editor's placeholder, Quill's and others')
  for (const a of ["aria-label", "placeholder", "data-placeholder", "title"]) {
    const v = el.getAttribute(a);
    if (v) parts.push(v.slice(0, ATTR_MAX));
  }
  parts.push(...byIds(el, el.getAttribute("aria-labelledby")));
  parts.push(...labels.textFor(el));
  // a web component's inner input: the host carries the label (label="", label-text="", aria-label="")
  const root = el.getRootNode();
  if (!parts.some((p) => p.trim()) && root instanceof ShadowRoot) {
    const host = root.host;
    for (const a of ["label", "label-text", "labeltext", "aria-label", "placeholder", "title"]) {
      const v = host.getAttribute(a);
      if (v) parts.push(v.slice(0, ATTR_MAX));
    }
    parts.push(...byIds(host, host.getAttribute("aria-labelledby")));
    if (!parts.some((p) => p.trim())) {
      const wrap = host.closest("label");
      if (wrap) parts.push(textOf(wrap, 80));
    }
  }
  return normalize(parts.join(" "));
}

/** the most of one page attribute read before normalizing (a megabyte attribute costs what this does) */
const ATTR_MAX = 240;

function nameText(el: Field): string {
  const parts: string[] = [];
  for (const a of ["name", "id", "formcontrolname", "data-field", "data-name", "ng-model", "v-model"]) {
    const v = el.getAttribute(a);
    if (v) parts.push(v.slice(0, ATTR_MAX));
  }
  const root = el.getRootNode();
  if (root instanceof ShadowRoot) {
    const n = root.host.getAttribute("name") ?? root.host.getAttribute("id");
    if (n) parts.push(n);
  }
  return normalize(parts.join(" ")).slice(0, 160);
}

/** Attributes naming the list a page's autocomplete reads (Bahmni's bahmni-autocomplete source=, datalists, ARIA). */
const SOURCE_ATTRS = ["source", "data-source", "data-autocomplete-source", "data-autocomplete", "data-url",
  "data-autocomplete-url", "data-lookup", "list", "aria-controls", "aria-owns", "typeahead", "uib-typeahead", "md-items"];

function sourceText(el: Field): string {
  const parts: string[] = [];
  for (const a of SOURCE_ATTRS) {
    const v = el.getAttribute(a);
    if (v) parts.push(v.slice(0, 120));
  }
  return normalize(parts.join(" ")).slice(0, 200);
}

/** aria-describedby texts and aria-description: hints and helper text (not the error text of a field in error). */
function descriptionText(el: Field): string {
  const parts: string[] = [];
  const own = el.getAttribute("aria-description");
  if (own) parts.push(own.slice(0, ATTR_MAX));
  parts.push(...byIds(el, el.getAttribute("aria-describedby")));
  return normalize(parts.join(" ")).slice(0, 240);
}

const FIELDS = "input, textarea, select, button";

/** Short plain text right before the field: a sibling label-ish element or the previous table cell. */
function besideText(el: Field, ownLabel: boolean): string {
  const parts: string[] = [];
  let prev = el.previousElementSibling;
  for (let i = 0; prev && i < 2; i++, prev = prev.previousElementSibling) {
    if (prev.matches(FIELDS) || prev.querySelector(FIELDS)) break;
    const t = textOf(prev, 60);
    if (t) {
      if (t.length <= 40) parts.push(t);
      break;
    }
  }
  if (!parts.length) {
    const p = el.previousSibling;
    if (p && p.nodeType === 3) {
      const t = (p.textContent ?? "").replace(/\s+/g, " ").trim();
      if (t && t.length <= 40) parts.push(t);
    }
  }
  // a widget's label outside it: react-select, Downshift and friends wrap the input in a few divs, and
  // the page's <label> (no for=) or caption sits before that wrapper ("Secondary diagnosis" | <div><div><input>).
  // Only for a field with no label of its own: a labelled field's wrapper may follow a section title.
  if (!parts.length && !ownLabel) {
    const t = widgetCaption(el);
    if (t) parts.push(t);
  }
  // the row's label cell: the nearest previous cell without a field ("DIAG CD" | [ ] | [ ] | [ ])
  const cell = closestComposed(el, "td, th, [role=gridcell], [role=cell], [role=rowheader]");
  if (cell && !parts.length) {
    let pc = cell.previousElementSibling;
    for (let i = 0; pc && i < 8; i++, pc = pc.previousElementSibling) {
      if (pc.querySelector(FIELDS)) continue;
      const t = textOf(pc, 60);
      if (t.length <= 24) parts.push(t); // labels are short; a description cell is not a label
      break;
    }
  }
  return normalize(parts.join(" "));
}

const VISIBLE_FIELDS = "input:not([type=hidden]), textarea, select";
const WIDGET_STOP = "td, th, tr, form, fieldset, body, [role=gridcell], [role=cell], [role=row], [role=group], [role=dialog]";

/**
 * Text of a short caption right before the wrapper the field alone sits in (up to 4 wrappers up):
 * a <label> that names no other field, or a short text element with no field in it.
 */
function widgetCaption(el: Field): string {
  let node: Element = el;
  for (let depth = 0; depth < 4; depth++) {
    const up: Element | null = node.parentElement;
    // a widget's wrapper is small; a form or a list of rows is not one (and is not searched: bounded work)
    if (!up || up.matches(WIDGET_STOP) || hasMoreChildren(up, 12)) return "";
    // the wrapper holds another field: what precedes it is not this field's
    for (const sib of Array.from(up.children)) {
      if (sib !== node && (sib.matches(VISIBLE_FIELDS) || sib.querySelector(VISIBLE_FIELDS))) return "";
    }
    node = up;
    const prev = node.previousElementSibling;
    if (!prev || prev.matches(FIELDS) || prev.querySelector(FIELDS)) continue;
    if (prev instanceof HTMLLabelElement && prev.htmlFor && prev.control && prev.control !== el) return "";
    const t = textOf(prev, 60);
    if (t && t.length <= 40 && (prev instanceof HTMLLabelElement || !hasMoreChildren(prev, 2))) return t;
  }
  return "";
}

/**
 * More than `n` element children? Counts at most n + 1 of them: childElementCount walks
 * every child, and for each of 50,000 inputs in one parent that made classifying quadratic.
 */
function hasMoreChildren(el: Element, n: number): boolean {
  return childCountUpTo(el, n) > n;
}

/** How many element children, counted up to `max` + 1 (more than `max` reads as `max` + 1): see hasMoreChildren. */
function childCountUpTo(el: Element, max: number): number {
  let i = 0;
  for (let c = el.firstElementChild; c && i <= max; c = c.nextElementSibling) i++;
  return i;
}

/** The most cells walked along a row (a claim's table has tens; a hostile row of 50,000 stays bounded). */
const MAX_COLUMNS = 512;

/** Column index of a cell, counting colspans. */
function colIndex(cell: Element): number {
  const aria = Number(cell.getAttribute("aria-colindex"));
  if (aria > 0) return aria - 1;
  let i = 0;
  let walked = 0;
  for (let c = cell.previousElementSibling; c && walked < MAX_COLUMNS; c = c.previousElementSibling, walked++) {
    i += c instanceof HTMLTableCellElement ? Math.max(1, c.colSpan) : 1;
  }
  return i;
}

function cellAt(row: Element, idx: number): Element | null {
  let i = 0;
  let walked = 0;
  for (let c = row.firstElementChild; c && walked < MAX_COLUMNS; c = c.nextElementSibling, walked++) {
    const aria = Number(c.getAttribute("aria-colindex"));
    if (aria > 0) {
      if (aria - 1 === idx) return c;
      continue;
    }
    const span = c instanceof HTMLTableCellElement ? Math.max(1, c.colSpan) : 1;
    if (idx >= i && idx < i + span) return c;
    i += span;
  }
  return null;
}

/** A table's header rows: <thead>, else a first row of <th> (or of plain text cells) in the body. */
function headerRows(table: HTMLTableElement, own: Element | null): HTMLTableRowElement[] {
  const head = table.tHead;
  if (head && head.rows.length) return Array.from(head.rows).reverse();
  const first = table.rows[0];
  if (!first || first === own) return [];
  if (first.querySelector(FIELDS)) return [];
  const cells = Array.from(first.cells);
  if (!cells.length) return [];
  const ths = cells.filter((c) => c.localName === "th").length;
  if (ths > 0 && ths >= cells.length / 2) return [first];
  // old screens: <td><b>Code</b></td> header rows (short text in every cell, no fields)
  if (cells.every((c) => textOf(c, 60).length <= 40) && cells.some((c) => c.querySelector("b, strong") || c.getAttribute("scope") === "col")) return [first];
  return [];
}

/**
 * el.closest(sel), going on from a shadow root to its host: a web component's input (Carbon's
 * cds-text-input, Lit, Shoelace) sits in a table cell of the page, not of its own shadow tree.
 */
function closestComposed(el: Element, sel: string, hops = 4): Element | null {
  let node: Element | null = el;
  for (let i = 0; node && i <= hops; i++) {
    const hit = node.closest(sel);
    if (hit) return hit;
    const root = node.getRootNode();
    node = root instanceof ShadowRoot ? root.host : null;
  }
  return null;
}

const NO_HEADER = { header: "", row: "" };

/**
 * The column header of a field in a grid, one reader for every layout: the cell's headers=, an HTML
 * table's header rows, an ARIA grid's columnheaders (ag-Grid, jqGrid, Carbon web components, whose
 * cells may hold a web component's shadow input; column by aria-colindex or position; a popup cell
 * editor rendered outside the grid reads the cell it edits), else a div
 * grid without ARIA (a row of short texts before the rows, the field's cell at the same position).
 * Work per field is bounded; per grid it is cached.
 */
function columnHeader(el: Field, labels: LabelIndex): { header: string; row: string } {
  const cell = closestComposed(el, "td, th, [role=gridcell], [role=cell]") ?? popupEditorCell(el) ?? floatingEditorCell(el);
  if (cell) {
    const explicit = byIds(cell, cell.getAttribute("headers"));
    if (explicit.some(Boolean)) return { header: normalize(explicit.join(" ")), row: "" };
  }
  // HTML table
  if (cell && (cell.localName === "td" || cell.localName === "th")) {
    const table = cell.closest("table");
    const row = cell.parentElement;
    if (table && row) {
      const idx = colIndex(cell);
      for (const hr of headerRows(table, row)) {
        const hc = cellAt(hr, idx);
        const t = hc ? textOf(hc, 80) : "";
        if (t) return { header: normalize(t), row: normalize(textOf(hr, 240)) };
      }
      const floated = floatedHeader(table, cell);
      if (floated) return floated;
    }
  }
  // ARIA grid / table (its cells may be custom elements: Carbon's cds-table-cell has role=cell)
  const gcell = cell?.matches("[role=gridcell], [role=cell]") ? cell : cell ? closestComposed(cell, "[role=gridcell], [role=cell]") : null;
  const grid = gcell?.closest("[role=grid], [role=table], [role=treegrid]");
  if (gcell && grid) {
    let heads = labels.grids.get(grid);
    if (!heads) {
      heads = new Map();
      let rowText = "";
      for (const h of Array.from(grid.querySelectorAll("[role=columnheader]")).slice(0, 64)) {
        const row = h.closest("[role=row]");
        const idx = row ? colIndex(h) : heads.size;
        const t = textOf(h, 80) || h.getAttribute("aria-label") || "";
        if (!heads.has(idx) || t) heads.set(idx, t);
        rowText += " " + t;
      }
      heads.set(-1, rowText);
      labels.grids.set(grid, heads);
    }
    const t = heads.get(colIndex(gcell)) ?? "";
    if (t) return { header: normalize(t), row: normalize(heads.get(-1) ?? "") };
  }
  if (cell) return NO_HEADER;
  return divGridHeader(el, labels);
}

/** a grid's popup cell editor (ag-Grid: div.ag-popup-editor in .ag-popup, outside the grid's rows) */
const POPUP_EDITOR = ".ag-popup-editor";
/** the cell whose value a popup editor edits (ag-Grid marks it while the popup is open) */
const POPUP_EDITING_CELL = ".ag-cell-popup-editing";
const MAX_POPUP_CELLS = 8;

/**
 * The cell a popup cell editor edits: ag-Grid renders the editor in a popup layer appended to the
 * grid's wrapper (or to the page's body, `popupParent`), away from the cell, and marks the cell. With
 * several grids editing at once, the marked cell nearest the popup (ag-Grid places it over the cell).
 */
function popupEditorCell(el: Element): Element | null {
  const popup = el.closest(POPUP_EDITOR);
  if (!popup) return null;
  const scope: ParentNode = popup.closest(".ag-root-wrapper") ?? el.ownerDocument;
  const cells = Array.from(scope.querySelectorAll(POPUP_EDITING_CELL)).slice(0, MAX_POPUP_CELLS);
  if (cells.length <= 1) return cells[0] ?? null;
  const p = popup.getBoundingClientRect();
  const far = (c: Element) => {
    const r = c.getBoundingClientRect();
    return Math.abs(r.left - p.left) + Math.abs(r.top - p.top);
  };
  return cells.reduce((a, b) => (far(b) < far(a) ? b : a));
}

/** how far up a floating editor's positioned box and its grid are looked for */
const FLOAT_UP = 4;

/**
 * The cell a floating cell editor edits: spreadsheet grids (Handsontable's one textarea.handsontableInput,
 * jspreadsheet, SlickGrid-style editors) keep a single editor outside every cell and move it over the
 * active one. Only for a field with no cell of its own, in an absolutely/fixed positioned box near it,
 * beside a table or grid: the cell under its centre (one hit test).
 */
function floatingEditorCell(el: Element): Element | null {
  const r = el.getBoundingClientRect();
  if (r.width < 2 || r.height < 2) return null;
  let positioned = false, grid = false;
  const view = el.ownerDocument.defaultView;
  let node: Element | null = el;
  for (let i = 0; node && i < FLOAT_UP; i++, node = node.parentElement) {
    if (!positioned && view) {
      const pos = view.getComputedStyle(node).position;
      positioned = pos === "absolute" || pos === "fixed";
    }
    if (positioned && node.parentElement?.querySelector("table, [role=grid]")) {
      grid = true;
      break;
    }
  }
  if (!positioned || !grid) return null;
  const doc = el.ownerDocument;
  const at = doc.elementsFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
  for (const hit of at.slice(0, 12)) {
    if (hit === el || el.contains(hit) || hit.contains(el)) continue;
    const c = hit.closest("td, [role=gridcell]");
    if (c && !c.contains(el)) return c;
  }
  return null;
}

/**
 * A header floated over a table by a copy of it (Handsontable's .ht_clone_top, frozen-header grids): the
 * table's own header row is empty or hidden, the text is in another table's <thead> of the same grid, in
 * the column over the cell. Nearest enclosing element first, a few levels up, at most 64 headers each.
 */
function floatedHeader(table: Element, cell: Element): { header: string; row: string } | null {
  const c = cell.getBoundingClientRect();
  const x = (c.left + c.right) / 2;
  let up: Element | null = table.parentElement;
  for (let i = 0; up && i < 6; i++, up = up.parentElement) {
    if (up.matches("body, form")) break;
    const ths = Array.from(up.querySelectorAll("thead th")).slice(0, 64);
    const inCol = ths.filter((h) => {
      const r = h.getBoundingClientRect();
      return r.width > 0 && r.left <= x && r.right >= x && r.bottom <= c.top + 2;
    });
    for (const h of inCol) {
      const t = textOf(h, 80);
      if (t) {
        const row = h.parentElement ? textOf(h.parentElement, 240) : t;
        return { header: normalize(t), row: normalize(row) };
      }
    }
  }
  return null;
}

/** children of a row a div grid may have (a claim line has a dozen; a page section is not a row) */
const DIV_ROW_MAX = 40;
const DIV_ROW_STOP = "body, form, fieldset, table, tbody, thead, tr, td, th, ul, ol, [role=row], [role=grid], [role=table], [role=dialog]";

/**
 * A div grid without ARIA (Bootstrap rows, CSS grids): climbing from the field (at most 5 levels),
 * a row of 2..40 children whose header row — the first row of its container, or the container just
 * before the rows' container (a "thead" div) or that container's last row — has as many children of
 * the same elements, no field, and short text in most of them. The header is the text at the field's
 * position.
 */
function divGridHeader(el: Element, labels: LabelIndex): { header: string; row: string } {
  let cell: Element = el;
  for (let depth = 0; depth < 5; depth++) {
    const row: Element | null = cell.parentElement;
    if (!row || row.matches(DIV_ROW_STOP)) break;
    // (bounded counts: regression, childElementCount here made the 50,000-input page quadratic again in Chromium)
    const n = childCountUpTo(row, DIV_ROW_MAX);
    if (n >= 2 && n <= DIV_ROW_MAX) {
      const up = row.parentElement;
      const before = up?.previousElementSibling ?? null;
      const candidates = [up?.firstElementChild, before, before?.lastElementChild];
      for (const hr of candidates) {
        if (!hr || hr === row || childCountUpTo(hr, DIV_ROW_MAX) !== n) continue;
        // a header row's cells are the same elements as the row's (div.col over div.col), not a card's title and buttons
        if (!sameShape(hr, row)) continue;
        const texts = headerTexts(hr, labels);
        if (!texts) continue;
        const idx = Array.prototype.indexOf.call(row.children, cell) as number;
        const t = texts[idx] ?? "";
        return t ? { header: normalize(t), row: normalize(texts.join(" ")) } : NO_HEADER;
      }
    }
    cell = row;
  }
  return NO_HEADER;
}

function sameShape(a: Element, b: Element): boolean {
  for (let x = a.firstElementChild, y = b.firstElementChild; x || y; x = x!.nextElementSibling, y = y!.nextElementSibling) {
    if (!x || !y || x.localName !== y.localName) return false;
  }
  return true;
}

/** A div grid's header row: each child's short text, or null when it is not one (cached per element). */
function headerTexts(hr: Element, labels: LabelIndex): string[] | null {
  const cached = labels.divHeads.get(hr);
  if (cached !== undefined) return cached;
  let out: string[] | null = null;
  const n = hr.childElementCount;
  // cheap tests first: a header row holds little text and no field
  if ((hr.textContent?.length ?? 0) <= 80 * n && !hr.querySelector(VISIBLE_FIELDS)) {
    const texts = Array.from(hr.children, (c) => textOf(c, 60));
    if (texts.every((t) => t.length <= 40) && texts.filter(Boolean).length >= Math.max(2, n / 2)) out = texts;
  }
  labels.divHeads.set(hr, out);
  return out;
}

const HEADING = "h1, h2, h3, h4, h5, h6, [role=heading], legend";
const GROUP_ROLES = new Set(["group", "region", "radiogroup", "form", "dialog", "tabpanel"]);

/** Legends, group labels and headings above the field, nearest first (at most 3, bounded walk). */
function sectionTexts(el: Field): string[] {
  const out: string[] = [];
  let node: Element | null = el.parentElement;
  for (let depth = 0; node && depth < 10 && out.length < 3; depth++, node = node.parentElement) {
    if (node.localName === "fieldset") {
      const lg = node.querySelector(":scope > legend");
      if (lg) out.push(textOf(lg, 100));
    }
    const role = node.getAttribute("role");
    if (role && GROUP_ROLES.has(role)) {
      const t = node.getAttribute("aria-label") || byIds(node, node.getAttribute("aria-labelledby")).join(" ");
      if (t) out.push(t);
    }
    // a heading before this branch: the nearest previous sibling that is (or starts with) one
    let prev = node.previousElementSibling;
    for (let i = 0; prev && i < 3; i++, prev = prev.previousElementSibling) {
      const h = prev.matches(HEADING) ? prev : prev.firstElementChild?.matches(HEADING) ? prev.firstElementChild : null;
      if (h) {
        out.push(textOf(h, 100));
        break;
      }
    }
  }
  return out.map(normalize).filter(Boolean);
}

export function evidenceOf(el: Field, labels: LabelIndex): Evidence {
  const { header, row } = columnHeader(el, labels);
  const label = labelText(el, labels);
  return { label, name: nameText(el), source: sourceText(el), description: descriptionText(el), beside: besideText(el, label !== ""),
    header, headerRow: row, sections: sectionTexts(el) };
}

const DOTTED_ICD = /^[A-TV-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4}$/i;

/** Where a field of `kind` sits in a claim, from the text that decided it. */
export function roleFor(kind: FieldKind, text: string, inRow: boolean, end?: "from" | "to"): ClaimRole | undefined {
  switch (kind) {
    case "dx": {
      const m = /\b21 ([a-l])\b/.exec(text) ?? /\b(?:diagnosis|dx|diag|icd)\s+([a-l])\b/.exec(text);
      // an inpatient form's principal diagnosis (the CC exclusions depend on it)
      const principal = /\b(principal|prin|pdx)\b/.test(text) ? { principal: true } : {};
      return m ? { k: "dx", letter: m[1]!.charCodeAt(0) - 97, ...principal } : { k: "dx", ...principal };
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
      if (end) return { k: "line", part: end };
      if (/\b(to|through|thru|end)\b/.test(text)) return { k: "line", part: "to" };
      if (/\b(from|service|svc|serv|dos|24 a)\b/.test(text) || inRow) return { k: "line", part: "from" };
      return undefined;
    default:
      return undefined;
  }
}

const OTHER_PLANS = (VOCAB as { other_plans?: { phrases: string[] } }).other_plans?.phrases ?? [];
const namesOtherPlan = (text: string) => {
  const t = ` ${normalize(text)} `;
  return OTHER_PLANS.some((p) => t.includes(` ${p} `));
};
/**
 * Whether the field's page bills a plan whose code sets we do not check: its title or the start of its
 * text says so (OSCAR's billing windows: "Ontario Billing" bills OHIP fee codes with provincial 3-digit
 * diagnostic codes, "BC Billing" MSP/Teleplan codes; its "Billing Correction" window names no plan in its
 * title but asks for the "OHIP Claim No" first). Cached per document.
 */
function otherPlanPage(el: Field, labels: LabelIndex): boolean {
  if (!OTHER_PLANS.length) return false;
  const doc = el.ownerDocument;
  let page = labels.otherPlan.get(doc);
  if (page === undefined) {
    page = namesOtherPlan(doc.title.slice(0, 200)) || namesOtherPlan(leadText(doc));
    labels.otherPlan.set(doc, page);
  }
  return page;
}

/** how much of a page's text is read for the plan it bills (its header and first boxes) */
const LEAD_NODES = 400;
const LEAD_CHARS = 4000;
const NOT_TEXT = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "TEXTAREA"]);

/** The start of a page's visible text (scripts and styles skipped), bounded whatever the page holds. */
function leadText(doc: Document): string {
  const body = doc.body;
  if (!body) return "";
  let out = "";
  const walker = doc.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(), seen = 0; n && seen < LEAD_NODES && out.length < LEAD_CHARS; n = walker.nextNode(), seen++) {
    if (NOT_TEXT.has(n.parentElement?.tagName ?? "")) continue;
    out += " " + (n as Text).data.slice(0, LEAD_CHARS - out.length);
  }
  return out;
}

const inRow = (el: Field) => !!closestComposed(el, "tr, [role=row]");

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
      const e = evidenceOf(el, labels);
      return { kind: m.kind, source: "mapping", role: roleFor(m.kind, `${e.label} ${e.name} ${e.header}`, inRow(el)) };
    }
  }
  const d = decide(evidenceOf(el, labels));
  // a box too short for any code of that kind is not one: the UB-04's POA box titled like its diagnosis,
  // a 2-character "Condition" box (a UB-04 condition code)
  if (d.kind && el instanceof HTMLInputElement && el.maxLength > 0 && el.maxLength < (MIN_CHARS[d.kind] ?? 0)) return { kind: null, source: "none" };
  // a diagnosis or procedure box on a Canadian provincial billing page holds that plan's codes, not ICD-10-CM/HCPCS
  if ((d.kind === "dx" || d.kind === "proc") && otherPlanPage(el, labels)) return { kind: null, source: "none" };
  if (d.kind) return { kind: d.kind, source: d.source, role: roleFor(d.kind, d.text, inRow(el), d.end) };
  if (d.open && el.getAttribute("type") === "date") return { kind: "date", source: "shape", role: roleFor("date", "", inRow(el)) };
  // nothing names the field, but it holds a dotted diagnosis code
  const value = el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement ? el.value : textOf(el, 40);
  if (d.open && DOTTED_ICD.test(value.trim())) return { kind: "dx", source: "shape", role: { k: "dx" } };
  return { kind: null, source: "none" };
}
