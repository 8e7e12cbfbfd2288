// The inpatient discharge status (patient disposition, UB-04 FL 17) a page's
// form holds, read only when asked (the popup's and the claim line's MS-DRG
// "died" logic: CC/MCCs that count only when the patient is discharged alive).
// Page-only: the answer is sent to the popup for the code it shows and never
// stored. Labels and values that say "died" live in the reviewed vocabulary
// (extension/data/field-vocabulary.json, discharge_status).

import VOCAB from "../../data/field-vocabulary.json";
import { evidenceOf, LabelIndex, normalize } from "./detect";
import type { Field } from "./dom";
import { textOf } from "./dom";

interface DischargeVocab { phrases: string[]; died_codes: string[]; died_words: string[] }
const DS = (VOCAB as { discharge_status?: DischargeVocab }).discharge_status ?? { phrases: [], died_codes: [], died_words: [] };
const DIED_CODES = new Set(DS.died_codes);
const DIED_WORDS = new Set(DS.died_words);
/** controls looked at, at most (a page of 5,000 fields costs no more than this) */
const MAX_CONTROLS = 2000;

export interface DischargeStatus {
  /** the value says the patient died (a NUBC expired code, or an option saying so) */
  died: boolean;
  /** the value as the page shows it ("20 - Expired", "Death"), for the popup's note */
  text: string;
}

const names = (t: string) => DS.phrases.some((p) => ` ${t} `.includes(` ${p} `));

/** Whether one piece of normalized value text says the patient died: "20", "20 expired", "death". */
export function saysDied(value: string): boolean {
  const words = normalize(value).split(" ").filter(Boolean);
  if (!words.length) return false;
  // a NUBC code leads the value on its own ("20", "20 - Expired"); an opaque value that merely starts
  // with digits (an OpenMRS concept UUID "20a3f0c2-...", "1066AAAA...") is no code
  const lead = value.trim().split(/[\s\-–:|.,]/, 1)[0] ?? "";
  if (/^\d{1,2}$/.test(lead) && DIED_CODES.has(lead.padStart(2, "0"))) return true;
  return words.some((w) => DIED_WORDS.has(w));
}

/** The discharge status field of the document, read now; null when there is none or it is empty. */
export function dischargeStatus(doc: Document, labels: LabelIndex = new LabelIndex()): DischargeStatus | null {
  const controls = Array.from(doc.querySelectorAll<HTMLElement>("select, input:not([type=hidden]):not([type=checkbox]):not([type=button]):not([type=submit])"))
    .slice(0, MAX_CONTROLS);
  for (const el of controls) {
    if (el instanceof HTMLInputElement && el.type === "radio" && !el.checked) continue;
    // a text box is looked at closely only when its own names say so (a page of many boxes stays cheap)
    if (el instanceof HTMLInputElement && el.type !== "radio") {
      const quick = normalize([el.name, el.id, el.getAttribute("aria-label") ?? "", el.placeholder, el.title, ...labels.textFor(el)].join(" "));
      if (!names(quick)) continue;
    }
    const e = evidenceOf(el as unknown as Field, labels);
    // the field's own words first: a radio's own label is its value; its group's legend names the field
    const own = el instanceof HTMLInputElement && el.type === "radio" ? [e.name, ...e.sections.slice(0, 2)] : [e.label, e.name, e.description ?? "", e.beside];
    if (!own.some(names)) continue;
    let text = "";
    if (el instanceof HTMLSelectElement) {
      const o = el.selectedOptions[0];
      text = o && (o.value || o.textContent?.trim()) ? `${o.value} ${textOf(o, 60)}`.trim() : "";
    } else if (el instanceof HTMLInputElement) {
      text = el.type === "radio" ? `${el.value} ${e.label}`.trim() : el.value.trim();
    }
    if (!text) continue;
    return { died: saysDied(text), text: text.slice(0, 60) };
  }
  return null;
}
