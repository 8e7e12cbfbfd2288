// Registers the service worker and offers a reload when a newer version
// (new page, new index) has been downloaded. A page never switches index
// under the user: the old version keeps running until they reload.

import { byId, h } from './dom';

export function watchServiceWorker(): void {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  const banner = byId('update-banner');
  const offer = (worker: ServiceWorker) => {
    banner.replaceChildren(
      h('span', { text: 'A newer version of medcode (code data included) is ready. ' }),
      h('button', {
        class: 'button small',
        attrs: { type: 'button' },
        text: 'Reload to use it',
        on: { click: () => worker.postMessage('skip-waiting') },
      }),
    );
    banner.hidden = false;
  };
  let reloading = false;
  const hadController = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // Only reload for an update the user accepted, not for the first install.
    if (!hadController || reloading) return;
    reloading = true;
    location.reload();
  });
  navigator.serviceWorker.register('./sw.js').then(
    (reg) => {
      if (reg.waiting && navigator.serviceWorker.controller) offer(reg.waiting);
      reg.addEventListener('updatefound', () => {
        const worker = reg.installing;
        worker?.addEventListener('statechange', () => {
          if (worker.state === 'installed' && navigator.serviceWorker.controller) offer(worker);
        });
      });
    },
    (e) => console.warn('medcode: offline support is off:', e),
  );
}
