// The CMS-1500-shaped claim form: items 3, 17b, 21 A–L, 24A–24G (+24J), 25
// and 33a. Every change re-runs engine.validateClaim; each issue is shown
// under the field its path names, with a one-click fix when the engine
// offers a suggestion. Values live only in the form: nothing is stored.

import type { Claim, Engine, Issue, Report } from '../engine';
import { errorMessage } from '../engine';
import { h, nextId } from '../dom';
import { announce } from '../announce';
import {
  DX_LETTERS, EXAMPLE_CLAIM, FORM_LINES, MAX_DIAGNOSES, MODIFIER_SLOTS, POINTER_SLOTS,
  diagnosesToJson, lineIsBlank, lineToJson, normalizeDate, parseClaim, pathChain, str,
} from './model';
import type { LineValues } from './model';
import type { Severity } from '../severity';
import { staySummary } from '../../../types/severity-chips';

type Control = HTMLInputElement | HTMLSelectElement;

interface LineRefs {
  root: HTMLFieldSetElement;
  legend: HTMLLegendElement;
  from: HTMLInputElement;
  to: HTMLInputElement;
  pos: HTMLInputElement;
  code: HTMLInputElement;
  modifiers: HTMLInputElement[];
  modGroup: HTMLFieldSetElement;
  pointers: HTMLInputElement[];
  ptrGroup: HTMLFieldSetElement;
  charge: HTMLInputElement;
  units: HTMLInputElement;
  remove: HTMLButtonElement;
}

interface FieldOptions {
  item?: string;
  hint?: string;
  size?: 'xs' | 's' | 'm' | 'l';
  inputmode?: string;
  placeholder?: string;
  maxlength?: number;
  upper?: boolean;
  options?: [string, string][];
  /** Said by screen readers after the visible label ("POS" + "place of service"). */
  more?: string;
}

const VALIDATE_DELAY_MS = 150;

export class ClaimForm {
  private engine: Engine | null = null;
  private readonly form: HTMLFormElement;
  private readonly count: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly linesBox: HTMLElement;
  private readonly addLineButton: HTMLButtonElement;
  private readonly fileInput: HTMLInputElement;
  private readonly notice: HTMLElement;
  private readonly ncciNote = h('span', { class: 'muted' });
  private readonly groups: Record<'patient' | 'providers' | 'diagnoses' | 'lines', HTMLFieldSetElement>;
  private readonly fixed: Record<string, Control> = {};
  private readonly dx: HTMLInputElement[] = [];
  private lines: LineRefs[] = [];
  /** Where an element's messages go (its own slot, or its group's). */
  private readonly slotOf = new WeakMap<Element, HTMLElement>();
  /** A short name for the summary ("21A", "Line 2 modifier 1"). */
  private readonly nameOf = new WeakMap<Element, string>();
  private timer: number | undefined;
  private lastReport: Report | null = null;
  private readonly profile: HTMLSelectElement;
  /** The CC/MCC/HCC line under the diagnoses (issue 15). */
  private readonly sevLine = h('p', { class: 'claim-severity', attrs: { 'aria-live': 'polite' }, data: { state: 'off' } });
  /** The patient died in the stay: alive-only CC/MCCs do not count (never stored). */
  private readonly died = h('input', { id: 'claim-died', attrs: { type: 'checkbox' } });
  private severity: Severity | null = null;

  constructor(root: HTMLElement) {
    this.count = h('p', { class: 'claim-count', attrs: { 'aria-live': 'polite' }, text: 'Loading the engine…' });
    this.summary = h('section', { class: 'claim-summary panel', attrs: { 'aria-labelledby': 'claim-summary-heading' } });
    this.notice = h('p', { class: 'claim-notice', attrs: { role: 'status' } });
    this.fileInput = h('input', { class: 'visually-hidden', attrs: { type: 'file', accept: 'application/json,.json', tabindex: -1, 'aria-hidden': 'true' } });
    this.fileInput.addEventListener('change', () => void this.importFile());

    const toolbar = h('div', { class: 'claim-toolbar no-print', attrs: { role: 'group', 'aria-label': 'Claim file' } },
      h('button', { class: 'button', attrs: { type: 'button' }, text: 'Import JSON…', on: { click: () => this.fileInput.click() } }),
      h('button', { class: 'button', attrs: { type: 'button' }, text: 'Export JSON', on: { click: () => this.exportFile() } }),
      h('button', { class: 'button', attrs: { type: 'button' }, text: 'Load example', on: { click: () => this.load(EXAMPLE_CLAIM, 'Loaded the example claim: it has mistakes to fix.') } }),
      h('button', { class: 'button', attrs: { type: 'button' }, text: 'Clear form', on: { click: () => this.load({}, 'Cleared the form.') } }),
      h('button', { class: 'button', attrs: { type: 'button' }, text: 'Print', on: { click: () => window.print() } }),
      this.fileInput,
    );

    const profileId = nextId('profile');
    this.profile = h('select', { id: profileId },
      h('option', { attrs: { value: 'cms1500' }, text: 'CMS-1500 (up to 4 pointers a line)' }),
      h('option', { attrs: { value: 'medicare' }, text: 'Medicare (1 pointer a line)' }));
    this.profile.addEventListener('change', () => this.validate());
    const settings = h('div', { class: 'claim-settings' },
      h('label', { attrs: { for: profileId }, text: 'Payer rules' }), this.profile,
      this.ncciNote);

    this.groups = {
      patient: this.group('Patient', 'claim-patient'),
      providers: this.group('Providers', 'claim-providers'),
      diagnoses: this.group('21. Diagnoses (ICD-10-CM, A–L)', 'claim-dx'),
      lines: this.group('24. Service lines', 'claim-lines'),
    };

    this.groups.patient.appendChild(h('div', { class: 'grid' },
      this.field('patient.birth_date', 'Birth date', { item: '3', hint: 'MM/DD/YYYY', size: 'm', inputmode: 'numeric', placeholder: 'MM/DD/YYYY', maxlength: 10 }),
      this.field('patient.sex', 'Sex', { item: '3', size: 's', options: [['', '—'], ['F', 'F (female)'], ['M', 'M (male)'], ['U', 'U (unknown)']] }),
      this.field('patient.zip', 'ZIP code', { item: '5', size: 's', inputmode: 'numeric', maxlength: 10 }),
    ));
    this.groups.providers.appendChild(h('div', { class: 'grid' },
      this.field('referring_provider.npi', 'Referring provider NPI', { item: '17b', size: 'm', inputmode: 'numeric', maxlength: 10 }),
      this.field('rendering_provider.npi', 'Rendering provider NPI', { item: '24J', size: 'm', inputmode: 'numeric', maxlength: 10 }),
      this.field('billing_provider.npi', 'Billing provider NPI', { item: '33a', size: 'm', inputmode: 'numeric', maxlength: 10 }),
      this.field('billing_provider.tax_id', 'Federal tax ID', { item: '25', size: 'm', inputmode: 'numeric', maxlength: 11 }),
      this.field('billing_provider.tax_id_type', 'Tax ID type', { item: '25', size: 's', options: [['', '—'], ['EIN', 'EIN'], ['SSN', 'SSN']] }),
      this.field('billing_provider.zip', 'Billing provider ZIP code', { item: '33', size: 's', inputmode: 'numeric', maxlength: 10 }),
    ));
    const dxGrid = h('div', { class: 'grid dx-grid' });
    for (let i = 0; i < MAX_DIAGNOSES; i++) {
      const letter = DX_LETTERS[i];
      dxGrid.appendChild(this.field(`diagnoses[${i}]`, letter, { item: '21', size: 's', upper: true, maxlength: 8, placeholder: i === 0 ? 'E11.9' : undefined }));
      this.dx.push(this.fixed[`diagnoses[${i}]`] as HTMLInputElement);
      this.nameOf.set(this.dx[i], `21${letter}`);
    }
    this.groups.diagnoses.appendChild(dxGrid);
    this.groups.diagnoses.appendChild(this.sevLine);
    this.died.addEventListener('change', () => this.updateSeverity());
    this.groups.diagnoses.appendChild(h('label', { class: 'check claim-died no-print', attrs: { for: 'claim-died' } }, this.died,
      ' Inpatient stay: the patient died (CC/MCCs that count only when discharged alive do not count)'));
    this.groups.diagnoses.appendChild(this.slot(this.groups.diagnoses));

    this.linesBox = h('div', { class: 'lines' });
    this.addLineButton = h('button', { class: 'button no-print', attrs: { type: 'button' }, text: 'Add service line', on: { click: () => { const l = this.addLine(); l.from.focus(); this.schedule(); } } });
    this.groups.lines.append(this.linesBox, this.slot(this.groups.lines), this.addLineButton);
    for (const g of [this.groups.patient, this.groups.providers]) g.appendChild(this.slot(g));

    this.form = h('form', { class: 'claim-form', attrs: { novalidate: true, 'aria-describedby': 'claim-count' } },
      this.groups.patient, this.groups.providers, this.groups.diagnoses, this.groups.lines);
    this.count.id = 'claim-count';
    this.form.addEventListener('input', () => this.schedule());
    this.form.addEventListener('change', () => this.schedule());
    this.form.addEventListener('submit', (e) => { e.preventDefault(); this.validate(); });

    this.addLine();
    root.replaceChildren(toolbar, settings, this.notice, this.count, this.form, this.summary);
  }

  attach(engine: Engine, ncci: boolean, severity?: Severity): void {
    this.engine = engine;
    if (severity) {
      this.severity = severity;
      severity.onChange(() => this.updateSeverity());
    }
    this.ncciNote.textContent = ncci
      ? 'NCCI procedure-to-procedure edits: from the outpatient-hospital (I/OCE) table.'
      : 'No NCCI table in this build: procedure pairs are not checked.';
    this.validate();
  }

  /** The current report (tests and the summary use it). */
  report(): Report | null {
    return this.lastReport;
  }

  // ---- building -----------------------------------------------------------

  private group(legend: string, id: string): HTMLFieldSetElement {
    return h('fieldset', { id, class: 'group-box' }, h('legend', { text: legend }));
  }

  private slot(owner: Element): HTMLElement {
    const slot = h('div', { id: nextId('msg'), class: 'msg' });
    this.slotOf.set(owner, slot);
    return slot;
  }

  private field(path: string, label: string, o: FieldOptions): HTMLElement {
    const id = nextId('f');
    const hintId = o.hint ? nextId('hint') : null;
    let control: Control;
    if (o.options) {
      control = h('select', { id }, o.options.map(([value, text]) => h('option', { attrs: { value }, text })));
    } else {
      control = h('input', {
        id,
        class: o.upper ? 'upper' : undefined,
        attrs: {
          type: 'text', inputmode: o.inputmode, placeholder: o.placeholder, maxlength: o.maxlength,
          autocomplete: 'off', spellcheck: 'false', autocapitalize: o.upper ? 'characters' : 'off',
        },
      });
    }
    control.dataset.path = path;
    const slot = this.slot(control);
    control.setAttribute('aria-describedby', [hintId, slot.id].filter(Boolean).join(' '));
    this.fixed[path] = control;
    this.nameOf.set(control, `${o.item ? `${o.item} ` : ''}${label}`);
    return h('div', { class: `field field-${o.size ?? 'm'}` },
      h('label', { attrs: { for: id } }, o.item ? h('span', { class: 'item', text: o.item }) : null, o.item ? ' ' : null, label),
      hintId ? h('span', { id: hintId, class: 'visually-hidden', text: o.hint }) : null,
      control,
      slot,
    );
  }

  private lineInput(line: number, label: string, item: string, o: FieldOptions): { wrap: HTMLElement; input: HTMLInputElement } {
    const id = nextId('f');
    const input = h('input', {
      id,
      class: o.upper ? 'upper' : undefined,
      attrs: {
        type: 'text', inputmode: o.inputmode, placeholder: o.placeholder, maxlength: o.maxlength,
        autocomplete: 'off', spellcheck: 'false', autocapitalize: o.upper ? 'characters' : 'off',
      },
    });
    const slot = this.slot(input);
    input.setAttribute('aria-describedby', slot.id);
    this.nameOf.set(input, `Line ${line + 1} ${item} ${label.toLowerCase()}`);
    const wrap = h('div', { class: `field field-${o.size ?? 's'}` },
      h('label', { attrs: { for: id } }, h('span', { class: 'item', text: item }), ' ', label,
        o.more ? h('span', { class: 'visually-hidden', text: ` (${o.more})` }) : null),
      input, slot);
    return { wrap, input };
  }

  private slotGroup(line: number, legend: string, item: string, n: number, short: string, o: FieldOptions): { box: HTMLFieldSetElement; inputs: HTMLInputElement[] } {
    const inputs: HTMLInputElement[] = [];
    const box = h('fieldset', { class: 'slots' }, h('legend', null, h('span', { class: 'item', text: item }), ' ', legend));
    const slot = this.slot(box);
    const row = h('div', { class: 'slot-row' });
    for (let i = 0; i < n; i++) {
      const input = h('input', {
        class: 'upper',
        attrs: {
          type: 'text', maxlength: o.maxlength, autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters',
          'aria-label': `${short} ${i + 1}`, 'aria-describedby': slot.id,
        },
      });
      this.slotOf.set(input, slot);
      this.nameOf.set(input, `Line ${line + 1} ${short.toLowerCase()} ${i + 1}`);
      inputs.push(input);
      row.appendChild(input);
    }
    this.nameOf.set(box, `Line ${line + 1} ${legend.toLowerCase()}`);
    box.append(row, slot);
    return { box, inputs };
  }

  private addLine(): LineRefs {
    const n = this.lines.length;
    const from = this.lineInput(n, 'From', '24A', { size: 'm', inputmode: 'numeric', placeholder: 'MM/DD/YYYY', maxlength: 10 });
    const to = this.lineInput(n, 'To', '24A', { size: 'm', inputmode: 'numeric', placeholder: 'MM/DD/YYYY', maxlength: 10 });
    const pos = this.lineInput(n, 'POS', '24B', { size: 's', inputmode: 'numeric', maxlength: 2, more: 'place of service' });
    const code = this.lineInput(n, 'Code', '24D', { size: 's', upper: true, maxlength: 5, more: 'CPT or HCPCS' });
    const mods = this.slotGroup(n, 'Modifiers', '24D', MODIFIER_SLOTS, 'Modifier', { maxlength: 2 });
    const ptrs = this.slotGroup(n, 'Diagnosis pointers', '24E', POINTER_SLOTS, 'Pointer', { maxlength: 1 });
    const charge = this.lineInput(n, 'Charges', '24F', { size: 's', inputmode: 'decimal', maxlength: 12, more: 'dollars' });
    const units = this.lineInput(n, 'Units', '24G', { size: 'xs', inputmode: 'numeric', maxlength: 6 });
    const legend = h('legend', { text: `Line ${n + 1}` });
    const remove = h('button', { class: 'button small no-print', attrs: { type: 'button' }, text: 'Remove line' });
    const root = h('fieldset', { class: 'line' }, legend,
      h('div', { class: 'grid line-grid' }, from.wrap, to.wrap, pos.wrap, code.wrap, mods.box, ptrs.box, charge.wrap, units.wrap),
      remove);
    root.insertBefore(this.slot(root), remove);
    const refs: LineRefs = {
      root, legend, from: from.input, to: to.input, pos: pos.input, code: code.input,
      modifiers: mods.inputs, modGroup: mods.box, pointers: ptrs.inputs, ptrGroup: ptrs.box,
      charge: charge.input, units: units.input, remove,
    };
    remove.addEventListener('click', () => this.removeLine(refs));
    this.lines.push(refs);
    this.linesBox.appendChild(root);
    this.refreshLines();
    return refs;
  }

  private removeLine(refs: LineRefs): void {
    const i = this.lines.indexOf(refs);
    if (i < 0 || this.lines.length === 1) return;
    this.lines.splice(i, 1);
    refs.root.remove();
    this.refreshLines();
    (this.lines[Math.min(i, this.lines.length - 1)].from).focus();
    announce(`Removed line ${i + 1}`);
    this.schedule();
  }

  private refreshLines(): void {
    this.lines.forEach((l, i) => {
      l.legend.textContent = `Line ${i + 1}`;
      l.remove.hidden = this.lines.length === 1;
      l.remove.setAttribute('aria-label', `Remove line ${i + 1}`);
      const name = (el: Element, what: string) => this.nameOf.set(el, `Line ${i + 1} ${what}`.trim());
      name(l.root, ''); name(l.from, '24A from'); name(l.to, '24A to'); name(l.pos, '24B place of service');
      name(l.code, '24D code'); name(l.charge, '24F charges'); name(l.units, '24G units');
      name(l.modGroup, '24D modifiers'); name(l.ptrGroup, '24E pointers');
      l.modifiers.forEach((m, k) => name(m, `modifier ${k + 1}`));
      l.pointers.forEach((p, k) => name(p, `pointer ${k + 1}`));
    });
    this.addLineButton.hidden = this.lines.length >= FORM_LINES;
  }

  // ---- claim JSON <-> form ------------------------------------------------

  private value(path: string): string {
    return this.fixed[path]?.value ?? '';
  }

  /** The claim JSON for the form, and which element each field path means. */
  serialize(): { claim: Claim; targets: Map<string, Element> } {
    const targets = new Map<string, Element>();
    const claim: Claim = {};
    for (const [path, el] of Object.entries(this.fixed)) targets.set(path, el);
    targets.set('patient', this.groups.patient);
    for (const p of ['billing_provider', 'rendering_provider', 'referring_provider']) targets.set(p, this.groups.providers);
    targets.set('diagnoses', this.groups.diagnoses);
    targets.set('service_lines', this.groups.lines);

    const pick = (keys: [string, string, (s: string) => string][]) => {
      const o: Record<string, string> = {};
      for (const [key, path, norm] of keys) {
        const v = this.value(path).trim();
        if (v) o[key] = norm(v);
      }
      return Object.keys(o).length ? o : undefined;
    };
    const same = (s: string) => s;
    const patient = pick([['sex', 'patient.sex', same], ['birth_date', 'patient.birth_date', normalizeDate], ['zip', 'patient.zip', same]]);
    if (patient) claim.patient = patient;
    const billing = pick([
      ['npi', 'billing_provider.npi', same], ['tax_id', 'billing_provider.tax_id', same],
      ['tax_id_type', 'billing_provider.tax_id_type', same], ['zip', 'billing_provider.zip', same],
    ]);
    if (billing) claim.billing_provider = billing;
    const rendering = pick([['npi', 'rendering_provider.npi', same]]);
    if (rendering) claim.rendering_provider = rendering;
    const referring = pick([['npi', 'referring_provider.npi', same]]);
    if (referring) claim.referring_provider = referring;

    claim.diagnoses = diagnosesToJson(this.dx.map((d) => d.value));

    claim.service_lines = [];
    for (const l of this.lines) {
      const values: LineValues = {
        from: l.from.value, to: l.to.value, pos: l.pos.value, code: l.code.value,
        modifiers: l.modifiers.map((m) => m.value), pointers: l.pointers.map((p) => p.value),
        charge: l.charge.value, units: l.units.value,
      };
      if (lineIsBlank(values)) continue;
      const j = claim.service_lines.length;
      const { line, modifierSlots, pointerSlots } = lineToJson(values);
      claim.service_lines.push(line);
      const base = `service_lines[${j}]`;
      targets.set(base, l.root);
      targets.set(`${base}.from`, l.from);
      targets.set(`${base}.to`, l.to);
      targets.set(`${base}.place_of_service`, l.pos);
      targets.set(`${base}.code`, l.code);
      targets.set(`${base}.charge`, l.charge);
      targets.set(`${base}.units`, l.units);
      targets.set(`${base}.modifiers`, l.modGroup);
      modifierSlots.forEach((slot, k) => targets.set(`${base}.modifiers[${k}]`, l.modifiers[slot]));
      targets.set(`${base}.diagnosis_pointers`, l.ptrGroup);
      pointerSlots.forEach((slot, k) => targets.set(`${base}.diagnosis_pointers[${k}]`, l.pointers[slot]));
    }
    return { claim, targets };
  }

  /** Fills the form from claim JSON; says what did not fit on the form. */
  load(claim: Claim, message: string): void {
    const dropped: string[] = [];
    for (const el of Object.values(this.fixed)) el.value = '';
    const set = (path: string, v: unknown) => {
      const el = this.fixed[path];
      const s = str(v);
      if (el instanceof HTMLSelectElement && s && ![...el.options].some((o) => o.value === s)) {
        el.appendChild(h('option', { attrs: { value: s }, text: s }));
      }
      el.value = s;
    };
    set('patient.sex', claim.patient?.sex);
    set('patient.birth_date', claim.patient?.birth_date);
    set('patient.zip', claim.patient?.zip);
    set('billing_provider.npi', claim.billing_provider?.npi);
    set('billing_provider.tax_id', claim.billing_provider?.tax_id);
    set('billing_provider.tax_id_type', claim.billing_provider?.tax_id_type);
    set('billing_provider.zip', claim.billing_provider?.zip);
    set('rendering_provider.npi', claim.rendering_provider?.npi);
    set('referring_provider.npi', claim.referring_provider?.npi);
    const dx = Array.isArray(claim.diagnoses) ? claim.diagnoses : [];
    this.dx.forEach((d, i) => { d.value = str(dx[i]); });
    if (dx.length > MAX_DIAGNOSES) dropped.push(`${dx.length - MAX_DIAGNOSES} diagnoses past L`);

    const lines = Array.isArray(claim.service_lines) ? claim.service_lines : [];
    while (this.lines.length > 1) {
      this.lines.pop()?.root.remove();
    }
    this.lines[0].root.querySelectorAll('input').forEach((i) => { i.value = ''; });
    lines.forEach((line, i) => {
      const l = i === 0 ? this.lines[0] : this.addLine();
      l.from.value = str(line?.from);
      l.to.value = str(line?.to);
      l.pos.value = str(line?.place_of_service);
      l.code.value = str(line?.code);
      const mods = Array.isArray(line?.modifiers) ? line.modifiers : [];
      l.modifiers.forEach((m, k) => { m.value = str(mods[k]); });
      if (mods.length > MODIFIER_SLOTS) dropped.push(`line ${i + 1}: modifiers past the 4th (${mods.slice(MODIFIER_SLOTS).map(str).join(', ')})`);
      const ptrs = Array.isArray(line?.diagnosis_pointers) ? line.diagnosis_pointers : [];
      l.pointers.forEach((p, k) => { p.value = str(ptrs[k]); });
      if (ptrs.length > POINTER_SLOTS) dropped.push(`line ${i + 1}: pointers past the 4th`);
      l.charge.value = str(line?.charge);
      l.units.value = str(line?.units);
    });
    this.refreshLines();
    this.notice.textContent = dropped.length
      ? `${message} The CMS-1500 has no room for: ${dropped.join('; ')}.`
      : message;
    this.validate();
  }

  private async importFile(): Promise<void> {
    const file = this.fileInput.files?.[0];
    this.fileInput.value = '';
    if (!file) return;
    try {
      this.load(parseClaim(await file.text()), `Imported ${file.name}.`);
    } catch (e) {
      this.notice.textContent = errorMessage(e);
    }
  }

  /** Imports claim JSON text (the file picker's path, also used by tests). */
  importText(text: string, name = 'claim.json'): void {
    try {
      this.load(parseClaim(text), `Imported ${name}.`);
    } catch (e) {
      this.notice.textContent = errorMessage(e);
    }
  }

  private exportFile(): void {
    const { claim } = this.serialize();
    const blob = new Blob([`${JSON.stringify(claim, null, 2)}\n`], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = h('a', { attrs: { href: url, download: 'claim.json' } });
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    this.notice.textContent = 'Exported claim.json: it holds patient data, so keep it where such files belong.';
  }

  /** "Add to claim" from the details view. */
  addCode(code: string, system: 'icd10cm' | 'hcpcs' | 'cpt'): string {
    if (system === 'icd10cm') {
      const existing = this.dx.findIndex((d) => d.value.trim().toUpperCase() === code);
      if (existing >= 0) return `${code} is already diagnosis ${DX_LETTERS[existing]}.`;
      const free = this.dx.findIndex((d) => !d.value.trim());
      if (free < 0) return 'All 12 diagnosis slots (A–L) are full.';
      this.dx[free].value = code;
      this.schedule();
      return `Added ${code} as diagnosis ${DX_LETTERS[free]} on the claim.`;
    }
    let line = this.lines.find((l) => !l.code.value.trim());
    if (!line) {
      if (this.lines.length >= FORM_LINES) return 'All six service lines have a code.';
      line = this.addLine();
    }
    line.code.value = code;
    this.schedule();
    return `Added ${code} to service line ${this.lines.indexOf(line) + 1} on the claim.`;
  }

  // ---- validation ---------------------------------------------------------

  private schedule(): void {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.validate(), VALIDATE_DELAY_MS);
  }

  validate(): Report | null {
    window.clearTimeout(this.timer);
    const engine = this.engine;
    if (!engine) return null;
    const { claim, targets } = this.serialize();
    let report: Report;
    try {
      report = engine.validateClaim(claim, undefined, { profile: this.profile.value as 'cms1500' | 'medicare' });
    } catch (e) {
      this.clearIssues();
      this.count.textContent = `The claim could not be checked: ${errorMessage(e)}`;
      this.count.className = 'claim-count status-bad';
      this.lastReport = null;
      return null;
    }
    this.lastReport = report;
    this.render(report, targets);
    this.updateSeverity();
    return report;
  }

  /** The principal diagnosis (21A), when one is typed. */
  principal(): string | null {
    return this.dx[0]?.value.trim() || null;
  }

  /** "HCC V28: 38, 226 · MCC: J96.01 · I50.23 is excluded by the principal", from engine.severity. */
  private updateSeverity(): void {
    const sev = this.severity;
    const engine = this.engine;
    const line = this.sevLine;
    const codes = this.dx.map((d) => d.value.trim().toUpperCase()).filter((c) => /^[A-TV-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$/.test(c));
    const pdx = this.dx[0]?.value.trim().toUpperCase() ?? '';
    if (!sev || !engine || !sev.prefs.summary || !codes.length) {
      line.replaceChildren();
      line.dataset.state = 'off';
      return;
    }
    if (!sev.ready) {
      void sev.ensure();
      line.textContent = 'Loading the MS-DRG and HCC tables…';
      line.dataset.state = 'loading';
      return;
    }
    if (!pdx || codes[0] !== pdx) {
      line.textContent = 'CC / MCC and HCC: enter the principal diagnosis as 21A.';
      line.dataset.state = 'no-principal';
      return;
    }
    const from = this.lines.map((l) => normalizeDate(l.from.value)).find((d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
    try {
      const r = engine.severity(pdx, codes.slice(1), { ...sev.options(from), died: this.died.checked });
      line.replaceChildren(
        h('span', { class: 'claim-severity-label', text: 'CC / MCC and HCC: ' }),
        h('span', { class: 'claim-severity-text', text: staySummary(r, sev.prefs.hccModel) }),
        h('span', { class: 'muted', text: ` (MS-DRG ${r.version}${from ? ` in force on ${from}` : ''}, HCC payment year ${r.hcc_year})` }),
      );
      line.dataset.state = 'ok';
    } catch (e) {
      line.textContent = `CC / MCC and HCC: ${errorMessage(e)}`;
      line.dataset.state = 'error';
    }
  }

  private clearIssues(): void {
    this.form.querySelectorAll('.msg').forEach((m) => m.replaceChildren());
    this.form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
    this.form.querySelectorAll('.has-warning').forEach((el) => el.classList.remove('has-warning'));
    this.summary.replaceChildren();
  }

  private resolve(field: string, targets: Map<string, Element>): Element | null {
    for (const p of pathChain(field)) {
      const el = targets.get(p);
      if (el) return el;
    }
    return null;
  }

  private render(report: Report, targets: Map<string, Element>): void {
    this.clearIssues();
    const errors = report.issues.filter((i) => i.severity === 'error').length;
    const warnings = report.issues.length - errors;
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    if (!report.issues.length) {
      this.count.textContent = 'No issues: the claim passes every check.';
      this.count.className = 'claim-count status-good';
    } else {
      this.count.textContent = `${plural(errors, 'error')} and ${plural(warnings, 'warning')}${report.valid ? ': the claim can go, but read the warnings' : ''}. Each is shown under its field and listed below the form.`;
      this.count.className = `claim-count ${errors ? 'status-bad' : 'status-warn'}`;
    }
    const list = h('ol', { class: 'issue-list' });
    for (const issue of report.issues) {
      const target = this.resolve(issue.field, targets);
      const slot = (target && this.slotOf.get(target)) ?? null;
      if (target && (target instanceof HTMLInputElement || target instanceof HTMLSelectElement)) {
        if (issue.severity === 'error') target.setAttribute('aria-invalid', 'true');
        else target.classList.add('has-warning');
      }
      const name = (target && this.nameOf.get(target)) || issue.field || 'Claim';
      // In a shared slot (modifiers, pointers) say which box the issue is about.
      const prefix = target && slot && slot.parentElement !== target.parentElement && target instanceof HTMLInputElement
        ? `${capitalize(this.nameOf.get(target)?.replace(/^Line \d+ /, '') ?? '')}: ` : '';
      if (slot) slot.appendChild(this.issueLine(issue, target, prefix));
      list.appendChild(
        h('li', { class: `issue issue-${issue.severity}` },
          h('span', { class: 'severity', text: issue.severity === 'error' ? 'Error' : 'Warning' }), ' ',
          target instanceof HTMLElement
            ? h('button', { class: 'linkish', attrs: { type: 'button' }, text: name.trim(), on: { click: () => focusField(target) } })
            : h('span', { class: 'field-name', text: name }),
          `: ${issue.message}`,
          h('span', { class: 'rule', text: ` (${issue.rule})` }),
        ),
      );
    }
    if (report.issues.length) {
      this.summary.append(h('h2', { id: 'claim-summary-heading', text: 'Issues' }), list);
    }
  }

  private issueLine(issue: Issue, target: Element | null, prefix: string): HTMLElement {
    const p = h('p', { class: `issue issue-${issue.severity}`, data: { rule: issue.rule, field: issue.field } },
      h('span', { class: 'severity', text: issue.severity === 'error' ? 'Error: ' : 'Warning: ' }),
      prefix, issue.message);
    const control = fixTarget(target);
    if (issue.suggestion !== undefined && control) {
      const suggestion = issue.suggestion;
      p.append(' ', h('button', {
        class: 'button small fix',
        attrs: { type: 'button', 'aria-label': suggestion ? `Use ${suggestion} for ${this.nameOf.get(control) ?? issue.field}` : `Clear it: ${this.nameOf.get(control) ?? issue.field}` },
        text: suggestion ? `Use ${suggestion}` : 'Clear it',
        on: {
          click: () => {
            setControl(control, suggestion);
            this.validate();
            control.focus();
            announce(`Changed ${this.nameOf.get(control) ?? issue.field} to ${suggestion || 'blank'}`);
          },
        },
      }));
    }
    return p;
  }
}

function capitalize(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/** The control a suggestion replaces: the field itself, or the first empty box of a group. */
function fixTarget(target: Element | null): Control | null {
  if (!target) return null;
  if (target instanceof HTMLInputElement || target instanceof HTMLSelectElement) return target;
  return null;
}

function setControl(control: Control, value: string): void {
  if (control instanceof HTMLSelectElement && ![...control.options].some((o) => o.value === value)) {
    control.appendChild(h('option', { attrs: { value }, text: value }));
  }
  control.value = value;
}

function focusField(target: HTMLElement): void {
  const focusable = target.matches('input, select') ? target : target.querySelector<HTMLElement>('input, select');
  (focusable ?? target).focus();
  (focusable ?? target).scrollIntoView({ block: 'center' });
}
