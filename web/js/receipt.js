// Submissions and their receipts in the browser: what a submission sends (the answers
// and files, for the form page and completion mode alike); checks the server's Ed25519
// signature with WebCrypto (docs/receipts.md, "Verifying in a browser") and settles a
// sent submission: verify, keep the receipt, then forget the draft and the outbox
// entry. Both pages use settleSent, so a submission sent while the form page was closed
// is settled by whichever page the citizen opens next.
import { saveReceipt, deleteDraft } from './storage.js';
import { removeFromOutbox } from './outbox.js';

// The ten keys of a blankett-receipt/1, no more and no fewer (a receipt is evidence:
// nothing in it may be unexplained), and "amends" on the receipt of a completed
// application's new version (the receipt_sha256 of the version it replaces).
const RECEIPT_KEYS = ['form_id', 'form_version', 'format', 'key_id', 'previous_receipt_sha256', 'received_at',
  'reference', 'sequence', 'signature', 'submission_sha256'].sort();
const AMENDING_RECEIPT_KEYS = [...RECEIPT_KEYS, 'amends'].sort();
const HEX64 = /^[0-9a-f]{64}$/;

// The answers to send: what the citizen gave (as the engine's draft holds them), limited
// to the fields the engine's canonical submission keeps, so answers to hidden fields
// never leave the device. The server re-checks everything with the same engine.
export function answersToSend(form) {
  const keep = form.submission().document.answers;
  const given = form.draft().answers;
  return Object.fromEntries(Object.entries(given).filter(([k]) => k in keep));
}

// Whether a value in the answers is an attachment's metadata ({name, type, size, sha256}).
function isAttachment(value) {
  return Boolean(value) && typeof value === 'object' && typeof value.sha256 === 'string' && 'size' in value;
}

// Calls visit(path, attachment) for every attachment answer in `answers`, repeat-group
// rows included (path "children/0/certificate").
function eachAttachment(answers, visit) {
  const walk = (value, path) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => (isAttachment(item) ? visit(path, item) : walk(item, `${path}/${i}`)));
      return;
    }
    if (!value || typeof value !== 'object' || isAttachment(value)) return;
    for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}/${key}` : key);
  };
  walk(answers, '');
}

// The attachment answers whose bytes this page does not have (a reload keeps only their
// metadata in the draft): [{ path, names: [file name, …] }] in the answers' order. A hash
// that `files` maps to null is present (completion mode: the server has that file).
export function missingFiles(answers, files) {
  const byPath = new Map();
  eachAttachment(answers, (path, file) => {
    if (files.has(file.sha256)) return;
    if (!byPath.has(path)) byPath.set(path, []);
    byPath.get(path).push(file.name);
  });
  return [...byPath].map(([path, names]) => ({ path, names }));
}

// The files to send with `answers`: for every attachment answer (found by its SHA-256
// anywhere in the answers, repeat-group rows included) the File that `files` (sha256 →
// File) holds, once each. A hash mapped to null is not sent again (in completion mode the
// server already has it). A file that is not there at all is never skipped silently: the
// server would refuse the submission, so this throws an Error with code
// "attachment.missing" and `missing` (missingFiles); callers check missingFiles first.
// Sent as multipart parts named "file" (docs/api.md, Attachments).
export function filesToSend(answers, files) {
  const missing = missingFiles(answers, files);
  if (missing.length) {
    const error = new Error(`the bytes of ${missing.map((m) => m.path).join(', ')} are not on this device`);
    error.code = 'attachment.missing';
    error.missing = missing;
    throw error;
  }
  const found = [];
  const seen = new Set();
  eachAttachment(answers, (path, answer) => {
    const file = files.get(answer.sha256);
    if (file && !seen.has(answer.sha256)) {
      seen.add(answer.sha256);
      found.push(file);
    }
  });
  return found;
}

function base64urlToBytes(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

// Canonical JSON as the engine writes it (nlohmann::json::dump()): object keys sorted,
// no white space. Enough for receipts and canonical submissions (strings, integers,
// decimals that JavaScript prints the same way, booleans, arrays, objects).
export function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export async function sha256Hex(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// The problem with a receipt's shape, or null when it is a well-formed receipt.
function shapeProblem(receipt) {
  if (!receipt || typeof receipt !== 'object' || Array.isArray(receipt)) return 'not a receipt';
  const keys = Object.keys(receipt).sort();
  const expected = 'amends' in receipt ? AMENDING_RECEIPT_KEYS : RECEIPT_KEYS;
  if (keys.join(',') !== expected.join(',')) return 'the receipt does not have exactly the receipt keys';
  if (receipt.format !== 'blankett-receipt/1') return 'unknown receipt format';
  for (const k of ['form_version', 'submission_sha256', 'previous_receipt_sha256', ...('amends' in receipt ? ['amends'] : [])]) {
    if (!HEX64.test(receipt[k])) return `${k} is not a SHA-256`;
  }
  if (!Number.isSafeInteger(receipt.sequence) || receipt.sequence < 1) return 'sequence is not a whole number from 1';
  for (const k of ['form_id', 'key_id', 'received_at', 'reference', 'signature']) {
    if (typeof receipt[k] !== 'string' || receipt[k] === '') return `${k} is missing`;
  }
  return null;
}

// Why a receipt did not verify, as a stable reason the pages translate
// (i18n.js receiptProblemText), next to `problem`, a short English diagnostic for logs.
export const RECEIPT_PROBLEMS = ['malformed', 'keys_unavailable', 'unknown_key', 'bad_signature', 'unsupported', 'not_covering'];

function failed(keyId, reason, problem) {
  return { ok: false, keyId, reason, problem };
}

// Fetches the server's public keys (GET /api/keys; the service worker keeps a copy for
// offline use) and checks the receipt's signature over its canonical JSON without
// "signature". → { ok, keyId, reason, problem }: reason one of RECEIPT_PROBLEMS (null
// when ok), problem a short English diagnostic. Never throws.
export async function verifyReceipt(receipt) {
  const keyId = receipt && typeof receipt.key_id === 'string' ? receipt.key_id : null;
  const shape = shapeProblem(receipt);
  if (shape) return failed(keyId, 'malformed', shape);
  let keys;
  try {
    const res = await fetch('/api/keys', { headers: { Accept: 'application/json' } });
    if (!res.ok) return failed(keyId, 'keys_unavailable', `the keys could not be fetched (HTTP ${res.status})`);
    keys = (await res.json()).keys;
  } catch {
    return failed(keyId, 'keys_unavailable', 'the keys could not be fetched (offline?)');
  }
  const key = Array.isArray(keys) ? keys.find((k) => k.key_id === keyId && k.algorithm === 'Ed25519') : null;
  if (!key) return failed(keyId, 'unknown_key', 'the receipt is signed by an unknown key');
  try {
    const publicKey = await crypto.subtle.importKey('raw', base64urlToBytes(key.public_key), { name: 'Ed25519' }, false, ['verify']);
    const { signature, ...signed } = receipt;
    const good = await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, base64urlToBytes(signature),
      new TextEncoder().encode(canonicalJson(signed)));
    return good ? { ok: true, keyId, reason: null, problem: null } : failed(keyId, 'bad_signature', 'the signature does not match the receipt');
  } catch (e) {
    return failed(keyId, 'unsupported', `this browser cannot check Ed25519 signatures (${e && e.name ? e.name : 'error'})`);
  }
}

// Checks a server's answer to a submission ({receipt, status, submission}): the
// receipt's signature, and that it covers the submission returned. Keeps nothing (the
// completion page uses it as it is; settleSent adds the keeping).
// → { ok, keyId, reason, problem } (as verifyReceipt). Never throws.
export async function verifySentBody(body) {
  const receipt = body && body.receipt;
  const check = await verifyReceipt(receipt);
  if (!check.ok) return check;
  if (!body.submission || (await sha256Hex(canonicalJson(body.submission))) !== receipt.submission_sha256) {
    return failed(check.keyId, 'not_covering', 'the receipt does not cover the submission returned');
  }
  return check;
}

// Settles an outbox entry the server accepted (body = {receipt, status, submission}):
// verifies the receipt, checks that it covers the returned submission, then saves the
// receipt record and deletes the draft and the outbox entry, in that order, so that
// the citizen's answers are only forgotten once a verified receipt is kept.
// → { ok: true, record, keyId, stored, draftDeleted, problem } or { ok: false, reason,
// problem, keyId } (nothing deleted; reason as verifyReceipt). stored: false when the receipt could not be kept on this
// device (then the outbox entry is kept too, so a later visit tries again).
export async function settleSent(entry, body) {
  const receipt = body && body.receipt;
  const check = await verifySentBody(body);
  if (!check.ok) return { ok: false, keyId: check.keyId, reason: check.reason, problem: check.problem };
  const record = { receipt, submission: body.submission, verified: true, savedAt: new Date().toISOString() };
  // saveReceipt and deleteDraft report failures ({saved|deleted: false, problem}); they
  // do not throw.
  const saved = await saveReceipt(entry.formId, record).catch((e) => ({ saved: false, problem: String(e && e.message ? e.message : e) }));
  // The application is sent and its receipt verified: the draft has done its work either way.
  const deleted = await deleteDraft(entry.formId).catch((e) => ({ deleted: false, problem: String(e && e.message ? e.message : e) }));
  if (!saved.saved) {
    // This device could not keep the receipt (private mode, quota): it is verified and
    // shown, and the page offers it as a download. The outbox entry, which holds the
    // server's answer, stays: the next startOutbox delivers it again and saving the
    // receipt is tried once more.
    return { ok: true, record, keyId: check.keyId, stored: false, draftDeleted: deleted.deleted, problem: saved.problem };
  }
  await removeFromOutbox(entry.id);
  return { ok: true, record, keyId: check.keyId, stored: true, draftDeleted: deleted.deleted, problem: deleted.deleted ? null : deleted.problem };
}

// A download link for JSON: the citizen keeps the receipt (and what was sent) as files
// that `blankett verify receipt.json --key keys.json --submission submission.json` checks.
export function jsonDownloadUrl(text) {
  return URL.createObjectURL(new Blob([text], { type: 'application/json' }));
}
