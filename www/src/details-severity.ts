// The "CC / MCC and HCC" part of a code's details: MS-DRG level and version
// (in force on the date of service, or the one chosen in the settings), the
// alive-only note, HCCs with their labels, and — when the claim form has a
// principal diagnosis (21A) — whether that principal excludes this code, in
// the engine's own words (CMS Table 6K).

import type { CodeRecord, Engine } from './engine';
import { errorMessage } from './engine';
import { h } from './dom';
import type { Severity } from './severity';

export function severitySection(rec: CodeRecord, engine: Engine, sev: Severity, date: string, principal: string | null): HTMLElement | null {
  if (rec.system !== 'icd10cm' || !sev.ready) return null;
  const opts = sev.options(date);
  const pdx = principal && principal.toUpperCase() !== rec.code.toUpperCase() ? principal : null;
  let r: CodeRecord | undefined;
  try {
    r = engine.lookup(rec.code, { date: opts.date, version: opts.version, hcc_year: opts.hcc_year, principal: pdx ?? undefined })
      .find((x) => x.system === 'icd10cm');
  } catch (e) {
    return h('section', { class: 'severity panel' }, h('h3', { text: 'CC / MCC and HCC' }), h('p', { class: 'muted', text: errorMessage(e) }));
  }
  const m = r?.msdrg;
  if (!r || !m) return null;
  const model = sev.prefs.hccModel;
  const hcc = (r.hcc ?? []).filter((c) => model === 'none' || !model ? true : c.model === model);
  const others = (r.hcc ?? []).length - hcc.length;
  const level = m.level
    ? `${m.level} under MS-DRG ${m.version}.`
    : m.note ? `${m.note}.` : `Not a CC or MCC under MS-DRG ${m.version}.`;
  let exclusion: HTMLElement | null = null;
  if (pdx && m.level) {
    let why: string | undefined;
    try {
      why = engine.severity(pdx, [rec.code], opts).secondaries[0]?.why;
    } catch {
      why = undefined;
    }
    exclusion = m.excluded_by
      ? h('p', { class: 'sev-excl status-bad', data: { excludedBy: m.excluded_by } },
        h('strong', { text: `Excluded by the principal diagnosis ${m.excluded_by} (claim 21A): ` }),
        why ?? `${rec.code} counts as a non-CC with this principal (CMS Table 6K, MS-DRG ${m.version}).`)
      : h('p', { class: 'sev-excl' }, `With ${pdx.toUpperCase()} as the principal diagnosis (claim 21A), ${rec.code} counts as ${m.level === 'MCC' ? 'an MCC' : 'a CC'}: it is not on that principal's CC exclusion list.`);
  }
  return h('section', { class: 'severity panel', attrs: { 'aria-label': `CC, MCC and HCC of ${rec.code}` } },
    h('h3', { text: 'CC / MCC and HCC' }),
    h('p', { class: 'sev-level', data: { level: m.level ?? 'none', version: m.version } },
      m.level ? h('span', { class: `sev-chip sev-${m.level.toLowerCase()}`, text: m.level }) : null, m.level ? ' ' : null, level,
      m.alive_only ? ' Only when the patient is discharged alive (CMS Table 6K part 2).' : null,
      sev.prefs.msdrgVersion === 'auto' ? h('span', { class: 'muted', text: ` The version in force on ${date}.` }) : null),
    hcc.length
      ? h('ul', { class: 'sev-hcc' }, hcc.map((c) => h('li', null,
        h('span', { class: 'sev-chip sev-hcc', text: `HCC ${c.category}` }), ` ${c.model} ${c.year}`, c.label ? ` — ${c.label}` : '')))
      : h('p', { class: 'muted', text: r.hcc_note ?? `No HCC${model && model !== 'none' ? ` in ${model}` : ''} for this payment year.` }),
    others > 0 ? h('p', { class: 'muted', text: `Other models: ${(r.hcc ?? []).filter((c) => !hcc.includes(c)).map((c) => `${c.model} ${c.category}`).join(', ')}.` }) : null,
    exclusion,
    !pdx && m.level ? h('p', { class: 'muted', text: 'Enter a principal diagnosis as 21A on the claim form to see whether it excludes this code.' }) : null,
  );
}
