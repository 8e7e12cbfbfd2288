// Copy a code to the clipboard, with a fallback for pages where the async
// Clipboard API is unavailable or refused.
import { announce } from './announce';
import { h } from './dom';

export async function copyText(text: string): Promise<boolean> {
  let ok = false;
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      ok = true;
    }
  } catch {
    ok = false;
  }
  if (!ok) ok = copyWithSelection(text);
  announce(ok ? `Copied ${text}` : `Could not copy ${text}: select it and press Ctrl+C`);
  return ok;
}

function copyWithSelection(text: string): boolean {
  const area = h('textarea', { class: 'offscreen', attrs: { readonly: true, 'aria-hidden': 'true', tabindex: -1 } });
  area.value = text;
  const previous = document.activeElement as HTMLElement | null;
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  previous?.focus();
  return ok;
}

/** A "Copy" button for one code; shows "Copied" briefly. */
export function copyButton(code: string, label = 'Copy'): HTMLButtonElement {
  const button = h('button', {
    class: 'button small copy',
    attrs: { type: 'button', 'aria-label': `${label} ${code}`, 'data-copy': code },
    text: label,
  });
  button.addEventListener('click', async () => {
    const ok = await copyText(code);
    if (ok) {
      button.textContent = 'Copied';
      window.setTimeout(() => { button.textContent = label; }, 1500);
    }
  });
  return button;
}
