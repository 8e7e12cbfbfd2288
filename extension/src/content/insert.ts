// Inserting a chosen code so that the page ends up holding exactly that code.
// The field's own limits decide the form (maxlength, pattern, inputmode,
// type=number): the preferred form first, the undotted one when the dotted
// does not fit; when no form fits nothing is inserted and the reason is said
// next to the field. After inserting, the value is read back (at once and
// again after the page's own scripts ran): a page that turned it into a
// different code gets it back as it was, with a note saying why.

import type { InsertFormat } from "../shared/settings";
import { type Field, setFieldValue } from "./dom";

/** Same code? (dots, spaces and case do not matter; a missing 7th character does) */
export function sameCode(a: string, b: string): boolean {
  const n = (s: string) => s.replace(/[\s.]/g, "").toUpperCase();
  return n(a) === n(b);
}

export interface FieldLimits {
  maxLength: number; // -1: none
  pattern: string | null;
  numericOnly: boolean;
  upper: boolean;
}

export function limitsOf(el: Field): FieldLimits {
  const ml = el.maxLength;
  const im = (el.getAttribute("inputmode") ?? "").toLowerCase();
  const type = (el.getAttribute("type") ?? "").toLowerCase();
  let upper = false;
  try {
    upper = getComputedStyle(el).textTransform === "uppercase";
  } catch {
    /* detached */
  }
  return {
    maxLength: typeof ml === "number" && ml >= 0 ? ml : -1,
    pattern: el instanceof HTMLInputElement ? el.getAttribute("pattern") : null,
    numericOnly: im === "numeric" || im === "decimal" || type === "number",
    upper,
  };
}

function patternOk(pattern: string, value: string): boolean {
  for (const flags of ["v", "u"]) {
    try {
      return new RegExp(`^(?:${pattern})$`, flags).test(value);
    } catch {
      /* try the next flag set (the "v" flag is newer) */
    }
  }
  return true; // a pattern the browser cannot compile constrains nothing
}

export type Fit = { ok: true; text: string; value: string } | { ok: false; reason: string };

/**
 * The form of `code` to insert into `el` in place of value[start, end): the
 * preferred format, else the other; never a shortened code.
 */
export function fitCode(code: string, format: InsertFormat, limits: FieldLimits, value: string, start: number, end: number): Fit {
  const dotted = code;
  const undotted = code.replace(".", "");
  const forms = format === "undotted" ? [undotted, dotted] : [dotted, undotted];
  const uniq = Array.from(new Set(forms));
  const reasons: string[] = [];
  for (const f of uniq) {
    const v = value.slice(0, start) + f + value.slice(end);
    if (limits.numericOnly && /[^0-9.]/.test(f)) {
      reasons.push("the field takes numbers only");
      continue;
    }
    if (limits.maxLength >= 0 && v.length > limits.maxLength) {
      reasons.push(`the field holds ${limits.maxLength} characters and ${f} needs ${f.length}${v.length > f.length ? " more" : ""}`);
      continue;
    }
    if (limits.pattern && !patternOk(limits.pattern, v)) {
      reasons.push(`the field's format does not accept ${f}`);
      continue;
    }
    return { ok: true, text: f, value: v };
  }
  return { ok: false, reason: `${code} not inserted: ${Array.from(new Set(reasons)).join("; ")}` };
}

export interface InsertResult {
  ok: boolean;
  /** what the field holds now (when ok) */
  inserted?: string;
  /** said next to the field when not ok, or when the page changed the code */
  note?: string;
}

/**
 * Inserts `code` into value[start, end) of `el`. `later` is called once the
 * page's own scripts had their turn, with a note when the page turned the
 * code into another one (the field is then put back as it was before).
 */
export function insertCode(
  el: Field, code: string, format: InsertFormat, start: number, end: number,
  later: (note: string | null) => void,
): InsertResult {
  const before = el.value;
  const limits = limitsOf(el);
  const fit = fitCode(code, format, limits, before, start, end);
  if (!fit.ok) return { ok: false, note: fit.reason };
  const tried: string[] = [];
  const attempt = (form: string): boolean => {
    tried.push(form);
    const v = before.slice(0, start) + form + before.slice(end);
    setFieldValue(el, v, start + form.length);
    return holds(el.value, form, start);
  };
  const other = (fit.text.includes(".") ? fit.text.replace(".", "") : code) as string;
  let okNow = attempt(fit.text);
  if (!okNow && other !== fit.text && fitCode(other, format, limits, before, start, end).ok) okNow = attempt(other);
  if (!okNow) {
    const got = el.value.slice(start).split(/[,;\s]/)[0] ?? el.value;
    putBack(el, before);
    return { ok: false, note: `${code} not inserted: the page changed it to ${got || "nothing"}, a different code` };
  }
  const form = tried[tried.length - 1]!;
  // The check is about the page's own reaction to our insert. Once the user pressed a key in the field
  // (Enter committing a grid cell) or the field moved (a grid's one floating editor now editing another
  // cell), a new value is theirs or the other cell's: putting ours back would write "chf" into that cell.
  let userKey = false;
  const onKey = (e: Event) => { if (e.isTrusted) userKey = true; };
  el.addEventListener("keydown", onKey, true);
  const spot = spotOf(el);
  // the page's scripts (masks, framework re-renders) may rewrite the value after our events
  const check = () => {
    el.removeEventListener("keydown", onKey, true);
    if (!el.isConnected) return later(null);
    if (userKey || spotOf(el) !== spot) return later(null);
    if (holds(el.value, form, start)) return later(null);
    if (el.value === before) return later(null); // the page rejected it outright: nothing wrong is held
    const got = el.value.slice(start).split(/[,;\s]/)[0] ?? el.value;
    putBack(el, before);
    later(`The page changed ${code} to ${got || "nothing"}, which is a different code; the field was put back as it was`);
  };
  setTimeout(() => requestAnimationFrame(() => setTimeout(check, 0)), 60);
  return { ok: true, inserted: form };
}

/** Where the field is on the page (a grid's floating editor moves to the cell it edits). */
function spotOf(el: Field): string {
  const r = el.getBoundingClientRect();
  const w = el.ownerDocument.defaultView;
  return `${Math.round(r.left + (w?.scrollX ?? 0))},${Math.round(r.top + (w?.scrollY ?? 0))}`;
}

/** The value as it was before the insert: the page's model hears it (input), its commit handlers do not run again (no change). */
function putBack(el: Field, value: string): void {
  const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, "value")!.set!.call(el, value);
  el.dispatchEvent(new InputEvent("input", { bubbles: true, composed: true, inputType: "insertReplacementText", data: value }));
}

/** Does `value` hold the code `form` starting at `start` (dots/case aside, not cut short, not extended)? */
function holds(value: string, form: string, start: number): boolean {
  const tail = value.slice(Math.max(0, start - 1));
  const m = /[A-Za-z0-9.]+/.exec(value.slice(start)) ?? /[A-Za-z0-9.]+/.exec(tail);
  if (m && sameCode(m[0], form)) return true;
  // masks may add spaces or move things: the whole value as one code
  return sameCode(value, form);
}
