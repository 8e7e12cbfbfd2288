// The 7th-character builder: pick the character, see the full code with
// its X placeholders marked (W21.89 + A = W21.89XA), copy or open it.

import type { CodeRecord } from './engine';
import { append, h, nextId } from './dom';
import { copyText } from './clipboard';
import { codeHref } from './notes';

export interface SeventhActions {
  addToClaim?: (code: string) => void;
}

/** The full code split into the base, the X placeholders and the 7th character. */
export function splitFullCode(base: string, full: string): { base: string; placeholders: string; seventh: string } {
  const seventh = full.slice(-1);
  const middle = full.slice(base.length, -1);
  return { base, placeholders: /^X*$/.test(middle) ? middle : '', seventh };
}

export function seventhBuilder(rec: CodeRecord, actions: SeventhActions): HTMLElement | null {
  const chars = rec.seventh_characters ?? [];
  if (!chars.length) return null;
  const name = nextId('seventh');
  const outputId = nextId('seventh-out');
  const output = h('output', { id: outputId, class: 'seventh-output', attrs: { 'aria-live': 'polite' } });
  const open = h('a', { class: 'button small', attrs: { href: '#', 'aria-disabled': 'true' }, text: 'Open' });
  const copy = h('button', { class: 'button small', attrs: { type: 'button', disabled: true }, text: 'Copy' });
  const add = actions.addToClaim
    ? h('button', { class: 'button small', attrs: { type: 'button', disabled: true }, text: 'Add to claim' })
    : null;
  let chosen: string | null = null;

  const show = (full: string | null) => {
    output.replaceChildren();
    if (!full) {
      output.append(h('span', { class: 'code' }, rec.code, h('span', { class: 'seventh-slot', text: '_' })),
        h('span', { class: 'muted', text: ' choose a 7th character' }));
      return;
    }
    const parts = splitFullCode(rec.code, full);
    append(output,
      h('span', { class: 'code code-large' },
        parts.base,
        parts.placeholders ? h('span', { class: 'placeholder', attrs: { title: 'placeholder X' }, text: parts.placeholders }) : null,
        h('strong', { class: 'seventh-char', text: parts.seventh }),
      ),
      parts.placeholders
        ? h('span', { class: 'muted', text: ` ${parts.placeholders.length === 1 ? 'X is a placeholder' : `${parts.placeholders.length} X placeholders`} filling the code to six characters` })
        : null,
    );
  };
  show(null);

  const radios = chars.map((c) => {
    const id = nextId('seventh-opt');
    const input = h('input', { id, attrs: { type: 'radio', name, value: c.code } });
    input.addEventListener('change', () => {
      if (!input.checked) return;
      chosen = c.code;
      show(c.code);
      open.setAttribute('href', codeHref(c.code));
      open.removeAttribute('aria-disabled');
      open.setAttribute('aria-label', `Open ${c.code}`);
      copy.disabled = false;
      copy.setAttribute('aria-label', `Copy ${c.code}`);
      if (add) add.disabled = false;
    });
    return h('div', { class: 'seventh-option' },
      input,
      h('label', { attrs: { for: id } }, h('span', { class: 'code', text: c.character }), ' ', c.meaning),
    );
  });

  open.addEventListener('click', (e) => {
    if (!chosen) e.preventDefault();
  });
  copy.addEventListener('click', () => { if (chosen) void copyText(chosen); });
  add?.addEventListener('click', () => { if (chosen) actions.addToClaim?.(chosen); });

  return h('section', { class: 'seventh panel' },
    h('fieldset', null,
      h('legend', null, 'Build the 7th character for ', h('span', { class: 'code', text: rec.code })),
      h('div', { class: 'seventh-options' }, radios),
    ),
    h('div', { class: 'seventh-result' },
      h('span', { class: 'label', text: 'Full code:' }), ' ', output,
      h('span', { class: 'actions' }, copy, open, add),
    ),
  );
}
