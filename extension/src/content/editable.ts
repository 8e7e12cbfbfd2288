// Rich-text boxes (contenteditable: Quill, CKEditor, a div some EHRs use for
// problem/assessment entry) as suggestion targets. The segment typed is the text
// around the caret in its text node, between separators (, ; : and line ends),
// and a chosen code replaces exactly that segment's characters (then the input
// event an edit makes, for the editor's own observers); the rest of the user's
// text is never touched.

import type { InsertFormat } from "../shared/settings";
import { currentSegment, type Field, isTextField } from "./dom";
import { fitCode, insertCode, type InsertResult } from "./insert";

/** What suggestions attach to: a text field or a contenteditable editing host. */
export type Target = Field | HTMLElement;

/** The editing host (the outermost contenteditable element) of a node inside a rich-text box, or null. */
export function editingHost(el: Element | null): HTMLElement | null {
  if (!(el instanceof HTMLElement) || !el.isContentEditable) return null;
  let host: HTMLElement = el;
  for (let i = 0; i < 64; i++) {
    const up = host.parentElement;
    if (!up || !up.isContentEditable) break;
    host = up;
  }
  return host;
}

export interface Segment {
  start: number;
  end: number;
  text: string;
  /** in an editing host: the text node the segment is in */
  node?: Text;
}

const SEP = /[,;:\n]/;
/** the most characters of a text node read around the caret (a pasted page stays bounded) */
const MAX_AROUND = 200;

/** The segment being typed: a field's (dom.currentSegment), or in a rich-text box the caret's text node's. */
export function segmentOf(t: Target): Segment {
  if (isTextField(t)) return currentSegment(t);
  const sel = t.ownerDocument.getSelection();
  const node = sel?.focusNode;
  if (!sel || !node || node.nodeType !== 3 || !t.contains(node)) return { start: 0, end: 0, text: "" };
  const v = (node as Text).data;
  const caret = Math.min(sel.focusOffset, v.length);
  let s = caret, e = caret;
  while (s > 0 && caret - s < MAX_AROUND && !SEP.test(v[s - 1]!)) s--;
  while (e < v.length && e - caret < MAX_AROUND && !SEP.test(v[e]!)) e++;
  while (s < e && /\s/.test(v[s]!)) s++;
  while (e > s && /\s/.test(v[e - 1]!)) e--;
  return { start: s, end: e, text: v.slice(s, e), node: node as Text };
}

/** Where the typing is: a field's box, or the caret in a rich-text box (its box when the caret has none). */
export function rectOf(t: Target): DOMRect {
  if (!isTextField(t)) {
    const sel = t.ownerDocument.getSelection();
    if (sel?.rangeCount && t.contains(sel.focusNode)) {
      const r = sel.getRangeAt(0).getBoundingClientRect();
      if (r.height > 0) return r;
    }
  }
  return t.getBoundingClientRect();
}

/**
 * Puts `code` in place of the segment: a field through insert.ts; in a rich-text box the way typing over a
 * selection reaches the editor. Editors that keep their own model (Slate, Lexical, CKEditor 5; ProseMirror,
 * Draft.js and Quill read the DOM back) take text from a cancelable `beforeinput` and apply it to the DOM
 * selection themselves: so the segment is selected and `beforeinput` (insertText, the code as data) is sent
 * first. An editor that cancels it did the edit (read back once it rendered: `later` gets a note when the
 * text does not hold the code). Otherwise the segment's characters are replaced in their text node (not
 * the browser's insertText, which trims or rewrites the spaces around a selection: "Dx: chf" became
 * "Dx:I50.9"), the caret put after the code, then the input event an edit makes, which DOM-reading
 * editors (ProseMirror's mutation observer, Draft.js's onInput, Quill) turn into their own change.
 */
export function insertInto(t: Target, code: string, format: InsertFormat, seg: Segment, later: (note: string | null) => void): InsertResult {
  if (isTextField(t)) return insertCode(t, code, format, seg.start, seg.end, later);
  const node = seg.node;
  if (!node || !node.isConnected || !t.contains(node) || node.data.slice(seg.start, seg.end) !== seg.text) {
    return { ok: false, note: `${code} not inserted: the text changed` };
  }
  const fit = fitCode(code, format, { maxLength: -1, pattern: null, numericOnly: false, upper: false }, node.data, seg.start, seg.end);
  if (!fit.ok) return { ok: false, note: fit.reason };
  const doc = t.ownerDocument;
  const before = node.data.slice(Math.max(0, seg.start - 24), seg.start);
  const after = node.data.slice(seg.end, seg.end + 24);
  const want = node.data.slice(0, seg.start) + fit.text + node.data.slice(seg.end);
  const sel = doc.getSelection();
  if (sel) {
    const r = doc.createRange();
    r.setStart(node, seg.start);
    r.setEnd(node, seg.end);
    sel.removeAllRanges();
    sel.addRange(r);
  }
  const ev = new InputEvent("beforeinput", { bubbles: true, cancelable: true, composed: true, inputType: "insertText", data: fit.text });
  node.parentElement?.dispatchEvent(ev) ?? t.dispatchEvent(ev);
  if (ev.defaultPrevented) {
    // the editor made the edit through its model; it renders when it will (React batches): read back then
    const holds = () => (t.textContent ?? "").replace(/\uFEFF/g, "").includes(before + fit.text + after);
    setTimeout(() => requestAnimationFrame(() => setTimeout(() => later(holds() ? null : `${code} may not have been inserted: the editor's text does not show it; check the box`), 0)), 60);
    return { ok: true, inserted: fit.text };
  }
  if (!node.isConnected || node.data.slice(seg.start, seg.end) !== seg.text) return { ok: false, note: `${code} not inserted: the text changed` };
  node.replaceData(seg.start, seg.end - seg.start, fit.text);
  sel?.collapse(node, seg.start + fit.text.length);
  t.dispatchEvent(new InputEvent("input", { bubbles: true, composed: true, inputType: "insertText", data: fit.text }));
  if (!node.isConnected) {
    // (a DOM-reading editor may render the line anew: the host's text must hold it)
    if ((t.textContent ?? "").includes(before + fit.text + after)) return { ok: true, inserted: fit.text };
    return { ok: false, note: `${code} not inserted: the editor changed it` };
  }
  if (node.data !== want) return { ok: false, note: `${code} not inserted: the editor changed it` };
  return { ok: true, inserted: fit.text };
}
