// Build-time check of extension/data/field-vocabulary.json (schema version 1):
// known kinds, normalized phrases, no phrase under two kinds, patterns compile.
// Throws an Error listing every problem; run by extension/build.mjs and the unit tests.
import { readFileSync } from "node:fs";

export const FIELD_KINDS = ["dx", "proc", "pcs", "modifier", "npi", "tax_id", "date", "pos", "units", "charge", "pointer", "zip"];
const WORDS = /^[a-z0-9]+( [a-z0-9]+)*$/;

export function checkVocabulary(v) {
  const errs = [];
  if (v?.version !== 1) errs.push(`version: expected 1, got ${v?.version}`);
  const seen = new Map();
  const kinds = new Set();
  for (const [i, k] of (Array.isArray(v?.kinds) ? v.kinds : []).entries()) {
    if (k.kind !== "none" && !FIELD_KINDS.includes(k.kind)) errs.push(`kinds[${i}]: unknown kind ${k.kind}`);
    if (kinds.has(k.kind)) errs.push(`kinds[${i}]: ${k.kind} listed twice`);
    kinds.add(k.kind);
    if (!Array.isArray(k.phrases) || !k.phrases.length) errs.push(`${k.kind}: no phrases`);
    for (const p of k.phrases ?? []) {
      if (typeof p !== "string" || !WORDS.test(p) || /[a-z][0-9]|[0-9][a-z]/.test(p)) errs.push(`${k.kind}: phrase ${JSON.stringify(p)} is not normalized (lower-case words and digits, single spaces)`);
      if (seen.has(p)) errs.push(`phrase ${JSON.stringify(p)} under both ${seen.get(p)} and ${k.kind}`);
      seen.set(p, k.kind);
    }
    for (const re of k.patterns ?? []) {
      try {
        new RegExp(re);
      } catch (e) {
        errs.push(`${k.kind}: pattern ${re}: ${e.message}`);
      }
    }
  }
  if (!kinds.size) errs.push("kinds: empty");
  const phraseOk = (p) => typeof p === "string" && WORDS.test(p) && !/[a-z][0-9]|[0-9][a-z]/.test(p);
  for (const [i, a] of (Array.isArray(v?.ambiguous) ? v.ambiguous : []).entries()) {
    if (!FIELD_KINDS.includes(a.kind)) errs.push(`ambiguous[${i}]: unknown kind ${a.kind}`);
    if (!Array.isArray(a.phrases) || !a.phrases.length) errs.push(`ambiguous[${i}]: no phrases`);
    for (const p of a.phrases ?? []) {
      if (!phraseOk(p)) errs.push(`ambiguous: phrase ${JSON.stringify(p)} is not normalized`);
      if (seen.has(p)) errs.push(`ambiguous: phrase ${JSON.stringify(p)} is also under ${seen.get(p)}`);
      seen.set(p, `ambiguous ${a.kind}`);
    }
  }
  for (const [k, n] of Object.entries(v?.min_chars ?? {})) {
    if (!FIELD_KINDS.includes(k)) errs.push(`min_chars: unknown kind ${k}`);
    if (!Number.isInteger(n) || n < 1 || n > 20) errs.push(`min_chars.${k}: ${n} is not a length`);
  }
  const ds = v?.discharge_status;
  if (ds !== undefined) {
    if (!Array.isArray(ds.phrases) || !ds.phrases.length) errs.push("discharge_status: no phrases");
    for (const p of ds.phrases ?? []) if (!phraseOk(p)) errs.push(`discharge_status: phrase ${JSON.stringify(p)} is not normalized`);
    for (const c of ds.died_codes ?? []) if (!/^\d{2}$/.test(c)) errs.push(`discharge_status: died code ${JSON.stringify(c)} is not a two-digit NUBC code`);
    for (const w of ds.died_words ?? []) if (!/^[a-z]+$/.test(w)) errs.push(`discharge_status: died word ${JSON.stringify(w)} is not one lower-case word`);
    if (!ds.died_codes?.length && !ds.died_words?.length) errs.push("discharge_status: neither died_codes nor died_words");
  }
  const op = v?.other_plans;
  if (op !== undefined) {
    if (!Array.isArray(op.phrases) || !op.phrases.length) errs.push("other_plans: no phrases");
    for (const p of op.phrases ?? []) {
      if (!phraseOk(p)) errs.push(`other_plans: phrase ${JSON.stringify(p)} is not normalized`);
      if (p === "msp") errs.push("other_plans: 'msp' alone is Medicare Secondary Payer in the US");
    }
  }
  for (const side of ["from", "to", "either"]) {
    for (const w of v?.service_words?.[side] ?? []) if (!WORDS.test(w)) errs.push(`service_words.${side}: ${w}`);
  }
  for (const w of v?.filler ?? []) {
    if (!/^[a-z0-9]+$/.test(w)) errs.push(`filler: ${w} is not one normalized word`);
    if (seen.has(w)) errs.push(`filler: ${w} is also a phrase of ${seen.get(w)}`);
  }
  if (errs.length) throw new Error(`field-vocabulary.json:\n  ${errs.join("\n  ")}`);
  return v;
}

export function checkVocabularyFile(path) {
  return checkVocabulary(JSON.parse(readFileSync(path, "utf8")));
}
