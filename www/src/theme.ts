// Light and dark themes: follow prefers-color-scheme until the user picks
// one with the toggle; only that choice is remembered (never claim data).

const KEY = 'medcode.theme';
type Theme = 'light' | 'dark';

function stored(): Theme | null {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null; // storage disabled (some file:// setups, strict privacy modes)
  }
}

function store(theme: Theme): void {
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    /* not remembered; still applied */
  }
}

const media = window.matchMedia('(prefers-color-scheme: dark)');

function current(): Theme {
  return stored() ?? (media.matches ? 'dark' : 'light');
}

function apply(theme: Theme, button: HTMLButtonElement): void {
  document.documentElement.dataset.theme = theme;
  button.setAttribute('aria-pressed', String(theme === 'dark'));
}

export function initTheme(button: HTMLButtonElement): void {
  apply(current(), button);
  button.addEventListener('click', () => {
    const next: Theme = current() === 'dark' ? 'light' : 'dark';
    store(next);
    apply(next, button);
  });
  media.addEventListener('change', () => {
    if (!stored()) apply(current(), button);
  });
}
