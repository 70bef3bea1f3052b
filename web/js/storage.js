// Device storage for the citizen app: drafts, the outbox and receipts in IndexedDB.
//
// Nothing here throws at the app because of the browser: when IndexedDB cannot be used
// (disabled, private mode in some browsers, quota, a broken profile) the functions report
// it in their return value and openDeviceStorage() says available=false, so the page can
// tell the citizen that answers are NOT kept on this device. Only programming errors (a
// missing form id) throw.
//
// Every write waits for the transaction's "complete" event, with durability "strict"
// where the browser supports it, before it reports success: a draft or a queued
// submission said to be saved is on disk.

const DB_NAME = 'blankett';
const DB_VERSION = 1;
const OPEN_TIMEOUT_MS = 10000;
export const DRAFT_FORMAT = 'blankett-draft/1';
const MAX_DRAFT_FILE_BYTES = 5 * 1024 * 1024;
const PROBE_KEY = '\u0000probe';

let dbPromise = null;
let lastProblem = null;
let persistencePromise = null;

function describe(error) {
  if (!error) return 'unknown error';
  const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
  return `${name}${error.message || String(error)}`;
}

function noteProblem(what, error) {
  lastProblem = `${what}: ${describe(error)}`;
  return lastProblem;
}

// The last storage problem seen on this page (an English diagnostic), or null.
export function storageProblem() {
  return lastProblem;
}

function openDb() {
  if (dbPromise) return dbPromise;
  const opening = new Promise((resolve, reject) => {
    let request;
    try {
      if (typeof indexedDB === 'undefined' || !indexedDB) throw new Error('this browser offers no IndexedDB');
      request = indexedDB.open(DB_NAME, DB_VERSION);
    } catch (error) {
      reject(error);
      return;
    }
    const timer = setTimeout(() => reject(new Error(`IndexedDB did not open within ${OPEN_TIMEOUT_MS / 1000} s`)), OPEN_TIMEOUT_MS);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains('drafts')) db.createObjectStore('drafts', { keyPath: 'formId' });
      if (!db.objectStoreNames.contains('outbox')) {
        db.createObjectStore('outbox', { keyPath: 'id' }).createIndex('formId', 'formId', { unique: false });
      }
      if (!db.objectStoreNames.contains('receipts')) {
        db.createObjectStore('receipts', { keyPath: 'key' }).createIndex('formId', 'formId', { unique: false });
      }
    };
    request.onsuccess = () => {
      clearTimeout(timer);
      const db = request.result;
      // Another tab upgrading the database, or the browser closing it: reopen next time.
      db.onversionchange = () => { db.close(); dbPromise = null; };
      db.onclose = () => { dbPromise = null; };
      resolve(db);
    };
    request.onerror = (event) => {
      clearTimeout(timer);
      if (event && event.preventDefault) event.preventDefault();
      reject(request.error || new Error('IndexedDB could not be opened'));
    };
    // onblocked: an old connection in another tab; it closes on versionchange, then
    // onsuccess follows. The timeout covers a tab that never lets go.
  });
  dbPromise = opening;
  opening.catch(() => { if (dbPromise === opening) dbPromise = null; });
  return opening;
}

// Runs fn(store(s)) in one transaction; resolves with the result of the request fn
// returns (if any) once the transaction has completed, i.e. is durable for writes.
async function transact(storeNames, mode, fn, retry = true) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = mode === 'readwrite'
        ? db.transaction(storeNames, mode, { durability: 'strict' })
        : db.transaction(storeNames, mode);
      let request;
      try {
        const stores = Array.isArray(storeNames) ? storeNames.map((n) => tx.objectStore(n)) : tx.objectStore(storeNames);
        request = fn(stores, tx);
      } catch (error) {
        try { tx.abort(); } catch { /* already finished */ }
        reject(error);
        return;
      }
      tx.oncomplete = () => resolve(request && 'result' in request ? request.result : undefined);
      tx.onerror = (event) => { if (event && event.preventDefault) event.preventDefault(); };
      tx.onabort = () => reject(tx.error || (request && request.error) || new Error('the IndexedDB transaction was aborted'));
    });
  } catch (error) {
    // A connection closed under us (another tab upgraded, the browser cleaned up): once.
    if (retry && error && error.name === 'InvalidStateError') {
      dbPromise = null;
      return transact(storeNames, mode, fn, false);
    }
    throw error;
  }
}

function requireFormId(formId) {
  if (typeof formId !== 'string' || formId === '') throw new TypeError('a form id (string) is required');
}

function askPersistence() {
  if (!persistencePromise) {
    persistencePromise = (async () => {
      try {
        if (!navigator.storage || !navigator.storage.persist) return false;
        if (navigator.storage.persisted && (await navigator.storage.persisted())) return true;
        return await navigator.storage.persist();
      } catch {
        return false;
      }
    })();
  }
  return persistencePromise;
}

// Opens the database, checks that a write really works (quota, read-only profiles) and
// asks for persistent storage. Never throws.
export async function openDeviceStorage() {
  try {
    await openDb();
    await transact('drafts', 'readwrite', (drafts) => {
      drafts.put({ formId: PROBE_KEY, draft: null, savedAt: new Date().toISOString() });
      return drafts.delete(PROBE_KEY);
    });
  } catch (error) {
    return {
      available: false,
      persistent: false,
      problem: noteProblem('IndexedDB cannot be used, so nothing is saved on this device', error),
    };
  }
  const persistent = await askPersistence();
  return { available: true, persistent: Boolean(persistent), problem: null };
}

// ---- Drafts ---------------------------------------------------------------------------

// Saves the draft (FormFilling.draft()) for the form, replacing the previous one.
// `startedAt`: when this application's first draft was saved (kept across saves, for the
// usage statistics the server keeps; defaults to now). `place`: where the citizen was
// ('step', 'check' for the check-your-answers page, 'returnToCheck' for a step reached by
// a change link), so that continuing the draft goes back there; the draft's own "step"
// says which step.
// → { saved: true, savedAt, startedAt } once it is durable, or { saved: false, problem }.
export async function saveDraft(formId, draft, startedAt, place = 'step') {
  requireFormId(formId);
  const savedAt = new Date().toISOString();
  const started = startedAt || savedAt;
  try {
    await transact('drafts', 'readwrite', (drafts) => drafts.put({ formId, draft, savedAt, startedAt: started, place }));
    return { saved: true, savedAt, startedAt: started };
  } catch (error) {
    return { saved: false, problem: noteProblem('the draft could not be saved', error) };
  }
}

// → { draft, savedAt, startedAt, place } | null (also null when storage cannot be read; see
// storageProblem()). place: as saveDraft was given it ('step' for a draft saved without).
export async function loadDraft(formId) {
  requireFormId(formId);
  try {
    const record = await transact('drafts', 'readonly', (drafts) => drafts.get(formId));
    return record && record.draft
      ? { draft: record.draft, savedAt: record.savedAt, startedAt: record.startedAt || record.savedAt, place: record.place || 'step' }
      : null;
  } catch (error) {
    noteProblem('the draft could not be read', error);
    return null;
  }
}

// → { deleted: true } once durable, or { deleted: false, problem }.
export async function deleteDraft(formId) {
  requireFormId(formId);
  try {
    await transact('drafts', 'readwrite', (drafts) => drafts.delete(formId));
    return { deleted: true };
  } catch (error) {
    return { deleted: false, problem: noteProblem('the draft could not be deleted', error) };
  }
}

// ---- Receipts -------------------------------------------------------------------------

// record = { receipt, submission, verified, savedAt }. Keyed by form and receipt
// reference, so saving the same receipt twice (two tabs settling one submission) keeps one.
// → { saved: true } | { saved: false, problem }.
export async function saveReceipt(formId, record) {
  requireFormId(formId);
  if (!record || !record.receipt || typeof record.receipt.reference !== 'string') {
    throw new TypeError('saveReceipt needs { receipt: { reference, … }, … }');
  }
  const stored = { ...record, formId, savedAt: record.savedAt || new Date().toISOString(), key: `${formId} ${record.receipt.reference}` };
  try {
    await transact('receipts', 'readwrite', (receipts) => receipts.put(stored));
    return { saved: true };
  } catch (error) {
    return { saved: false, problem: noteProblem('the receipt could not be saved', error) };
  }
}

// → records for the form, newest first ([] when storage cannot be read).
export async function listReceipts(formId) {
  requireFormId(formId);
  try {
    const records = await transact('receipts', 'readonly', (receipts) => receipts.index('formId').getAll(formId));
    return records
      .map(({ key, ...record }) => record)
      .sort((a, b) => (a.savedAt < b.savedAt ? 1 : a.savedAt > b.savedAt ? -1 : 0));
  } catch (error) {
    noteProblem('the receipts could not be read', error);
    return [];
  }
}

// ---- Outbox records (used by outbox.js; these throw, outbox.js handles it) -------------

export async function putOutboxEntry(entry) {
  await transact('outbox', 'readwrite', (outbox) => outbox.put(entry));
}

export async function getOutboxEntry(id) {
  return (await transact('outbox', 'readonly', (outbox) => outbox.get(id))) || null;
}

export async function listOutboxEntries(formId) {
  const entries = await transact('outbox', 'readonly', (outbox) =>
    formId === undefined ? outbox.getAll() : outbox.index('formId').getAll(formId));
  return entries.sort((a, b) => (a.queuedAt < b.queuedAt ? -1 : a.queuedAt > b.queuedAt ? 1 : 0));
}

export async function deleteOutboxEntry(id) {
  await transact('outbox', 'readwrite', (outbox) => outbox.delete(id));
}

// ---- Draft files (move a draft to another device) -------------------------------------

function draftError(code, message) {
  const error = new Error(message);
  error.code = code;
  return error;
}

// A suggested file name: blankett-<form>-<YYYY-MM-DD>.json (local date).
export function draftFileName(formId, date = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `blankett-${formId}-${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}.json`;
}

// The draft as a JSON file (the engine's draft object as it is, pretty-printed).
export function draftToFile(formId, draft) {
  requireFormId(formId);
  if (!draft || typeof draft !== 'object' || draft.format !== DRAFT_FORMAT) {
    throw draftError('draft.not_a_draft', `not a draft object (format "${DRAFT_FORMAT}")`);
  }
  if (draft.form !== undefined && draft.form !== formId) {
    throw draftError('draft.other_form', `this draft belongs to the form "${draft.form}", not "${formId}"`);
  }
  return new Blob([`${JSON.stringify(draft, null, 2)}\n`], { type: 'application/json' });
}

// Reads a draft file (File or Blob). Throws an Error with a clear message and a `code`
// (draft.too_large, draft.not_json, draft.not_a_draft, draft.other_form) when it is not a
// Blankett draft, or (if expectedFormId is given) a draft of another form. The engine's
// restore() still decides which answers fit the form version.
export async function draftFromFile(file, expectedFormId) {
  if (!file || typeof file.text !== 'function') throw new TypeError('draftFromFile needs a File or Blob');
  if (file.size > MAX_DRAFT_FILE_BYTES) {
    throw draftError('draft.too_large', `the file is too large to be a draft (${file.size} bytes; at most ${MAX_DRAFT_FILE_BYTES})`);
  }
  let draft;
  try {
    draft = JSON.parse(await file.text());
  } catch (error) {
    throw draftError('draft.not_json', `the file is not a Blankett draft: it is not JSON (${error.message})`);
  }
  if (!draft || typeof draft !== 'object' || Array.isArray(draft) || draft.format !== DRAFT_FORMAT) {
    throw draftError('draft.not_a_draft', `the file is not a Blankett draft (it needs "format": "${DRAFT_FORMAT}")`);
  }
  if (typeof draft.form !== 'string' || !/^[a-z][a-z0-9-]{0,62}$/.test(draft.form)) {
    throw draftError('draft.not_a_draft', 'the file is not a Blankett draft: "form" is missing or not a form id');
  }
  if (!draft.answers || typeof draft.answers !== 'object' || Array.isArray(draft.answers)) {
    throw draftError('draft.not_a_draft', 'the file is not a Blankett draft: "answers" is missing or not an object');
  }
  if ((draft.version !== undefined && typeof draft.version !== 'string') || (draft.step !== undefined && typeof draft.step !== 'string')) {
    throw draftError('draft.not_a_draft', 'the file is not a Blankett draft: "version" and "step" must be text');
  }
  if (expectedFormId !== undefined && draft.form !== expectedFormId) {
    throw draftError('draft.other_form', `this draft belongs to the form "${draft.form}", not "${expectedFormId}"`);
  }
  return draft;
}
