// One polite live region for short confirmations ("Copied E11.9").

let timer: number | undefined;

export function announce(message: string): void {
  const region = document.getElementById('announcer');
  if (!region) return;
  // Clear first so repeating the same message is announced again.
  region.textContent = '';
  window.clearTimeout(timer);
  timer = window.setTimeout(() => {
    region.textContent = message;
  }, 50);
}
