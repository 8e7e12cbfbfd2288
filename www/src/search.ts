// Search as you type: the WAI-ARIA combobox pattern (list autocomplete,
// manual selection). Focus stays in the input; aria-activedescendant moves
// through the options. The popup overlays the page, so typing never moves
// the layout, and the status line below has a fixed height.

import type { Engine, SearchHit, SystemFilter } from './engine';
import { errorMessage } from './engine';
import { searchHits } from '../../web-shared/packed-hits';
import { h } from './dom';
import { chipsFor, type Severity } from './severity';

const LIMIT = 25;

export interface SearchOptions {
  input: HTMLInputElement;
  listbox: HTMLUListElement;
  system: HTMLSelectElement;
  status: HTMLElement;
  form: HTMLFormElement;
  /** Open a code's details (from an option, or a code typed in full). */
  open: (code: string, system: string | null) => void;
  /** MS-DRG / HCC chips (severity.idx, attached on first use) */
  severity?: Severity;
  /** The date of service the chips' MS-DRG version and HCC year follow (default today). */
  date?: () => string;
}

const SYSTEM_LABEL: Record<string, string> = { icd10cm: 'ICD-10-CM', hcpcs: 'HCPCS', cpt: 'CPT' };

export class SearchBox {
  private hits: SearchHit[] = [];
  private active = -1;
  private engine: Engine | null = null;
  private statusTimer: number | undefined;
  private pending = false;

  constructor(private readonly o: SearchOptions) {
    o.input.addEventListener('input', () => this.schedule());
    o.system.addEventListener('change', () => {
      this.run();
      o.input.focus();
    });
    o.input.addEventListener('keydown', (e) => this.onKey(e));
    o.input.addEventListener('blur', () => {
      // Let a click on an option land first.
      window.setTimeout(() => {
        if (document.activeElement !== o.input) this.close();
      }, 150);
    });
    o.input.addEventListener('focus', () => {
      if (this.hits.length && o.input.value.trim()) this.show();
    });
    o.form.addEventListener('submit', (e) => e.preventDefault());
    // the tables arrived or a choice changed: the open list gains (or loses) its chips
    o.severity?.onChange(() => {
      if (this.engine && this.isOpen()) this.run();
    });
    // mousedown, not click: keep focus in the input while choosing.
    o.listbox.addEventListener('mousedown', (e) => {
      const li = (e.target as HTMLElement).closest<HTMLLIElement>('[role="option"]');
      if (!li) return;
      e.preventDefault();
      this.choose(Number(li.dataset.index));
    });
  }

  attach(engine: Engine): void {
    this.engine = engine;
    this.o.input.disabled = false;
    this.setStatus('Ready. Type a code or words.', true);
    if (this.o.input.value.trim()) this.run();
  }

  /** After the user's data changed: offer CPT when a CPT file is attached, and search again. */
  refresh(cpt: boolean): void {
    const sel = this.o.system;
    const opt = sel.querySelector<HTMLOptionElement>('option[value="cpt"]');
    if (cpt && !opt) sel.append(h('option', { attrs: { value: 'cpt' }, text: 'CPT (your data)' }));
    if (!cpt && opt) {
      if (sel.value === 'cpt') sel.value = 'all';
      opt.remove();
    }
    if (this.engine && this.o.input.value.trim()) this.run();
  }

  focus(): void {
    this.o.input.focus();
    this.o.input.select();
  }

  private schedule(): void {
    // Coalesce bursts of input events into one search per frame.
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.run();
    });
  }

  private run(): void {
    const query = this.o.input.value.trim();
    if (!this.engine) return;
    if (!query) {
      this.hits = [];
      this.render();
      this.close();
      this.setStatus('Type a code or words.', false);
      return;
    }
    try {
      // The select's values are the engine's filters (icd10cm, hcpcs, all).
      const system = this.o.system.value as SystemFilter;
      const chips = system === 'hcpcs' ? undefined : this.o.severity?.searchOptions(this.o.date?.());
      try {
        this.hits = searchHits(this.engine, query, system, LIMIT, chips);
      } catch (e) {
        if (!chips) throw e;
        this.hits = searchHits(this.engine, query, system, LIMIT); // options the tables refuse: plain hits
      }
    } catch (e) {
      this.hits = [];
      this.render();
      this.close();
      this.setStatus(errorMessage(e), true);
      return;
    }
    this.active = -1;
    this.render();
    if (this.hits.length) {
      this.show();
      const n = this.hits.length;
      this.setStatus(`${n === LIMIT ? `Top ${n}` : n} result${n === 1 ? '' : 's'}. Enter opens ${this.hits[0].code}.`, false);
    } else {
      this.close();
      this.setStatus(`Nothing matches “${query}”. Try fewer or other words.`, false);
    }
  }

  private render(): void {
    const list = this.o.listbox;
    list.replaceChildren(
      ...this.hits.map((hit, i) =>
        h(
          'li',
          {
            id: `search-option-${i}`,
            class: 'option',
            attrs: { role: 'option', 'aria-selected': 'false' },
            data: { index: String(i), code: hit.code, system: hit.system },
          },
          h('span', { class: 'option-code', text: hit.code }),
          h('span', { class: 'option-title' }, highlight(hit.title, hit.matched ?? [])),
          hit.why ? h('span', { class: 'option-why', text: hit.why }) : null,
          h('span', { class: 'option-tags' },
            chipsFor(hit.severity),
            h('span', { class: `tag tag-${hit.system}`, text: SYSTEM_LABEL[hit.system] ?? hit.system }),
            hit.billable ? null : h('span', { class: 'tag tag-header', text: 'header' }),
          ),
        ),
      ),
    );
    this.o.input.removeAttribute('aria-activedescendant');
  }

  private show(): void {
    this.o.listbox.hidden = false;
    this.o.input.setAttribute('aria-expanded', 'true');
  }

  close(): void {
    this.o.listbox.hidden = true;
    this.o.input.setAttribute('aria-expanded', 'false');
    this.setActive(-1);
  }

  private isOpen(): boolean {
    return !this.o.listbox.hidden;
  }

  private setActive(i: number): void {
    const prev = this.o.listbox.querySelector('[aria-selected="true"]');
    prev?.setAttribute('aria-selected', 'false');
    this.active = i;
    if (i < 0) {
      this.o.input.removeAttribute('aria-activedescendant');
      return;
    }
    const li = document.getElementById(`search-option-${i}`);
    if (!li) return;
    li.setAttribute('aria-selected', 'true');
    this.o.input.setAttribute('aria-activedescendant', li.id);
    li.scrollIntoView({ block: 'nearest' });
  }

  private onKey(e: KeyboardEvent): void {
    const n = this.hits.length;
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        if (!n) return;
        if (!this.isOpen()) this.show();
        this.setActive(e.altKey ? Math.max(this.active, -1) : (this.active + 1) % n);
        return;
      case 'ArrowUp':
        e.preventDefault();
        if (!n) return;
        if (!this.isOpen()) this.show();
        this.setActive(this.active <= 0 ? n - 1 : this.active - 1);
        return;
      case 'Enter': {
        e.preventDefault();
        if (this.isOpen() && this.active >= 0) {
          this.choose(this.active);
          return;
        }
        const query = this.o.input.value.trim();
        if (!query || !this.engine) return;
        if (looksLikeCode(query)) {
          // A typed code opens as typed, even when search would rank it lower.
          this.close();
          this.o.open(query, null);
          return;
        }
        if (n) this.choose(0);
        return;
      }
      case 'Escape':
        if (this.isOpen()) {
          e.preventDefault();
          this.close();
        } else if (this.o.input.value) {
          e.preventDefault();
          this.o.input.value = '';
          this.run();
        }
        return;
      default:
        return;
    }
  }

  private choose(i: number): void {
    const hit = this.hits[i];
    if (!hit) return;
    this.close();
    this.o.open(hit.code, hit.system);
  }

  private setStatus(text: string, immediate: boolean): void {
    // Shown at once; the live region catches up after typing pauses so a
    // screen reader does not read a count per keystroke.
    window.clearTimeout(this.statusTimer);
    if (immediate) {
      this.o.status.textContent = text;
      return;
    }
    this.statusTimer = window.setTimeout(() => {
      this.o.status.textContent = text;
    }, 350);
  }
}

const CODE_RE = /^[A-Za-z][0-9][0-9A-Za-z](\.?[0-9A-Za-z]{1,4})?$|^[A-Va-v][0-9]{4}$/;

export function looksLikeCode(q: string): boolean {
  return CODE_RE.test(q.trim());
}

/** Title text with the words that match the query wrapped in <mark>. */
export function highlight(title: string, matched: string[]): (Node | string)[] {
  const terms = matched.map((m) => m.toLowerCase()).filter((m) => m.length > 1);
  if (!terms.length) return [title];
  const out: (Node | string)[] = [];
  for (const part of title.split(/(\s+|[(),;:/-])/)) {
    const lower = part.toLowerCase();
    if (part && terms.some((t) => lower.startsWith(t))) out.push(h('mark', { text: part }));
    else if (part) out.push(part);
  }
  return out;
}
