// Claim form values <-> the claim JSON of `medcode validate`, and the map
// from the engine's field paths (service_lines[0].modifiers[1]) back to the
// inputs they came from.

import type { Claim, ServiceLine } from '../engine';

export const MAX_DIAGNOSES = 12;
export const MODIFIER_SLOTS = 4;
export const POINTER_SLOTS = 4;
export const FORM_LINES = 6; // a paper CMS-1500 holds six service lines
export const DX_LETTERS = 'ABCDEFGHIJKL'.split('');

/**
 * Dates go to the engine as YYYY-MM-DD when the typed form is unambiguous
 * (MM/DD/YYYY, M/D/YYYY, MMDDYYYY, YYYY-MM-DD); anything else goes as typed
 * so the engine can say what is wrong with it.
 */
export function normalizeDate(raw: string): string {
  const s = raw.trim();
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (m) return `${m[3]}-${m[1].padStart(2, '0')}-${m[2].padStart(2, '0')}`;
  m = /^(\d{2})(\d{2})(\d{4})$/.exec(s);
  if (m) return `${m[3]}-${m[1]}-${m[2]}`;
  return s;
}

export function normalizeCode(raw: string): string {
  return raw.trim().toUpperCase();
}

export function normalizeCharge(raw: string): string {
  return raw.trim().replace(/^\$\s*/, '');
}

/** Units as a number when they are one; as typed otherwise. */
export function normalizeUnits(raw: string): number | string {
  const s = raw.trim();
  return /^\d+(\.\d+)?$/.test(s) ? Number(s) : s;
}

/** `service_lines[0].modifiers[1]` -> `service_lines[0].modifiers` -> `service_lines[0]` -> `service_lines`. */
export function parentPath(path: string): string | null {
  const m = /^(.*)(\[\d+\]|\.[^.[\]]+)$/.exec(path);
  return m && m[1] ? m[1] : null;
}

/** Every path from the most to the least specific. */
export function pathChain(path: string): string[] {
  const out: string[] = [];
  for (let p: string | null = path; p; p = parentPath(p)) out.push(p);
  return out;
}

/** Values from one service line of the form, before dropping blanks. */
export interface LineValues {
  from: string;
  to: string;
  pos: string;
  code: string;
  modifiers: string[];
  pointers: string[];
  charge: string;
  units: string;
}

export function lineIsBlank(v: LineValues): boolean {
  return ![v.from, v.to, v.pos, v.code, v.charge, v.units, ...v.modifiers, ...v.pointers].some((s) => s.trim());
}

/**
 * One service line as claim JSON. `kept[i]` is the form slot that claim
 * modifier i came from (blanks are dropped, so indexes shift).
 */
export function lineToJson(v: LineValues): { line: ServiceLine; modifierSlots: number[]; pointerSlots: number[] } {
  const line: ServiceLine = {};
  if (v.from.trim()) line.from = normalizeDate(v.from);
  if (v.to.trim()) line.to = normalizeDate(v.to);
  if (v.pos.trim()) line.place_of_service = v.pos.trim();
  if (v.code.trim()) line.code = normalizeCode(v.code);
  const modifierSlots: number[] = [];
  const modifiers: string[] = [];
  v.modifiers.forEach((m, i) => {
    if (m.trim()) { modifiers.push(normalizeCode(m)); modifierSlots.push(i); }
  });
  const pointerSlots: number[] = [];
  const pointers: string[] = [];
  v.pointers.forEach((p, i) => {
    if (p.trim()) { pointers.push(normalizeCode(p)); pointerSlots.push(i); }
  });
  line.modifiers = modifiers;
  line.diagnosis_pointers = pointers;
  if (v.units.trim()) line.units = normalizeUnits(v.units);
  if (v.charge.trim()) line.charge = normalizeCharge(v.charge);
  return { line, modifierSlots, pointerSlots };
}

/** Diagnoses A–L: trailing blanks dropped, a blank between two codes kept as "" so letters keep their meaning. */
export function diagnosesToJson(values: string[]): string[] {
  let last = -1;
  values.forEach((v, i) => { if (v.trim()) last = i; });
  return values.slice(0, last + 1).map(normalizeCode);
}

/** A claim from JSON text, with a message naming what is wrong when it is not a claim. */
export function parseClaim(text: string): Claim {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`That file is not JSON: ${(e as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('That JSON is not a claim: expected an object with diagnoses, service_lines and provider fields.');
  }
  return value as Claim;
}

export function str(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

export const EXAMPLE_CLAIM: Claim = {
  patient: { sex: 'F', birth_date: '1968-04-02' },
  billing_provider: { npi: '1234567890', tax_id: '12-3456789', tax_id_type: 'EIN' },
  rendering_provider: { npi: '1987654328' },
  diagnoses: ['E11', 'I10', 'W21.89A'],
  service_lines: [
    {
      from: '2026-03-10', to: '2026-03-10', place_of_service: '11', code: '99213',
      modifiers: ['25', '25'], diagnosis_pointers: ['A', 'E'], units: 1, charge: '125.00',
    },
    {
      from: '2026-03-10', to: '2026-03-10', place_of_service: '11', code: 'J1100',
      modifiers: [], diagnosis_pointers: ['B'], units: 2, charge: '18.50',
    },
  ],
};
