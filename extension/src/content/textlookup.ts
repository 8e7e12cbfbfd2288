// Reading the page: hovering over (or selecting) a code anywhere in the page
// text shows its title, billable status and validity. Only a word under the
// pointer is ever examined; nothing is scanned up front. Selections work the
// same in Chromium and Firefox: in text fields they are read from
// selectionStart/selectionEnd (Firefox's getSelection() has no range there),
// and are extended to the whole code (Firefox's double-click stops at the dot
// of "E11.65"). A lookup the user asked for by selecting is pinned: the hover
// timer never cancels it; the next click, Esc or scroll does.

import { codeAt, looksLikeCode } from "../shared/codes";
import type { CodeRecord } from "../shared/engine-api";
import type { Platform } from "../shared/platform";
import { deepActiveElement, isTextField } from "./dom";
import type { Overlay } from "./overlay";

const DWELL_MS = 300;

export interface TextLookupDeps {
  overlay: Overlay;
  request: Platform["request"];
  enabled(): boolean;
}

type CaretDoc = Document & {
  caretPositionFromPoint?: (x: number, y: number) => { offsetNode: Node; offset: number } | null;
  caretRangeFromPoint?: (x: number, y: number) => Range | null;
};

export class TextLookup {
  private readonly card: HTMLElement;
  private readonly cache = new Map<string, CodeRecord[]>();
  private pending: { x: number; y: number; target: EventTarget | null } | null = null;
  private scheduled = false;
  private dwell: ReturnType<typeof setTimeout> | null = null;
  private current: string | null = null;
  private shownFor: string | null = null;
  /** a code the user selected: shown until the next click, Esc or scroll */
  private pinned: string | null = null;

  constructor(private readonly d: TextLookupDeps) {
    this.card = d.overlay.el("div", "card");
    this.card.hidden = true;
    this.card.setAttribute("role", "tooltip");
    d.overlay.layer.append(this.card);
  }

  onMouseMove = (e: MouseEvent): void => {
    if (!this.d.enabled() || this.pinned) return;
    this.pending = { x: e.clientX, y: e.clientY, target: e.composedPath()[0] ?? null };
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      const p = this.pending;
      this.pending = null;
      if (p) this.probe(p.x, p.y, p.target);
    }, 60);
  };

  onMouseUp = (e: MouseEvent): void => {
    if (!this.d.enabled() || !e.isTrusted) return;
    const target = e.composedPath()[0] ?? null;
    // the selection is final once the event has run its course (double-click word selection)
    setTimeout(() => this.fromSelection(target), 0);
  };

  /** A click somewhere: a pinned card goes away (the next selection brings a new one). */
  onMouseDown(): void {
    if (this.pinned) this.hide();
  }

  private fromSelection(target: EventTarget | null): void {
    const doc = this.d.overlay.host.ownerDocument;
    const found = selectedCode(doc, target);
    if (!found) return;
    this.pinned = found.code;
    this.current = found.code;
    if (this.dwell) clearTimeout(this.dwell);
    this.dwell = null;
    void this.show(found.code, found.rect);
  }

  hide(): void {
    this.pinned = null;
    if (this.dwell) clearTimeout(this.dwell);
    this.dwell = null;
    this.current = null;
    this.shownFor = null;
    this.card.hidden = true;
  }

  private probe(x: number, y: number, target: EventTarget | null): void {
    const o = this.d.overlay;
    if (target instanceof Element && (target === o.host || target.closest("input, textarea, select, [contenteditable], medcode-overlay"))) {
      return this.leave();
    }
    const doc = o.host.ownerDocument as CaretDoc;
    let node: Node | null = null;
    let offset = 0;
    if (doc.caretPositionFromPoint) {
      const cp = doc.caretPositionFromPoint(x, y);
      if (cp) { node = cp.offsetNode; offset = cp.offset; }
    } else if (doc.caretRangeFromPoint) {
      const r = doc.caretRangeFromPoint(x, y);
      if (r) { node = r.startContainer; offset = r.startOffset; }
    }
    if (!node || node.nodeType !== Node.TEXT_NODE) return this.leave();
    const text = (node as Text).data;
    const code = codeAt(text, offset);
    if (!code) return this.leave();
    // the caret APIs snap to the nearest text: make sure the pointer is on the word
    const range = doc.createRange();
    const start = text.toUpperCase().lastIndexOf(code.replace(/\.$/, ""), offset);
    if (start < 0) return this.leave();
    range.setStart(node, start);
    range.setEnd(node, Math.min(text.length, start + code.length));
    const rect = range.getBoundingClientRect();
    if (x < rect.left - 2 || x > rect.right + 2 || y < rect.top - 2 || y > rect.bottom + 2) return this.leave();
    if (code === this.current) return;
    this.current = code;
    if (this.dwell) clearTimeout(this.dwell);
    this.dwell = setTimeout(() => {
      this.dwell = null;
      if (this.current === code) void this.show(code, rect);
    }, DWELL_MS);
  }

  private leave(): void {
    if (this.pinned) return; // the user asked for this one
    if (this.current && this.shownFor === this.current) {
      // keep the card while the pointer moves onto it
      if (this.dwell) clearTimeout(this.dwell);
      this.dwell = setTimeout(() => this.hide(), 400);
      this.current = null;
      return;
    }
    if (this.dwell) clearTimeout(this.dwell);
    this.dwell = null;
    this.current = null;
  }

  private async show(code: string, rect: DOMRect): Promise<void> {
    let recs = this.cache.get(code);
    if (!recs) {
      try {
        recs = (await this.d.request({ type: "lookup", code })).records;
      } catch {
        return;
      }
      if (this.cache.size > 500) this.cache.clear();
      this.cache.set(code, recs);
    }
    if (this.current !== code) return;
    // "J1100" is both HCPCS J1100 and ICD-10-CM J11.00: prefer what the text looks like
    const dotted = code.includes(".");
    const shown = recs.slice().sort((a, b) => Number(dotted ? b.system === "icd10cm" : b.code === code) - Number(dotted ? a.system === "icd10cm" : a.code === code)).slice(0, 2);
    if (!shown.length) return;
    this.render(shown);
    this.shownFor = code;
    const o = this.d.overlay;
    o.ensure();
    const p = o.toPage(rect);
    this.card.hidden = false;
    this.card.style.left = `${Math.max(0, p.left)}px`;
    this.card.style.top = `${p.bottom + 6}px`;
    this.card.dataset.code = shown[0]!.code;
  }

  private render(recs: CodeRecord[]): void {
    const o = this.d.overlay;
    const parts: Node[] = [];
    for (const r of recs) {
      const head = o.el("div", "head");
      head.append(o.el("span", "code", r.code),
        o.el("span", `tag${r.billable ? "" : " header"}`, r.billable ? "billable" : "not billable (header)"),
        o.el("span", "tag", r.system === "icd10cm" ? "ICD-10-CM" : "HCPCS"));
      parts.push(head, o.el("div", "title", r.title ?? r.title_missing_reason ?? "(no title)"));
      parts.push(o.el("div", "meta", validityText(r)));
    }
    this.card.replaceChildren(...parts);
  }
}

export function validityText(r: CodeRecord): string {
  const v = r.validity;
  if (!v.length) return r.in_release ? "In the current release" : "Not in the current release";
  const last = v[v.length - 1]!;
  const range = last.until ? `valid ${last.from} to ${last.until}` : `valid since ${last.from}`;
  return `${r.in_release ? "In the current release" : "Not in the current release"}; ${range}`;
}

/** The code the user selected: in a text field (selectionStart/End) or in page text, extended to the whole code. */
export function selectedCode(doc: Document, target: EventTarget | null): { code: string; rect: DOMRect } | null {
  const field = isTextField(target) ? target : (() => {
    const a = deepActiveElement(doc);
    return isTextField(a) ? a : null;
  })();
  if (field) {
    let s: number | null = null, e: number | null = null;
    try {
      s = field.selectionStart;
      e = field.selectionEnd;
    } catch {
      /* type=number/date: no selection API */
    }
    if (s !== null && e !== null && e > s) {
      const code = codeInSelection(field.value, s, e);
      return code ? { code, rect: field.getBoundingClientRect() } : null;
    }
    if (field === target) return null;
  }
  const sel = doc.getSelection();
  if (!sel || sel.isCollapsed) return null;
  if (sel.rangeCount > 0) {
    const r = sel.getRangeAt(0);
    const node = r.startContainer;
    if (node.nodeType === Node.TEXT_NODE && r.endContainer === node) {
      const code = codeInSelection((node as Text).data, r.startOffset, r.endOffset);
      if (!code) return null;
      const rect = r.getBoundingClientRect();
      return { code, rect };
    }
  }
  const text = sel.toString().trim();
  if (text.length < 3 || text.length > 9 || !looksLikeCode(text)) return null;
  const rect = sel.rangeCount > 0 ? sel.getRangeAt(0).getBoundingClientRect() : new DOMRect(0, 0, 0, 0);
  return { code: text.toUpperCase(), rect };
}

/** The whole code around text[start, end): "E11" selected in "E11.65" is E11.65; more than one word is not a code. */
export function codeInSelection(text: string, start: number, end: number): string | null {
  const picked = text.slice(start, end);
  if (!picked.trim() || /\S\s+\S/.test(picked.trim()) || picked.length > 40) return null;
  const lead = picked.length - picked.trimStart().length;
  return codeAt(text, start + lead);
}
