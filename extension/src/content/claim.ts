// When the page holds a whole claim (diagnosis fields and service lines),
// assemble the claim object issue 4's validateClaim takes, and remember which
// element each field path came from so issues point at the right fields.

import type { Claim, ServiceLine } from "../shared/engine-api";
import type { FieldInfo, LinePart } from "./detect";
import type { Field } from "./dom";

export interface ClaimView {
  claim: Claim;
  /** claim field path ("service_lines[0].code") -> elements */
  paths: Map<string, Field[]>;
  /** every element that took part */
  fields: Set<Field>;
}

const LINE_CONTAINER = "tr, [role=row], [data-line], .service-line, .line, fieldset, li";

/** "03/10/2026", "03102026", "031026", "2026-03-10" -> "2026-03-10"; anything else unchanged. */
export function isoDate(s: string): string {
  const t = s.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (m) return t;
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$/.exec(t) ?? /^(\d{2})(\d{2})(\d{4}|\d{2})$/.exec(t);
  if (!m) return t;
  const y = m[3]!.length === 2 ? `20${m[3]}` : m[3]!;
  return `${y}-${m[1]!.padStart(2, "0")}-${m[2]!.padStart(2, "0")}`;
}

/** The modifiers one field holds: "25", "25:59", "25 59", "25,59" (the separators claim forms and EHRs use). */
export function splitModifiers(v: string): string[] {
  return v.split(/[\s,;:]+/).filter(Boolean);
}

function add(paths: Map<string, Field[]>, path: string, el: Field): void {
  const l = paths.get(path);
  if (l) l.push(el);
  else paths.set(path, [el]);
}

/** Builds the claim, or null when the page does not hold one (no diagnoses or no service lines). */
export function buildClaim(fields: Field[], info: (f: Field) => FieldInfo): ClaimView | null {
  // cheap test first: a claim needs diagnoses, service-line codes and pointers
  let hasDx = false, hasCode = false, hasPointer = false;
  for (const f of fields) {
    const r = info(f).role;
    if (r?.k === "dx") hasDx = true;
    else if (r?.k === "line" && r.part === "code") hasCode = true;
    else if (r?.k === "line" && r.part === "pointer") hasPointer = true;
  }
  if (!hasDx || !hasCode || !hasPointer) return null;
  const ordered = fields.slice().sort((a, b) =>
    a === b ? 0 : a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1);
  const dx: { el: Field; letter?: number }[] = [];
  const line: { el: Field; part: LinePart }[] = [];
  const claim: Claim = {};
  const paths = new Map<string, Field[]>();
  const used = new Set<Field>();
  for (const el of ordered) {
    const role = info(el).role;
    if (!role) continue;
    if (role.k === "dx") dx.push({ el, letter: role.letter });
    else if (role.k === "line") line.push({ el, part: role.part });
    else if (role.k === "npi") {
      const v = el.value.trim();
      const key = `${role.which}_provider` as const;
      if (v) claim[key] = { ...(claim[key] ?? {}), npi: v };
      add(paths, `${key}.npi`, el);
      used.add(el);
    } else if (role.k === "tax_id") {
      const v = el.value.trim().replace(/-/g, "");
      if (v) claim.billing_provider = { ...(claim.billing_provider ?? {}), tax_id: v };
      add(paths, "billing_provider.tax_id", el);
      used.add(el);
    } else if (role.k === "birth_date") {
      const v = el.value.trim();
      if (v) claim.patient = { ...(claim.patient ?? {}), birth_date: isoDate(v) };
      add(paths, "patient.birth_date", el);
      used.add(el);
    }
  }
  // a claim needs diagnoses, service lines and pointers between them (an EHR
  // encounter with a procedure box but no pointers is checked field by field)
  if (!dx.length || !line.some((l) => l.part === "code") || !line.some((l) => l.part === "pointer")) return null;

  // diagnoses: item 21 letters when the form says them, else document order
  const diagnoses: string[] = [];
  dx.forEach((d, i) => {
    const idx = d.letter ?? i;
    if (idx > 11 || diagnoses[idx] !== undefined) return;
    diagnoses[idx] = d.el.value.trim();
    add(paths, `diagnoses[${idx}]`, d.el);
    used.add(d.el);
  });
  let last = diagnoses.length - 1;
  while (last >= 0 && !diagnoses[last]) last--;
  claim.diagnoses = Array.from({ length: last + 1 }, (_, i) => diagnoses[i] ?? "");

  // service lines: one per row container, in document order
  const rows: Element[] = [];
  const rowOf = new Map<Field, number>();
  for (const l of line) {
    // from the parent: a page's data-line on the input itself does not make the input a line
    const row = l.el.parentElement?.closest(LINE_CONTAINER) ?? l.el.parentElement ?? l.el;
    let i = rows.indexOf(row);
    if (i < 0) i = rows.push(row) - 1;
    rowOf.set(l.el, i);
  }
  const lines: ServiceLine[] = rows.map(() => ({}));
  const counts = rows.map(() => ({ modifier: 0, pointer: 0 }));
  for (const l of line) {
    const i = rowOf.get(l.el)!;
    const sl = lines[i]!;
    const v = l.el.value.trim();
    const base = `service_lines[${i}]`;
    used.add(l.el);
    switch (l.part) {
      case "code": if (v) sl.code = v.toUpperCase(); add(paths, `${base}.code`, l.el); break;
      case "from": if (v) sl.from = isoDate(v); add(paths, `${base}.from`, l.el); break;
      case "to": if (v) sl.to = isoDate(v); add(paths, `${base}.to`, l.el); break;
      case "pos": if (v) sl.place_of_service = v; add(paths, `${base}.place_of_service`, l.el); break;
      case "units": if (v) sl.units = /^\d+(\.\d+)?$/.test(v) ? Number(v) : v; add(paths, `${base}.units`, l.el); break;
      case "charge": if (v) sl.charge = v.replace(/^\$/, ""); add(paths, `${base}.charge`, l.el); break;
      case "modifier": {
        // one field per modifier, or one field holding "25 59" / "25:59"
        const mods = v ? splitModifiers(v) : [];
        for (const m of mods) {
          const j = counts[i]!.modifier++;
          (sl.modifiers ??= []).push(m.toUpperCase());
          add(paths, `${base}.modifiers[${j}]`, l.el);
        }
        add(paths, `${base}.modifiers`, l.el);
        break;
      }
      case "pointer": {
        // "A", "AB", "A,B", "1 2"
        const parts = v.includes(",") || v.includes(" ") ? v.split(/[\s,;]+/) : v.split("");
        for (const p of parts.filter(Boolean)) {
          const j = counts[i]!.pointer++;
          const letter = /^\d+$/.test(p) ? "ABCDEFGHIJKL"[Number(p) - 1] ?? p : p.toUpperCase();
          (sl.diagnosis_pointers ??= []).push(letter);
          add(paths, `${base}.diagnosis_pointers[${j}]`, l.el);
        }
        add(paths, `${base}.diagnosis_pointers`, l.el);
        break;
      }
    }
  }
  // a line with nothing billable typed is not a line (prefilled dates or POS alone do not count)
  claim.service_lines = lines;
  const keep = lines.map((l) => !!(l.code || l.modifiers || l.diagnosis_pointers || l.charge || l.units));
  if (keep.some((k) => !k)) {
    const remap = new Map<number, number>();
    let n = 0;
    keep.forEach((k, i) => { if (k) remap.set(i, n++); });
    claim.service_lines = lines.filter((_, i) => keep[i]);
    // their fields are not the claim's: checked on their own (a claim-level "Place of service" outside any
    // line, a stray date), never dropped unchecked
    for (const l of line) if (!keep[rowOf.get(l.el)!]) used.delete(l.el);
    for (const [p, els] of Array.from(paths)) {
      const m = /^service_lines\[(\d+)\](.*)$/.exec(p);
      if (!m) continue;
      paths.delete(p);
      const to = remap.get(Number(m[1]));
      if (to !== undefined) paths.set(`service_lines[${to}]${m[2]}`, els);
    }
  }
  return { claim, paths, fields: used };
}

/** Elements an issue's field path points at: exact path, else the list it names, else a parent. */
export function elementsFor(view: ClaimView, path: string): Field[] {
  const exact = view.paths.get(path);
  if (exact) return exact;
  for (const [p, els] of view.paths) if (p.startsWith(`${path}[`) || p.startsWith(`${path}.`)) return [els[0]!];
  const parent = path.replace(/(\.[a-z_]+|\[\d+\])$/, "");
  return parent && parent !== path ? elementsFor(view, parent) : [];
}
