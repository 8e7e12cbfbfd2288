// Notes text with the codes in it turned into links ("diabetes due to
// underlying condition (E08.-)" links E08). Only codes the index knows are
// linked, so "vitamin B12" stays text.

import type { Engine, Note, NoteKind } from './engine';
import { h } from './dom';

export const NOTE_GROUPS: { kind: NoteKind; title: string; help?: string }[] = [
  { kind: 'inclusion_term', title: 'Inclusion terms', help: 'Conditions coded here.' },
  { kind: 'includes', title: 'Includes' },
  { kind: 'excludes1', title: 'Excludes1', help: 'Not coded here: never report together with this code.' },
  { kind: 'excludes2', title: 'Excludes2', help: 'Not included here: report both when both apply.' },
  { kind: 'code_first', title: 'Code first', help: 'Sequence the underlying condition first.' },
  { kind: 'use_additional_code', title: 'Use additional code' },
  { kind: 'code_also', title: 'Code also' },
  { kind: 'seventh_character_note', title: '7th character' },
  { kind: 'note', title: 'Notes' },
];

// A code, optionally followed by ".-" or "-" meaning "and its children",
// but not the hyphen of a range such as O00-O9A (each end is linked).
const CODE_IN_TEXT = /(?<![A-Za-z0-9.])([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)(?![A-Za-z0-9])((?:\.?-)(?![A-Za-z0-9]))?/g;

export function codeHref(code: string): string {
  return `#/code/${encodeURIComponent(code)}`;
}

export class CodeLinker {
  private known = new Map<string, boolean>();

  constructor(private readonly engine: Engine) {}

  exists(code: string): boolean {
    let hit = this.known.get(code);
    if (hit === undefined) {
      try {
        hit = this.engine.lookup(code).length > 0;
      } catch {
        hit = false;
      }
      this.known.set(code, hit);
    }
    return hit;
  }

  /** Text split into strings and <a> links for every known code. */
  link(text: string): (Node | string)[] {
    const out: (Node | string)[] = [];
    let last = 0;
    for (const m of text.matchAll(CODE_IN_TEXT)) {
      const code = m[1];
      const whole = m[0];
      const at = m.index ?? 0;
      if (!this.exists(code)) continue;
      if (at > last) out.push(text.slice(last, at));
      out.push(h('a', { class: 'code-link', attrs: { href: codeHref(code) }, text: whole }));
      last = at + whole.length;
    }
    if (last < text.length) out.push(text.slice(last));
    return out;
  }

  /** "from E11" / "from chapter 4" / "from E08-E13" for an inherited note. */
  origin(from: string): (Node | string)[] {
    if (/^\d+$/.test(from)) return [`from chapter ${from}`];
    if (this.exists(from)) return ['from ', h('a', { class: 'code-link', attrs: { href: codeHref(from) }, text: from })];
    return [`from ${from}`];
  }
}

export function renderNotes(notes: Note[], ownCode: string, linker: CodeLinker, headingLevel: 'h3' | 'h4' = 'h3'): HTMLElement | null {
  if (!notes.length) return null;
  const section = h('section', { class: 'notes', attrs: { 'aria-label': `Notes for ${ownCode}` } });
  for (const group of NOTE_GROUPS) {
    const items = notes.filter((n) => n.kind === group.kind);
    if (!items.length) continue;
    section.appendChild(
      h('div', { class: `note-group note-${group.kind}` },
        h(headingLevel, { class: 'note-title', text: group.title }),
        group.help ? h('p', { class: 'note-help', text: group.help }) : null,
        h('ul', { class: 'note-list' },
          items.map((n) =>
            h('li', null,
              h('span', { class: 'note-text' }, linker.link(n.text)),
              n.from && n.from !== ownCode ? h('span', { class: 'note-from' }, ' (', linker.origin(n.from), ')') : null,
            ),
          ),
        ),
      ),
    );
  }
  return section;
}
