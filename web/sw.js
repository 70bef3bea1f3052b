// Blankett citizen app: service worker. Makes an opened form work with no network,
// reloads included.
//
// - On install: precaches the app shell (PRECACHE below, every file the pages load).
// - Pages, shell files, form definitions and the signing keys: network first (so a new
//   release or form version is seen at once when online), the cached copy when the
//   network fails. Every successful answer refreshes the cache.
// - /f/{id} navigations: each form's page is cached under its own path, since the server
//   draws the form's first step into it (server/first_step_html.h). Offline, a form page
//   that was never loaded gets the precached shell, /form.html, which has none.
// - Form definitions (/api/forms, /api/forms/{id}, …/versions/{hash}) and /api/keys
//   are cached as they are fetched; the page also asks for its form to be cached as soon
//   as this worker controls it (message "cache-urls", see js/sw-register.js), since the
//   first visit fetched it before the worker was there.
// - Never touches anything but same-origin GETs: submissions (POST) go straight to the
//   network, the outbox (js/outbox.js) handles failures.
//
// Bump VERSION when PRECACHE changes; the old shell cache is deleted on activate.
// web/tests/offline.test.mjs fails if a file in web/js or web/css is missing here.
const VERSION = '8';
const SHELL_CACHE = `blankett-shell-v${VERSION}`;
// Form definitions and keys survive app releases: a form opened before an update still
// opens offline after it.
const DATA_CACHE = 'blankett-data-v1';

const PRECACHE = [
  '/',
  '/form.html',
  '/css/app.css',
  '/js/app-form.js',
  '/js/catalogue.js',
  '/js/completion.js',
  '/js/form-day.js',
  '/js/i18n.js',
  '/js/idempotency-key.js',
  '/js/outbox.js',
  '/js/receipt.js',
  '/js/render.js',
  '/js/storage.js',
  '/js/sw-register.js',
  '/engine/engine.mjs',
  '/engine/blankett_engine.mjs',
  '/engine/blankett_engine.wasm',
];

const FORM_PAGE = /^\/f\/[a-z][a-z0-9-]{0,62}\/?$/;
const FORM_API = /^\/api\/forms(\/[a-z][a-z0-9-]{0,62}(\/versions\/[0-9a-f]{64})?)?$/;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    // 'reload': past the HTTP cache (assets are cacheable for 5 minutes), so the
    // precache is this release's files.
    await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const keep = new Set([SHELL_CACHE, DATA_CACHE]);
    for (const name of await caches.keys()) {
      if (name.startsWith('blankett-') && !keep.has(name)) await caches.delete(name);
    }
    if (self.registration.navigationPreload) {
      try { await self.registration.navigationPreload.disable(); } catch { /* not supported */ }
    }
    await self.clients.claim();
  })());
});

function cacheable(response) {
  return response && response.ok && response.type === 'basic' && !response.redirected;
}

// Network first; on success store a copy under `key` in `cacheName`; on a network error
// (or a 5xx) the cached copy, if any. `fallbackKey`: what to answer from the cache
// when `key` itself is not there.
async function networkFirst(request, cacheName, key = request, fallbackKey = null) {
  let response = null;
  let failure = null;
  try {
    response = await fetch(request);
  } catch (error) {
    failure = error;
  }
  if (response && cacheable(response)) {
    const copy = response.clone();
    const cache = await caches.open(cacheName);
    await cache.put(key, copy).catch(() => {});
    return response;
  }
  if (response && response.status < 500) return response; // a real answer (404…): pass it on
  const cached = (await caches.match(key)) || (fallbackKey && (await caches.match(fallbackKey)));
  if (cached) return cached;
  if (response) return response;
  throw failure;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;

  if (request.mode === 'navigate' && FORM_PAGE.test(path)) {
    // The page of this form (its first step is in it), else the bare shell.
    event.respondWith(networkFirst(request, SHELL_CACHE, path.replace(/\/$/, ''), '/form.html'));
    return;
  }
  if (FORM_API.test(path) || path === '/api/keys') {
    event.respondWith(networkFirst(request, DATA_CACHE, url.pathname));
    return;
  }
  if (path.startsWith('/api/') || path === '/metrics' || path === '/healthz') return;
  const shellKey = path === '/index.html' ? '/' : path;
  if (PRECACHE.includes(shellKey)) {
    event.respondWith(networkFirst(request, SHELL_CACHE, shellKey));
  }
  // Anything else (tests, unknown files): the network, untouched.
});

// A page asks for URLs to be cached now (its form definition, /api/keys): it fetched
// them before this worker controlled it. Replies on the message port with what worked.
self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type !== 'cache-urls' || !Array.isArray(data.urls)) return;
  const port = event.ports && event.ports[0];
  event.waitUntil((async () => {
    const cached = [];
    const failed = [];
    for (const raw of data.urls) {
      let url;
      try { url = new URL(raw, self.location.origin); } catch { failed.push(String(raw)); continue; }
      if (url.origin !== self.location.origin || !(FORM_API.test(url.pathname) || url.pathname === '/api/keys')) {
        failed.push(url.pathname);
        continue;
      }
      try {
        const response = await networkFirst(new Request(url.pathname), DATA_CACHE, url.pathname);
        (response && response.ok ? cached : failed).push(url.pathname);
      } catch {
        failed.push(url.pathname);
      }
    }
    if (port) port.postMessage({ type: 'cached', cached, failed, version: VERSION });
  })());
});
