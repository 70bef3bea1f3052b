// Registers the service worker (/sw.js, scope "/") and, once it controls the page, asks
// it to cache what this page needs offline that was fetched before it was there: the
// form definition on /f/{id}, the catalogue on /, and /api/keys.
//
//   import './sw-register.js';                    // both pages; side effect only
//   import { offlineReady } from './sw-register.js';
//   const { supported, controlled, cached, problem } = await offlineReady;
//
// When the page's data is cached, <html data-offline-ready="true"> is set (tests and
// styles may use it). Nothing here throws at the page.

const FORM_PAGE = /^\/f\/([a-z][a-z0-9-]{0,62})\/?$/;

function urlsForThisPage() {
  const match = FORM_PAGE.exec(location.pathname);
  const urls = ['/api/keys'];
  if (match) urls.unshift(`/api/forms/${match[1]}`);
  else urls.unshift('/api/forms');
  return urls;
}

function whenControlled(timeoutMs) {
  if (navigator.serviceWorker.controller) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(Boolean(navigator.serviceWorker.controller)), timeoutMs);
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      clearTimeout(timer);
      resolve(true);
    }, { once: true });
  });
}

function ask(worker, message, timeoutMs) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(null), timeoutMs);
    channel.port1.onmessage = (event) => {
      clearTimeout(timer);
      resolve(event.data);
    };
    worker.postMessage(message, [channel.port2]);
  });
}

function afterLoad() {
  if (document.readyState === 'complete') return Promise.resolve();
  return new Promise((resolve) => addEventListener('load', () => resolve(), { once: true }));
}

async function register() {
  if (!('serviceWorker' in navigator)) {
    return { supported: false, controlled: false, cached: [], problem: 'this browser has no service workers' };
  }
  try {
    const controlledFromStart = Boolean(navigator.serviceWorker.controller);
    // Installing precaches the whole shell and the engine: on a first visit that would
    // compete with the page's own loading, so it waits until the page has loaded.
    await afterLoad();
    await navigator.serviceWorker.register('/sw.js', { scope: '/', updateViaCache: 'none' });
    const registration = await navigator.serviceWorker.ready;
    const controlled = await whenControlled(10000);
    // A page the worker controlled from the start had its own fetches cached by it;
    // only what is still missing is asked for (no second fetch of the form each visit).
    let urls = urlsForThisPage();
    if (controlledFromStart && 'caches' in window) {
      const missing = [];
      for (const url of urls) if (!(await caches.match(url))) missing.push(url);
      urls = missing;
    }
    const worker = navigator.serviceWorker.controller || registration.active;
    let cached = [];
    let failed = [];
    if (urls.length) {
      const reply = worker ? await ask(worker, { type: 'cache-urls', urls }, 15000) : null;
      cached = reply ? reply.cached : [];
      failed = reply ? reply.failed : urls;
    }
    if (controlled && failed.length === 0) document.documentElement.dataset.offlineReady = 'true';
    return {
      supported: true,
      controlled,
      cached,
      problem: failed.length ? `not cached for offline use: ${failed.join(', ')}` : null,
    };
  } catch (error) {
    // Private windows in some browsers, a disabled setting, an insecure origin.
    return { supported: false, controlled: false, cached: [], problem: `service worker not available: ${error && error.message || error}` };
  }
}

export const offlineReady = register();
