// A code chosen in the popup or side panel (the PCS builder) goes into the
// field that had focus on the page. The popup takes focus away from the page,
// so the frame remembers its last focused text field; the frame whose
// document still points at that field answers, others stay silent. The
// insert itself is insert.ts: the field ends up holding exactly the chosen
// code or is put back as it was.

import type { InsertReply } from "../shared/protocol";
import { currentSegment, deepActiveElement, type Field, isTextField, isWritable, textOf } from "./dom";
import { insertCode } from "./insert";

/** The field a panel's code goes into: the focused text field, else the last one focused in this frame. */
export function panelTarget(doc: Document, lastFocused: Field | null): Field | null {
  const active = doc.activeElement;
  if (active instanceof HTMLIFrameElement || active instanceof HTMLFrameElement) return null; // the child frame answers
  const deep = deepActiveElement(doc);
  if (isTextField(deep)) return deep;
  return lastFocused && lastFocused.isConnected ? lastFocused : null;
}

/** What a person would call the field: its label, aria-label, placeholder or name. */
export function fieldName(el: Field): string {
  const label = el.labels?.[0];
  const byId = el.getAttribute("aria-labelledby")?.split(/\s+/).map((id) => el.ownerDocument.getElementById(id)).find(Boolean);
  return textOf(label, 60) || textOf(byId, 60) || el.getAttribute("aria-label")?.slice(0, 60)
    || el.placeholder?.slice(0, 60) || el.name || el.id || "the field";
}

/**
 * Inserts `code` in place of the segment at the caret (the whole value of a
 * one-code field). Answers once the page's own scripts had their turn: a
 * page that turned the code into another one got its old value back
 * (insert.ts), and the answer says so. `noted` shows the note by the field.
 */
export function insertFromPanel(field: Field, code: string, noted: (note: string) => void): Promise<InsertReply> {
  const name = fieldName(field);
  if (!isWritable(field)) return Promise.resolve({ ok: false, field: name, note: `${code} not inserted: ${name} cannot be edited` });
  const clean = code.replace(/\s/g, "").toUpperCase().slice(0, 16);
  const seg = currentSegment(field);
  field.focus();
  return new Promise((resolve) => {
    let now: InsertReply | null = null;
    let later: string | null | undefined;
    const done = () => {
      if (!now || later === undefined) return;
      if (later) noted(later);
      resolve(later ? { ok: false, field: name, note: later } : now);
    };
    const r = insertCode(field, clean, "undotted", seg.start, seg.end, (n) => {
      later = n;
      done();
    });
    if (!r.ok) {
      if (r.note) noted(r.note);
      resolve({ ok: false, field: name, ...(r.note ? { note: r.note } : {}) });
      return;
    }
    now = { ok: true, field: name, ...(r.inserted ? { inserted: r.inserted } : {}) };
    done();
  });
}
