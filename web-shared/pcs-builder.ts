// The ICD-10-PCS builder: seven steps, each listing only the values valid on
// the chosen date, with labels and definitions. Keyboard first: type the
// character to pick it, or type words to filter; Backspace goes back a step.
// The code so far is always visible; a complete code is handed to `onComplete`
// (the page copies it; the extension inserts it into the focused field).
// Depends only on the DOM and the engine call below, so the offline page
// (www/src/app.ts, engine in the page) and the extension's popup/side panel
// (extension/src/ui/pcs.ts, engine in the background: an async message) both
// use this one copy. Characters typed while a step loads are applied in order.

import type { BuilderStep, NextChar } from '../types/engine-api';

/** One choice of a step (generated from src/icd10pcs NextChar). */
export type PcsNextChar = NextChar;
/** The builder's step (generated from src/icd10pcs BuilderStep). */
export type PcsBuilderStep = BuilderStep;

/** The engine call the builder needs: the page answers at once, the extension through a message. */
export interface PcsEngine {
  pcsNext(prefix: string, date?: string): PcsBuilderStep | Promise<PcsBuilderStep>;
}

const AXIS_TITLES: Record<string, string> = {
  section: 'Section',
  body_system: 'Body system',
  root_operation: 'Root operation',
  body_part: 'Body part',
  approach: 'Approach',
  device: 'Device',
  qualifier: 'Qualifier',
};

const NO_LABEL = 'label not in the bundled data';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class PcsBuilder {
  private prefix = '';
  private step: PcsBuilderStep | null = null;
  private active = 0;
  /** a step is loading: typed characters wait in the filter */
  private busy = false;
  readonly root: HTMLElement;
  private readonly codeOut: HTMLElement;
  private readonly stepTitle: HTMLElement;
  private readonly filter: HTMLInputElement;
  private readonly list: HTMLUListElement;
  private readonly dateInput: HTMLInputElement;
  private readonly status: HTMLElement;
  private readonly trail: HTMLOListElement;

  constructor(
    host: HTMLElement,
    private readonly engine: () => Promise<PcsEngine>,
    private readonly onComplete: (code: string, title: string | null) => void,
    today: string,
  ) {
    this.root = el('div', 'pcs-builder');
    this.root.dataset.testid = 'pcs-builder';
    const top = el('div', 'pcs-top');
    const codeLabel = el('span', 'pcs-code-label', 'Code so far');
    this.codeOut = el('output', 'pcs-code');
    this.codeOut.setAttribute('aria-live', 'polite');
    this.codeOut.id = `pcs-code-${Math.random().toString(36).slice(2, 8)}`;
    const dateLabel = el('label', 'pcs-date-label', 'Valid on ');
    this.dateInput = el('input', 'pcs-date');
    this.dateInput.type = 'date';
    this.dateInput.value = today;
    dateLabel.append(this.dateInput);
    top.append(codeLabel, this.codeOut, dateLabel);
    this.trail = el('ol', 'pcs-trail');
    this.stepTitle = el('h3', 'pcs-step');
    this.filter = el('input', 'pcs-filter');
    this.filter.type = 'text';
    this.filter.setAttribute('role', 'combobox');
    this.filter.setAttribute('aria-autocomplete', 'list');
    this.filter.setAttribute('aria-expanded', 'true');
    this.filter.spellcheck = false;
    this.filter.autocomplete = 'off';
    this.filter.placeholder = 'Type the character (0-9, A-Z), or words to filter; Backspace goes back';
    this.list = el('ul', 'pcs-choices');
    this.list.setAttribute('role', 'listbox');
    this.list.id = `pcs-list-${Math.random().toString(36).slice(2, 8)}`;
    this.filter.setAttribute('aria-controls', this.list.id);
    this.status = el('p', 'pcs-status muted');
    this.root.append(top, this.trail, this.stepTitle, this.filter, this.list, this.status);
    host.append(this.root);
    this.filter.addEventListener('input', () => this.onInput());
    this.filter.addEventListener('keydown', (e) => this.onKey(e));
    this.dateInput.addEventListener('change', () => void this.go(this.prefix));
  }

  focus(): void {
    this.filter.focus();
  }

  get code(): string {
    return this.prefix;
  }

  /** Shows the step after `prefix` (0-6 characters). */
  async go(prefix: string): Promise<void> {
    this.busy = true;
    let step: PcsBuilderStep;
    try {
      const engine = await this.engine();
      step = await engine.pcsNext(prefix, this.dateInput.value || undefined);
    } catch (e) {
      this.busy = false;
      this.status.textContent = e instanceof Error ? e.message : String(e);
      return;
    }
    this.busy = false;
    this.prefix = step.prefix;
    this.step = step;
    this.active = 0;
    // Characters typed while this step loaded: the first picks its value, the rest wait for the next step.
    const ahead = this.filter.value;
    const hit = /^[0-9A-Z]/.test(ahead) ? step.choices.find((c) => c.value === ahead[0]) : undefined;
    if (hit) {
      await this.choose(hit, ahead.slice(1));
      return;
    }
    if (/^[0-9A-Z]$/.test(ahead)) this.filter.value = '';
    this.render();
  }

  private visible(): PcsNextChar[] {
    const s = this.step;
    if (!s) return [];
    const q = this.filter.value.trim().toLowerCase();
    if (!q) return s.choices;
    // One character that is a value: that value; otherwise words in the label or definition.
    const words = q.split(/\s+/);
    return s.choices.filter((c) => {
      if (q.length === 1 && c.value.toLowerCase() === q) return true;
      const hay = `${c.label ?? ''} ${c.definition ?? ''}`.toLowerCase();
      return words.every((w) => hay.includes(w));
    });
  }

  private render(): void {
    const s = this.step;
    if (!s) return;
    this.codeOut.textContent = (this.prefix + '_______').slice(0, 7);
    this.trail.replaceChildren(
      ...s.so_far.map((a) => {
        const li = el('li', 'pcs-trail-item');
        const b = el('button', 'button small', `${a.value} ${a.label ?? NO_LABEL}`);
        b.type = 'button';
        b.title = `Go back to choose the ${AXIS_TITLES[a.axis] ?? a.axis} again`;
        b.addEventListener('click', () => void this.go(this.prefix.slice(0, a.position - 1)));
        li.append(el('span', 'pcs-axis', `${AXIS_TITLES[a.axis] ?? a.axis}: `), b);
        return li;
      }),
    );
    const n = s.position + 1;
    this.stepTitle.textContent = s.axis
      ? `Step ${n} of 7: ${AXIS_TITLES[s.axis] ?? s.axis}`
      : `Complete code ${this.prefix}`;
    const items = this.visible();
    if (this.active >= items.length) this.active = Math.max(0, items.length - 1);
    this.list.replaceChildren(
      ...items.map((c, i) => {
        const li = el('li', 'pcs-choice');
        li.setAttribute('role', 'option');
        li.id = `${this.list.id}-${c.value}`;
        li.dataset.value = c.value;
        li.setAttribute('aria-selected', String(i === this.active));
        li.append(el('span', 'pcs-value', c.value), el('span', 'pcs-label', c.label ?? `(${NO_LABEL})`));
        if (c.title) li.append(el('span', 'pcs-title', c.title));
        else if (c.code) li.append(el('span', 'pcs-title muted', 'valid code; its title is not in the bundled data'));
        if (c.definition) li.append(el('span', 'pcs-def muted', c.definition));
        if (!c.code) li.append(el('span', 'pcs-count muted', `${c.codes} code${c.codes === 1 ? '' : 's'}`));
        li.addEventListener('mousedown', (e) => e.preventDefault());
        li.addEventListener('click', () => void this.choose(c));
        return li;
      }),
    );
    const cur = items[this.active];
    if (cur) this.filter.setAttribute('aria-activedescendant', `${this.list.id}-${cur.value}`);
    else this.filter.removeAttribute('aria-activedescendant');
    this.status.textContent = s.choices.length === 0
      ? (this.prefix.length === 7 ? 'Complete.' : `No code valid on ${s.date} continues ${this.prefix}.`)
      : `${items.length} of ${s.choices.length} values valid on ${s.date}.`;
  }

  /** `rest`: characters typed ahead of this choice, applied to the next steps. */
  private async choose(c: PcsNextChar, rest = ''): Promise<void> {
    this.filter.value = rest;
    if (c.code) {
      this.prefix = c.code;
      this.codeOut.textContent = c.code;
      this.filter.value = '';
      this.onComplete(c.code, c.title ?? null);
      await this.go(c.code);
      return;
    }
    await this.go(this.prefix + c.value);
  }

  private onInput(): void {
    if (this.busy) return; // applied when the step arrives (go)
    const q = this.filter.value;
    // Typing one digit or capital letter that is a value picks it at once;
    // lower-case letters filter by words.
    if (q.length === 1 && /[0-9A-Z]/.test(q)) {
      const hit = this.step?.choices.find((c) => c.value === q.toUpperCase());
      if (hit) {
        void this.choose(hit);
        return;
      }
    }
    this.active = 0;
    this.render();
  }

  private onKey(e: KeyboardEvent): void {
    const items = this.visible();
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      this.active = Math.min(items.length - 1, this.active + 1);
      this.render();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      this.active = Math.max(0, this.active - 1);
      this.render();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (this.busy) return;
      const c = items[this.active];
      if (c) void this.choose(c);
    } else if (e.key === 'Backspace' && !this.busy && this.filter.value === '' && this.prefix.length > 0) {
      e.preventDefault();
      void this.go(this.prefix.slice(0, -1));
    }
  }
}
