// Code shapes, insert forms and finding codes in text. Pure functions.

import type { InsertFormat } from "./settings";

const ICD = /^[A-TV-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?$/;
const HCPCS = /^[A-V][0-9]{4}$/;

/** True when `s` has the shape of an ICD-10-CM or HCPCS Level II code (dotted or not, any case). */
export function looksLikeCode(s: string): boolean {
  const t = s.trim().toUpperCase();
  return ICD.test(t) || HCPCS.test(t);
}

/** The code in the user's preferred form. HCPCS codes have no dot either way. */
export function formatCode(code: string, format: InsertFormat): string {
  return format === "undotted" ? code.replace(".", "") : code;
}

/**
 * Candidate codes in page text: 3-8 characters, a letter first, a digit second,
 * optional dot. Runs only on a word under the pointer or a selection.
 */
export const TEXT_CODE = /\b[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4}|[0-9A-Z]{1,4})?\b/g;

/** The word around `offset` in `text` made of code characters, or null. */
export function codeAt(text: string, offset: number): string | null {
  const isCh = (c: string | undefined) => !!c && /[A-Za-z0-9.]/.test(c);
  let s = offset, e = offset;
  while (s > 0 && isCh(text[s - 1])) s--;
  while (e < text.length && isCh(text[e])) e++;
  const word = text.slice(s, e).replace(/\.+$/, "");
  if (word.length < 3 || word.length > 8) return null;
  return looksLikeCode(word) && /[0-9]/.test(word[1] ?? "") ? word.toUpperCase() : null;
}

/** Codes referenced in a note ("gestational diabetes (O24.4-)", "(E08-E13)"). */
export function codesInNote(text: string): { start: number; end: number; code: string }[] {
  const out: { start: number; end: number; code: string }[] = [];
  const re = /\b([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)(?:\.-|-)?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    out.push({ start: m.index, end: m.index + m[1]!.length, code: m[1]! });
  }
  return out;
}
