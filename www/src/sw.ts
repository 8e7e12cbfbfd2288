/// <reference lib="webworker" />
// The service worker of dist/www. Each build has its own cache holding the
// page and the exact wasm, index and assets it references (hashed names), so
// a cached page never meets a newer index. A new build installs next to the
// old one and takes over only when the page asks (after the user agrees).

export {};
declare const self: ServiceWorkerGlobalScope;
// Filled in by www/tools/build.mjs.
declare const MEDCODE_VERSION: string;
declare const MEDCODE_FILES: string[];

const CACHE = `medcode-${MEDCODE_VERSION}`;
const scope = new URL(self.registration.scope);
const INDEX = new URL('index.html', scope).href;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // Versioned files are immutable (the HTTP cache may answer); the page
    // and manifest must come fresh and must be this version's.
    const page = await fetch(INDEX, { cache: 'reload' });
    const text = await page.clone().text();
    if (!page.ok || !text.includes(MEDCODE_VERSION)) {
      throw new Error('index.html on the server is not this version: not installing');
    }
    await cache.put(INDEX, page);
    await cache.addAll(MEDCODE_FILES.filter((f) => f !== 'index.html').map((f) => new Request(new URL(f, scope).href, { cache: /\.[0-9a-f]{10,}\./.test(f) ? 'default' : 'reload' })));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('medcode-') && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') void self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  const isPage = req.mode === 'navigate' && (url.pathname === scope.pathname || url.href.split(/[?#]/)[0] === INDEX);
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(isPage ? INDEX : req, { ignoreSearch: isPage });
    return hit ?? fetch(req);
  })());
});
