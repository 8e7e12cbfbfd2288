// One line under a form's diagnoses: the HCCs after hierarchies, the CC/MCCs
// that count and what the principal excludes, from the engine's stay check
// (`severity`), updated as the diagnoses change. The principal is the field
// labelled so (an inpatient form), else diagnosis A, else the first. "Patient
// died" (kept for this page only, never stored): CC/MCCs that count only when
// the patient is discharged alive (CMS Table 6K part 2) do not count.

import type { Platform } from "../shared/platform";
import { severityOptions, staySummary, type SeverityPrefs } from "../../../types/severity-chips";
import type { FieldInfo } from "./detect";
import type { Field } from "./dom";
import type { Overlay } from "./overlay";

export interface SummaryDeps {
  overlay: Overlay;
  request: Platform["request"];
  prefs(): SeverityPrefs;
  /** the page's discharge status says the patient died (true/false), or null: no such field filled */
  pageDied?(): boolean | null;
  /** the page's fields are still being found (a partial count could make a worklist look like one form) */
  scanning?(): boolean;
}

const ICD_SHAPE = /^[A-TV-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$/i;

/**
 * More diagnosis fields than any one claim holds (UB-04: principal, 24 other,
 * admitting, 3 patient's reason, 3 external cause = 32): the page is a
 * worklist of many patients, not one stay, so it gets no stay line. This also
 * keeps a 1,000-row grid from costing a sort and a layout read per field on
 * every check.
 */
export const MAX_STAY_DX_FIELDS = 40;

/** The diagnoses of a page in claim order, principal first, and every diagnosis field (where the line goes). */
export function diagnosesOf(known: Field[], info: (f: Field) => FieldInfo): { codes: string[]; fields: Field[] } {
  const dx = known.filter((f) => info(f).kind === "dx" && f.isConnected);
  if (dx.length > MAX_STAY_DX_FIELDS) return { codes: [], fields: [] };
  const rank = (f: Field) => {
    const r = info(f).role;
    if (r?.k === "dx" && r.principal) return -1;
    return r?.k === "dx" && r.letter !== undefined ? r.letter : 100;
  };
  // only fields holding something are ordered (document-order compares are DOM calls)
  const ordered = dx.filter((f) => f.value.trim()).sort((a, b) => rank(a) - rank(b)
    || (a === b ? 0 : a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  const codes: string[] = [];
  for (const f of ordered) {
    // one field may hold several codes ("I50.21, J96.01")
    for (const v of f.value.split(/[\s,;]+/)) {
      if (ICD_SHAPE.test(v) && codes.length < 25) codes.push(v.toUpperCase());
    }
  }
  return { codes, fields: dx };
}

export class SeveritySummary {
  readonly el: HTMLElement;
  private readonly text: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly died: HTMLInputElement;
  private fields: Field[] = [];
  /** the last update's arguments, to run again when "patient died" changes */
  private last: [Field[], (f: Field) => FieldInfo, string | undefined] | null = null;
  private key = "";
  private seq = 0;
  /** the user closed it on this page */
  private dismissed = false;
  /** the user ticked or cleared "patient died": the page's discharge status no longer sets it */
  private diedByUser = false;
  /** where the line was last placed from (what was hit-tested): the same layout is not tested again */
  private placed = "";

  constructor(private readonly d: SummaryDeps) {
    const o = d.overlay;
    this.el = o.el("div", "sevsum");
    this.el.hidden = true;
    this.el.setAttribute("role", "status");
    this.el.setAttribute("aria-live", "polite");
    this.el.setAttribute("aria-label", "medcode: CC, MCC and HCC of these diagnoses");
    this.text = o.el("span", "txt");
    this.meta = o.el("span", "meta");
    const close = o.el("button", "x", "×");
    close.type = "button";
    close.setAttribute("aria-label", "Hide the medcode CC/MCC/HCC line on this page");
    close.addEventListener("mousedown", (e) => e.preventDefault());
    close.addEventListener("click", (e) => {
      if (!e.isTrusted) return;
      this.dismissed = true;
      this.hide();
    });
    this.died = o.el("input", "died") as HTMLInputElement;
    this.died.type = "checkbox";
    this.died.addEventListener("change", () => {
      this.diedByUser = true;
      if (!this.last) return;
      this.key = "";
      void this.update(...this.last);
    });
    const died = o.el("label", "diedl");
    died.title = "CC/MCCs that count only when the patient is discharged alive (CMS Table 6K part 2) do not count";
    died.append(this.died, " patient died");
    this.el.append(o.el("strong", "", "medcode "), this.text, this.meta, died, close);
    o.layer.append(this.el);
  }

  /** After a check of the page's fields; `date`: the date of service when the page has one. */
  async update(known: Field[], info: (f: Field) => FieldInfo, date: string | undefined): Promise<void> {
    this.last = [known, info, date];
    const prefs = this.d.prefs();
    const { codes, fields } = diagnosesOf(known, info);
    if (!prefs.summary || !codes.length || this.dismissed) {
      this.hide();
      return;
    }
    // no new line while fields are still being found: the next check after the scan decides
    if (this.el.hidden && this.d.scanning?.()) return;
    // the form's discharge status ("20 Expired", "Death") ticks "patient died" until the user sets it
    if (!this.diedByUser) this.died.checked = this.d.pageDied?.() === true;
    const options = { ...severityOptions(prefs, date), ...(this.died.checked ? { died: true } : {}) };
    const key = JSON.stringify([codes, options]);
    this.fields = fields;
    if (key === this.key && !this.el.hidden) {
      this.position();
      return;
    }
    this.key = key;
    const mine = ++this.seq;
    const r = await this.d.request({ type: "severity", pdx: codes[0]!, secondaries: codes.slice(1), options }).catch(() => null);
    if (mine !== this.seq) return;
    if (!r?.report) {
      this.hide();
      return;
    }
    this.text.textContent = staySummary(r.report, prefs.hccModel);
    this.meta.textContent = ` (principal ${r.report.principal}; MS-DRG ${r.report.version}, HCC year ${r.report.hcc_year}${r.report.died ? "; the patient died" : ""})`;
    this.el.dataset.version = r.report.version;
    this.el.hidden = false;
    this.d.overlay.ensure();
    this.position();
  }

  /** Again with the last diagnoses (the page's discharge status may have changed; asks the engine only if it did). */
  refresh(): void {
    if (!this.last || this.diedByUser || this.el.hidden) return;
    void this.update(...this.last);
  }

  hide(): void {
    this.seq++;
    this.key = "";
    this.placed = "";
    this.el.hidden = true;
  }

  /** Under the page's diagnosis fields (the whole block, empty ones too), aligned with the leftmost; never over a page control. */
  position(): void {
    if (this.el.hidden) return;
    const live = this.fields.filter((f) => f.isConnected);
    if (!live.length) return this.hide();
    const origin = this.d.overlay.host.getBoundingClientRect();
    let left = Infinity, bottom = -Infinity;
    for (const f of live) {
      const r = f.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const p = this.d.overlay.toPage(r, origin);
      left = Math.min(left, p.left);
      bottom = Math.max(bottom, p.bottom);
    }
    if (!Number.isFinite(left)) return;
    left = Math.max(0, left);
    this.el.style.left = `${left}px`;
    const w = this.el.offsetWidth, h = this.el.offsetHeight;
    const win = this.d.overlay.host.ownerDocument.defaultView;
    const key = [left, bottom, w, h, origin.left, origin.top, win?.innerWidth, win?.innerHeight].join();
    if (key === this.placed) return;
    // below the diagnoses, then on down past each page control it would lie over (a click there must reach
    // the page: a small form's radio buttons, its Save button); nowhere free: not shown
    let top = bottom + 4;
    let free = false;
    for (let move = 0; move < MAX_MOVES && !free; move++) {
      const under = controlUnder(this.d.overlay.host, left + origin.left, top + origin.top, w, h);
      if (under === null) free = true;
      else top = Math.max(top + 1, under - origin.top + 4);
    }
    this.el.style.top = `${top}px`;
    this.el.style.visibility = free ? "" : "hidden";
    this.placed = key;
  }

  /** The page changed: controls may have appeared under the line (placed again on the next layout). */
  pageChanged(): void {
    this.placed = "";
  }
}

/** the most times the line moves down past a control before it gives up showing */
const MAX_MOVES = 12;
/** what a click must reach on the page */
const CONTROL = "input:not([type=hidden]), select, textarea, button, a[href], label, summary, [onclick], [contenteditable]:not([contenteditable=false])," +
  " [role=button], [role=radio], [role=checkbox], [role=switch], [role=tab], [role=link], [role=combobox], [role=option], [role=menuitem], [role=slider], [role=textbox]";
const FORM_FIELD = "input, select, textarea, button";
const TALLEST = 80;
/** hit-test spacing across the line (a radio button is 16 px) */
const STEP = 12;

/**
 * The viewport bottom of the lowest page control under a viewport rectangle, or null when none is:
 * hit tests on a grid of points (the topmost page element at each, looked into through open shadow
 * roots). Points outside the viewport cannot be tested (nothing there can be clicked until it scrolls
 * in: the layout after a scroll places the line again). At most (720 / STEP) x 3 hit tests.
 */
function controlUnder(host: Element, x: number, y: number, w: number, h: number): number | null {
  const doc = host.ownerDocument;
  const win = doc.defaultView;
  if (!win) return null;
  let lowest: number | null = null;
  const ys = [y + 2, y + h / 2, y + h - 2];
  for (let px = x + 2; px < x + w; px += STEP) {
    for (const py of ys) {
      if (px < 0 || py < 0 || px >= win.innerWidth || py >= win.innerHeight) continue;
      const hit = pageElementAt(doc, host, px, py);
      const c = hit?.closest(CONTROL);
      if (!c) continue;
      const r = c.getBoundingClientRect();
      // a wrapper taller than a control (an onclick row, a label round a section) is not one to step past
      if (r.height > TALLEST && !c.matches(FORM_FIELD)) continue;
      const b = r.bottom;
      if (lowest === null || b > lowest) lowest = b;
    }
  }
  return lowest;
}

/** The topmost page element at a viewport point (not ours), inside open shadow roots. */
function pageElementAt(doc: Document, host: Element, x: number, y: number): Element | null {
  let el = doc.elementsFromPoint(x, y).find((e) => e !== host) ?? null;
  for (let depth = 0; el?.shadowRoot && depth < 4; depth++) {
    const inner: Element | undefined = el.shadowRoot.elementsFromPoint(x, y).find((e) => e !== el && el!.shadowRoot!.contains(e));
    if (!inner) break;
    el = inner;
  }
  return el;
}
