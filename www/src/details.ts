// The details view for a code: hierarchy breadcrumb, title and status,
// validity on a date of service, the 7th-character builder, children and
// notes (with codes linked). ICD-10-CM and HCPCS Level II records share it.

import type { CodeRecord, Engine, Info, System, ValiditySpan } from './engine';
import { errorMessage } from './engine';
import { h, nextId, todayIso } from './dom';
import { copyButton } from './clipboard';
import { CodeLinker, codeHref, renderNotes } from './notes';
import { seventhBuilder } from './seventh';
import { severitySection } from './details-severity';
import type { Severity } from './severity';

export interface DetailsContext {
  engine: Engine;
  info: Info;
  linker: CodeLinker;
  /** Adds a code to the claim form; returns what happened, for the live region. */
  addToClaim: (code: string, system: System) => void;
  /** MS-DRG / HCC tables and choices (the section appears once they are attached) */
  severity?: Severity;
  /** The claim form's principal diagnosis (21A), for CC exclusions */
  principal?: () => string | null;
}

const SYSTEM_NAME = { icd10cm: 'ICD-10-CM', hcpcs: 'HCPCS Level II', cpt: 'CPT (your licensed file)' } as const;
const KIND_NAME = { chapter: 'Chapter', section: 'Section', category: 'Category', code: 'Code' } as const;

// The date of service is shared by every details view until the page closes.
let dateOfService = todayIso();

/** The date of service last chosen in the details (search chips use its MS-DRG version). */
export function currentDateOfService(): string {
  return dateOfService;
}

export class DetailsView {
  /** Redraws the CC/MCC/HCC section (the tables arrived, a setting or the claim's principal changed). */
  refreshSeverity: () => void = () => undefined;

  constructor(private readonly root: HTMLElement, private readonly ctx: DetailsContext) {
    ctx.severity?.onChange(() => this.refreshSeverity());
  }

  clear(): void {
    this.refreshSeverity = () => undefined;
    this.root.replaceChildren();
  }

  /** Shows every record for `query`; returns the heading to move focus to. */
  show(query: string, preferSystem: string | null): HTMLElement | null {
    let records: CodeRecord[];
    try {
      records = this.ctx.engine.lookup(query);
    } catch (e) {
      return this.showMessage(query, errorMessage(e));
    }
    if (!records.length) {
      return this.showMessage(query, `${query} is not in the bundled ICD-10-CM or HCPCS Level II data. Check the characters, or search for it by words.`);
    }
    if (preferSystem) records.sort((a, b) => Number(b.system === preferSystem) - Number(a.system === preferSystem));

    const dateId = nextId('dos');
    const dateInput = h('input', { id: dateId, class: 'date-input', attrs: { type: 'date', value: dateOfService, required: true } });
    const validityOutputs: { rec: CodeRecord; el: HTMLElement }[] = [];
    const sevBoxes: { rec: CodeRecord; el: HTMLElement }[] = [];
    const refresh = () => {
      if (dateInput.value) dateOfService = dateInput.value;
      for (const v of validityOutputs) v.el.replaceChildren(...validityText(v.rec, dateOfService, this.ctx.info));
      const sev = this.ctx.severity;
      if (sev) {
        const pdx = this.ctx.principal?.() ?? null;
        for (const b of sevBoxes) b.el.replaceChildren(...[severitySection(b.rec, this.ctx.engine, sev, dateOfService, pdx)].filter((x): x is HTMLElement => !!x));
      }
    };
    this.refreshSeverity = refresh;
    if (this.ctx.severity && !this.ctx.severity.ready && records.some((r) => r.system === 'icd10cm')) void this.ctx.severity.ensure();
    dateInput.addEventListener('input', refresh);

    const toolbar = h('div', { class: 'details-toolbar' },
      h('label', { attrs: { for: dateId }, text: 'Date of service' }),
      dateInput,
      records.length > 1 ? h('p', { class: 'muted', text: `${records.length} code sets use ${query.toUpperCase()}: both are shown.` }) : null,
    );

    const articles = records.map((rec) => {
      const out = h('p', { class: 'validity-result', attrs: { 'aria-live': 'polite' } });
      validityOutputs.push({ rec, el: out });
      const art = this.article(rec, out);
      if (rec.system === 'icd10cm') {
        const box = h('div', { class: 'severity-box' });
        sevBoxes.push({ rec, el: box });
        art.querySelector('.validity')?.after(box);
      }
      return art;
    });
    refresh();
    this.root.replaceChildren(toolbar, ...articles);
    return this.root.querySelector<HTMLElement>('h2');
  }

  private showMessage(query: string, message: string): HTMLElement {
    const heading = h('h2', { attrs: { tabindex: -1 }, text: `No details for “${query}”` });
    this.root.replaceChildren(h('div', { class: 'panel not-found' }, heading, h('p', { text: message })));
    return heading;
  }

  private article(rec: CodeRecord, validityOut: HTMLElement): HTMLElement {
    const { linker } = this.ctx;
    const headingId = nextId('rec');
    const title = rec.title ?? 'No title in the bundled data';
    const canAdd = rec.billable;

    return h('article', { class: `record record-${rec.system}`, attrs: { 'aria-labelledby': headingId } },
      breadcrumb(rec, linker),
      h('div', { class: 'record-head' },
        h('h2', { id: headingId, attrs: { tabindex: -1 } },
          h('span', { class: 'code code-large', text: rec.code }), ' ',
          h('span', { class: rec.title ? 'record-title' : 'record-title muted', text: title }),
        ),
        rec.title_missing_reason ? h('p', { class: 'muted', text: `Why: ${rec.title_missing_reason}.` }) : null,
        h('div', { class: 'tags' },
          h('span', { class: `tag tag-${rec.system}`, text: SYSTEM_NAME[rec.system] }),
          rec.system === 'icd10cm' ? h('span', { class: 'tag', text: KIND_NAME[rec.kind] }) : null,
          rec.in_release || rec.billable ? billableTag(rec) : null,
          rec.in_release ? null : h('span', { class: 'tag tag-warn', text: rec.system === 'hcpcs' ? 'not active this quarter' : 'not in this release' }),
        ),
        h('div', { class: 'actions no-print' },
          copyButton(rec.code),
          canAdd ? h('button', {
            class: 'button small',
            attrs: { type: 'button', 'aria-label': `Add to claim: ${rec.code}` },
            text: 'Add to claim',
            on: { click: () => this.ctx.addToClaim(rec.code, rec.system) },
          }) : null,
          h('button', { class: 'button small', attrs: { type: 'button' }, text: 'Print', on: { click: () => window.print() } }),
        ),
      ),
      h('section', { class: 'validity panel', attrs: { 'aria-label': `Validity of ${rec.code}` } },
        h('h3', { text: rec.system === 'hcpcs' ? 'Validity by quarter' : 'Validity by date of service' }),
        validityOut,
        spansList(rec.validity),
        rec.system === 'hcpcs' ? hcpcsFacts(rec, this.ctx.info) : null,
      ),
      seventhBuilder(rec, { addToClaim: (code) => this.ctx.addToClaim(code, rec.system) }),
      childrenList(rec),
      renderNotes(rec.notes, rec.code, linker),
    );
  }
}

function billableTag(rec: CodeRecord): HTMLElement {
  if (rec.billable) return h('span', { class: 'tag tag-ok', text: 'billable' });
  if (rec.seventh_characters?.length) return h('span', { class: 'tag tag-warn', text: 'needs a 7th character' });
  return h('span', { class: 'tag tag-warn', text: 'header: not billable' });
}

function breadcrumb(rec: CodeRecord, linker: CodeLinker): HTMLElement | null {
  if (!rec.path.length) return null;
  return h('nav', { class: 'breadcrumb', attrs: { 'aria-label': `Where ${rec.code} sits in ICD-10-CM` } },
    h('ol', null,
      rec.path.map((p) => {
        if (p.kind === 'chapter') return h('li', null, h('span', { class: 'crumb-code', text: `Chapter ${p.code}` }), ' ', p.title);
        if (p.kind === 'section' || !linker.exists(p.code)) {
          return h('li', null, h('span', { class: 'crumb-code', text: p.code }), ' ', p.title);
        }
        return h('li', null, h('a', { attrs: { href: codeHref(p.code) } }, h('span', { class: 'crumb-code', text: p.code }), ' ', p.title));
      }),
      h('li', { attrs: { 'aria-current': 'page' } }, h('span', { class: 'crumb-code', text: rec.code })),
    ),
  );
}

function covers(span: ValiditySpan, date: string): boolean {
  return span.from <= date && (span.until === null || date <= span.until);
}

function prettyEdit(edit: string): string {
  return edit.replace(/_/g, ' ');
}

/** The sentence under "Validity": valid or not on the date, and why. */
export function validityText(rec: CodeRecord, date: string, info: Info): (Node | string)[] {
  if (rec.system === 'icd10cm' && !rec.billable && !rec.validity.length) {
    const what = rec.seventh_characters?.length
      ? `${rec.code} needs a 7th character before it can go on a claim: build it below.`
      : `${rec.code} is a header, never valid on a claim: pick a billable code below.`;
    return [h('span', { class: 'status-bad', text: 'Not billable. ' }), what];
  }
  if (!rec.validity.length) return ['No validity dates for this code in the bundled data.'];
  const span = rec.validity.find((s) => covers(s, date));
  if (span) {
    const edits = span.edits?.length
      ? [' Medicare Code Editor flags on this date: ', span.edits.map(prettyEdit).join(', '), '.']
      : [];
    return [
      h('span', { class: 'status-good', text: `Valid on ${date}. ` }),
      span.until ? `Valid ${span.from} through ${span.until}.` : `Valid since ${span.from}.`,
      ...edits,
    ];
  }
  const first = rec.validity[0];
  const last = rec.validity[rec.validity.length - 1];
  let why: string;
  if (date < first.from) why = `It takes effect on ${first.from}.`;
  else if (last.until && date > last.until) why = `It was deleted: last valid ${last.until}.`;
  else why = 'It was not valid on that date: see the periods below.';
  const end = rec.system === 'icd10cm' ? info.icd10cm_validity_through : null;
  const through = typeof end === 'string' && end && date > end
    ? ` The bundled validity data ends ${end}: a newer medcode build may know this date.` : '';
  const now = !rec.billable && rec.children?.length ? ' It is now a header: pick one of the codes below.' : '';
  return [h('span', { class: 'status-bad', text: `Not valid on ${date}. ` }), why, through, now];
}

function spansList(spans: ValiditySpan[]): HTMLElement | null {
  if (spans.length < 2) return null;
  return h('ul', { class: 'spans' },
    spans.map((s) => h('li', { text: `${s.from} – ${s.until ?? 'now'}${s.edits?.length ? ` (flags: ${s.edits.map(prettyEdit).join(', ')})` : ''}` })),
  );
}

function hcpcsFacts(rec: CodeRecord, info: Info): HTMLElement {
  return h('dl', { class: 'facts' },
    h('dt', { text: 'Descriptor' }), h('dd', { text: rec.title ? `${rec.title} (CMS short descriptor)` : 'none in the bundled data' }),
    h('dt', { text: 'Status' }), h('dd', { text: rec.in_release ? `Active in the ${info.hcpcs_quarter} quarter` : `Not active in the ${info.hcpcs_quarter} quarter` }),
    h('dt', { text: 'Source' }), h('dd', { text: info.hcpcs_release }),
  );
}

function childrenList(rec: CodeRecord): HTMLElement | null {
  const kids = rec.children ?? [];
  if (!kids.length) return null;
  return h('section', { class: 'children panel', attrs: { 'aria-label': `Codes under ${rec.code}` } },
    h('h3', { text: rec.billable ? 'More specific codes' : `Codes under ${rec.code}` }),
    h('ul', { class: 'child-list' },
      kids.map((c) =>
        h('li', null,
          h('a', { attrs: { href: codeHref(c.code) } }, h('span', { class: 'code', text: c.code }), ' ', c.title ?? ''),
          ' ',
          h('span', { class: c.billable ? 'tag tag-ok' : 'tag', text: c.billable ? 'billable' : 'header' }),
        ),
      ),
    ),
  );
}
