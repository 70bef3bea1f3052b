// The outbox: submissions are stored on the device first, then sent; whatever fails
// (no network, the server down or busy, the page closed mid-request) is sent again later
// with the SAME Idempotency-Key, so the server stores one submission however many
// times it arrives (a repeat gets 200 with the same receipt).
//
// Never twice at once: within a page an in-flight guard per entry, across tabs a Web
// Lock per entry (navigator.locks); under the lock the entry is read again, so a tab
// that waited finds it already sent and does not send it again.
//
// States: 'queued' (to send), 'sent' (the server answered 201/200; body kept until the
// app calls removeFromOutbox after verifying the receipt), 'rejected' (a 4xx: the
// answers must be corrected; never retried; kept, with the server's answer, until the app
// calls removeFromOutbox once the citizen has acted on it).
//
// Each page hands every 'sent' and 'rejected' entry to its handler once (onSent,
// onRejected), also one that settled while no page was open or on another page, so
// that neither a receipt nor a refusal is lost.
//
// When IndexedDB cannot be used the outbox still works for the life of the page
// (entries kept in memory, entry.persisted === false).
import { putOutboxEntry, getOutboxEntry, listOutboxEntries, deleteOutboxEntry } from './storage.js';
import { newIdempotencyKey } from './idempotency-key.js';

const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 5 * 60 * 1000;
const REQUEST_TIMEOUT_MS = 60 * 1000;
const LOCK_PREFIX = 'blankett-outbox:';

const memory = new Map(); // id → entry, when IndexedDB is unavailable
const inFlight = new Map(); // id → promise of the running attempt
const delivered = new Set(); // ids whose 'sent' or 'rejected' result this page has handed over
let handlers = { onSent() {}, onRejected() {}, onPending() {} };
let listening = false;
let timer = null;
let timerAt = Infinity;

function randomId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---- Persistence (IndexedDB, or memory when it fails) ----------------------------------

async function save(entry) {
  if (entry.persisted !== false) {
    try {
      await putOutboxEntry(entry);
      return entry;
    } catch {
      entry.persisted = false;
    }
  }
  memory.set(entry.id, entry);
  return entry;
}

async function read(id) {
  if (memory.has(id)) return memory.get(id);
  try {
    return await getOutboxEntry(id);
  } catch {
    return null;
  }
}

async function readAll(formId) {
  let stored = [];
  try {
    stored = await listOutboxEntries(formId);
  } catch {
    stored = [];
  }
  // An entry whose write failed after it was stored (quota) lives on in memory: the
  // memory copy is the newer one.
  const extra = [...memory.values()].filter((e) => formId === undefined || e.formId === formId);
  return [...stored.filter((e) => !memory.has(e.id)), ...extra];
}

function call(name, ...args) {
  try {
    const result = handlers[name] && handlers[name](...args);
    if (result && typeof result.catch === 'function') result.catch((error) => console.error(`outbox ${name}:`, error));
  } catch (error) {
    console.error(`outbox ${name}:`, error);
  }
}

// ---- Sending ----------------------------------------------------------------------------

function backoffDelay(attempts, retryAfterMs) {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  const jittered = ceiling / 2 + Math.random() * (ceiling / 2);
  return Math.min(MAX_DELAY_MS, Math.max(jittered, retryAfterMs || 0));
}

function retryAfter(response) {
  const value = response.headers.get('Retry-After');
  if (!value) return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : 0;
}

function request(entry) {
  const url = `/api/forms/${encodeURIComponent(entry.formId)}/submissions`;
  const submission = { version: entry.version, answers: entry.answers, language: entry.language };
  if (entry.client) submission.client = entry.client;
  const json = JSON.stringify(submission);
  const headers = { 'Idempotency-Key': entry.idempotencyKey };
  let body = json;
  if (entry.files && entry.files.length) {
    body = new FormData();
    body.append('submission', new Blob([json], { type: 'application/json' }), 'submission.json');
    for (const file of entry.files) {
      const blob = file instanceof Blob ? file : file && file.blob;
      if (blob instanceof Blob) body.append('file', blob, (file && file.name) || blob.name || 'file');
    }
  } else {
    headers['Content-Type'] = 'application/json';
  }
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  return fetch(url, { method: 'POST', headers, body, cache: 'no-store', credentials: 'same-origin', signal: controller.signal })
    .finally(() => clearTimeout(timeout));
}

async function readBody(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

// One attempt for one entry, already under the in-flight guard and the lock.
async function attempt(id) {
  const entry = await read(id);
  if (!entry) return null; // settled and removed (by another tab)
  if (entry.state === 'sent') {
    if (!delivered.has(id)) {
      delivered.add(id);
      call('onSent', entry, entry.body);
    }
    return entry;
  }
  if (entry.state !== 'queued') return entry;

  entry.attempts = (entry.attempts || 0) + 1;
  entry.lastAttemptAt = new Date().toISOString();
  let response;
  try {
    response = await request(entry);
  } catch (error) {
    const reason = typeof navigator !== 'undefined' && navigator.onLine === false ? 'offline' : 'network';
    return pending(entry, reason, error && error.name === 'AbortError' ? 'the request timed out' : String(error && error.message || error));
  }
  const status = response.status;
  if (status === 200 || status === 201) {
    const body = await readBody(response);
    if (!body || !body.receipt) return pending(entry, 'server', `status ${status} without a receipt`);
    Object.assign(entry, { state: 'sent', status, body, sentAt: new Date().toISOString(), nextAttemptAt: null, lastError: null });
    await save(entry);
    delivered.add(id);
    call('onSent', entry, body);
    return entry;
  }
  if (status === 408 || status === 429 || status >= 500 || status < 400) {
    return pending(entry, 'server', `status ${status}`, retryAfter(response));
  }
  const body = await readBody(response);
  Object.assign(entry, { state: 'rejected', status, body, rejectedAt: new Date().toISOString(), nextAttemptAt: null });
  await save(entry);
  delivered.add(id);
  call('onRejected', entry, status, body);
  return entry;
}

async function pending(entry, reason, detail, retryAfterMs = 0) {
  entry.nextAttemptAt = Date.now() + backoffDelay(entry.attempts, retryAfterMs);
  entry.lastError = `${reason}: ${detail}`;
  await save(entry);
  schedule(entry.nextAttemptAt);
  call('onPending', entry, reason);
  return entry;
}

// Sends one entry unless this page is already sending it; across tabs waits for the
// entry's lock and then looks again (another tab may have sent it meanwhile).
function send(id) {
  if (inFlight.has(id)) return inFlight.get(id);
  const run = (async () => {
    try {
      if (typeof navigator !== 'undefined' && navigator.locks && navigator.locks.request) {
        return await navigator.locks.request(LOCK_PREFIX + id, () => attempt(id));
      }
      return await attempt(id);
    } catch (error) {
      console.error('outbox:', error);
      return null;
    } finally {
      inFlight.delete(id);
    }
  })();
  inFlight.set(id, run);
  return run;
}

// Sends what is due (or everything queued when force), hands over 'sent' and 'rejected'
// entries this page has not delivered yet, and schedules the next retry.
async function flush(force) {
  const entries = await readAll();
  const now = Date.now();
  const runs = [];
  let next = Infinity;
  for (const entry of entries) {
    if (entry.state === 'sent') {
      if (!delivered.has(entry.id)) runs.push(send(entry.id));
    } else if (entry.state === 'rejected') {
      if (!delivered.has(entry.id)) {
        delivered.add(entry.id);
        call('onRejected', entry, entry.status, entry.body);
      }
    } else if (entry.state === 'queued') {
      if (force || !entry.nextAttemptAt || entry.nextAttemptAt <= now || inFlight.has(entry.id)) runs.push(send(entry.id));
      else next = Math.min(next, entry.nextAttemptAt);
    }
  }
  if (next !== Infinity) schedule(next);
  await Promise.all(runs);
}

function schedule(at) {
  if (timer !== null && timerAt <= at) return;
  if (timer !== null) clearTimeout(timer);
  timerAt = at;
  timer = setTimeout(() => {
    timer = null;
    timerAt = Infinity;
    flush(false);
  }, Math.max(0, at - Date.now()));
}

// ---- API ----------------------------------------------------------------------------------

// Stores the submission on the device (durably, when IndexedDB works), then starts
// sending it. The idempotency key is made here once and reused on every retry.
// Optional `files`: the attachment answers' files, each a File/Blob or
// { name, type, sha256, blob }; stored with the entry (IndexedDB keeps Blobs) and sent as
// multipart/form-data (the JSON body in the part "submission", each file in a part "file").
// Optional `client`: what the app reports about the filling ({ draft_started_at }).
export async function queueSubmission({ formId, version, answers, language, files, client }) {
  if (typeof formId !== 'string' || !formId) throw new TypeError('queueSubmission needs a formId');
  if (typeof version !== 'string' || !version) throw new TypeError('queueSubmission needs the form version');
  const entry = {
    id: randomId(),
    idempotencyKey: newIdempotencyKey(),
    formId,
    version,
    answers: answers || {},
    language: language || '',
    queuedAt: new Date().toISOString(),
    state: 'queued',
    attempts: 0,
  };
  if (files && files.length) entry.files = [...files];
  if (client && client.draft_started_at) entry.client = { draft_started_at: client.draft_started_at };
  await save(entry);
  setTimeout(() => send(entry.id), 0);
  return { ...entry };
}

// Sends every queued entry now, again on 'online', and with backoff while any are left.
// Safe to call on every page, and more than once (the latest handlers are used; 'sent'
// and 'rejected' entries not yet removed are delivered again through onSent and
// onRejected).
export function startOutbox({ onSent, onRejected, onPending } = {}) {
  handlers = { onSent: onSent || (() => {}), onRejected: onRejected || (() => {}), onPending: onPending || (() => {}) };
  delivered.clear();
  if (!listening && typeof window !== 'undefined') {
    listening = true;
    window.addEventListener('online', () => { flush(true); });
  }
  return flush(true);
}

// Entries (any state) for the form, oldest first.
export async function pendingSubmissions(formId) {
  return readAll(formId);
}

export async function removeFromOutbox(id) {
  memory.delete(id);
  try {
    await deleteOutboxEntry(id);
  } catch {
    // Nothing stored (IndexedDB unavailable): the memory copy was all there was.
  }
}
