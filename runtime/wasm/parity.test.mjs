// Differential test: the WASM engine (in node, through engine.mjs) and the native engine
// (tests/parity/parity_driver) get the same random edit sequences on every example form,
// and must answer every call identically: changed-field views, errors, steps, drafts,
// summaries and the canonical submission bytes. Run: node --test runtime/wasm/
//
// Needs build-wasm/ (or $BLANKETT_WASM_DIR) and the native driver at
// build/tests/parity/parity_driver (or $BLANKETT_PARITY_DRIVER). Knobs (environment):
//   BLANKETT_PARITY_SEQUENCES  sequences per form (default 500)
//   BLANKETT_PARITY_COMMANDS   random commands per sequence, on average (default 25; a
//                              careful citizen's sequence gets three times as many)
//   BLANKETT_PARITY_SEED       base seed (default fixed; "random" picks and prints one)
//   BLANKETT_PARITY_FORMS      comma-separated form ids (default: every form in forms/)
//   BLANKETT_PARITY_REPLAY     "form:seed": run only that sequence (the seed a failure printed)
//   BLANKETT_PARITY_STATS      1: also print which commands ran, which steps were reached
// tests/parity/README.md says what is compared and how.
// On a mismatch the failure names the form, the sequence seed, the command index, the
// command and a short diff, and the sequence's commands are written as a JSON-lines file
// the driver reads directly: parity_driver forms/<id>/form.json <file>.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomInt } from 'node:crypto';
import { readFileSync, writeFileSync, readdirSync, existsSync, mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const buildDir = process.env.BLANKETT_WASM_DIR ? path.resolve(process.env.BLANKETT_WASM_DIR) : path.join(root, 'build-wasm');
const driverPath = process.env.BLANKETT_PARITY_DRIVER ? path.resolve(process.env.BLANKETT_PARITY_DRIVER) : path.join(root, 'build/tests/parity/parity_driver');
if (!existsSync(driverPath)) {
  throw new Error(`no native parity driver at ${driverPath}: build it (scripts/build, or cmake --build build --target parity_driver) or set BLANKETT_PARITY_DRIVER`);
}

// engine.mjs imports ./blankett_engine.mjs: load both from a private copy so that the
// build output is only read.
const moduleDir = mkdtempSync(path.join(os.tmpdir(), 'blankett-parity-'));
for (const f of readdirSync(buildDir)) {
  if (/\.(mjs|js)$/.test(f)) copyFileSync(path.join(buildDir, f), path.join(moduleDir, f));
}
copyFileSync(path.join(here, 'engine.mjs'), path.join(moduleDir, 'engine.mjs'));
const { loadEngine, EngineError } = await import(path.join(moduleDir, 'engine.mjs'));
const engine = await loadEngine({ wasmBinary: readFileSync(path.join(buildDir, 'blankett_engine.wasm')) });
rmSync(moduleDir, { recursive: true, force: true });

const SEQUENCES = Number(process.env.BLANKETT_PARITY_SEQUENCES || 500);
const COMMANDS = Number(process.env.BLANKETT_PARITY_COMMANDS || 25);
const BASE_SEED = process.env.BLANKETT_PARITY_SEED === 'random'
  ? randomInt(2 ** 32)
  : Number(process.env.BLANKETT_PARITY_SEED || 0x5eed2026) >>> 0;
const REPLAY = process.env.BLANKETT_PARITY_REPLAY || '';
const LANGS = ['sv', 'en', 'nb'];
const MAX_FAILURES_PER_FORM = 5;

const formsDir = path.join(root, 'forms');
let formIds = readdirSync(formsDir).filter((id) => existsSync(path.join(formsDir, id, 'form.json'))).sort();
if (process.env.BLANKETT_PARITY_FORMS) formIds = formIds.filter((id) => process.env.BLANKETT_PARITY_FORMS.split(',').includes(id));
if (REPLAY) formIds = formIds.filter((id) => id === REPLAY.split(':')[0]);

// --- Deterministic randomness -------------------------------------------------------------

function hash32(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

// mulberry32: small, fast, and the same everywhere.
class Rng {
  constructor(seed) { this.s = seed >>> 0; }
  u32() {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  float() { return this.u32() / 4294967296; }
  int(lo, hi) { return lo + Math.floor(this.float() * (hi - lo + 1)); } // inclusive
  chance(p) { return this.float() < p; }
  pick(list) { return list[Math.floor(this.float() * list.length)]; }
  // [[weight, value], …]; a function value is called only when chosen.
  weighted(pairs) {
    let total = 0;
    for (const [w] of pairs) total += w;
    let x = this.float() * total;
    let chosen = pairs[pairs.length - 1][1];
    for (const [w, v] of pairs) {
      if ((x -= w) < 0) {
        chosen = v;
        break;
      }
    }
    return typeof chosen === 'function' ? chosen() : chosen;
  }
  shuffle(list) {
    const a = [...list];
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
}

function sequenceSeed(formId, index) {
  let h = (BASE_SEED ^ hash32(formId)) >>> 0;
  h = Math.imul(h ^ (index + 1), 0x9e3779b1) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

// --- The form's fields, read from its definition -------------------------------------------

function formMeta(definition) {
  const fields = new Map();
  const steps = [];
  for (const step of definition.steps) {
    steps.push(step.id);
    for (const f of step.fields) {
      fields.set(f.id, { ...f, step: step.id, group: null });
      if (f.type === 'group') for (const c of f.fields ?? []) fields.set(c.id, { ...c, step: step.id, group: f.id });
    }
  }
  const all = [...fields.values()];
  const groups = all.filter((f) => f.type === 'group').map((f) => f.id);
  return { fields, all, steps, groups };
}

// --- Answers, valid and not, by type --------------------------------------------------------

const DAY = 86400000;
const parseDay = (s) => Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10));
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const pad = (n, w) => String(n).padStart(w, '0');

function luhnDigit(nine) {
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let d = Number(nine[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

function personnummer(rng, today, used, valid) {
  if (used.length && rng.chance(valid ? 0.05 : 0.3)) return rng.pick(used); // equal-number constraints
  const age = rng.weighted([[3, rng.int(0, 5)], [4, rng.int(6, 19)], [1, 20], [1, 18], [6, rng.int(21, 99)], [1, rng.int(100, 115)]]);
  let birth = parseDay(today) - age * 365.25 * DAY - rng.int(-400, 400) * DAY;
  if (!valid && rng.chance(0.2)) birth = parseDay(today) + rng.int(1, 400) * DAY; // born in the future
  const iso = isoDay(birth);
  const [y, m, d] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)];
  const day = rng.chance(0.1) ? String(Number(d) + 60) : d; // samordningsnummer
  const serial = pad(rng.int(0, 999), 3);
  const nine = y.slice(2) + m + day + serial;
  let check = luhnDigit(nine);
  if (!valid && rng.chance(0.5)) check = (check + rng.int(1, 9)) % 10; // wrong check digit
  const ten = nine + check;
  const old = Number(today.slice(0, 4)) - Number(y) >= 100;
  const value = rng.weighted([
    [3, `${ten.slice(0, 6)}${old ? '+' : '-'}${ten.slice(6)}`],
    [3, `${y.slice(0, 2)}${ten}`],
    [3, `${y.slice(0, 2)}${ten.slice(0, 6)}-${ten.slice(6)}`],
    [1, ten],
    [1, ` ${y.slice(0, 2)}${ten.slice(0, 6)}-${ten.slice(6)} `],
    [1, `${ten.slice(0, 6)}+${ten.slice(6)}`],
  ]);
  used.push(value);
  return value;
}

function orgnummer(rng) {
  const nine = `${rng.int(1, 9)}${rng.int(0, 9)}${rng.int(2, 9)}${pad(rng.int(0, 999999), 6)}`;
  let check = luhnDigit(nine);
  if (rng.chance(0.15)) check = (check + 1) % 10;
  const ten = nine + check;
  return rng.chance(0.5) ? `${ten.slice(0, 6)}-${ten.slice(6)}` : ten;
}

function nearDate(rng, today) {
  const offset = rng.weighted([
    [4, rng.int(-3, 3)],
    [2, rng.pick([-31, -32, 30, 31, 32, -93, -94, 93, 94])],
    [3, rng.int(-400, 400)],
    [2, rng.int(-365 * 80, 365 * 5)],
  ]);
  return isoDay(parseDay(today) + offset * DAY);
}

const NAMES = [
  'Alva Berg', 'Åsa Öberg', 'Nils Ärlig', 'Björn Ødegård', 'Øystein Åkerlund', 'Zoë Çelik',
  'A\u030asa O\u0308berg', // combining ring and diaeresis (NFD)
  'Jöns  Jacob ', '\u00a0Märta\u00a0', 'Sámi Áhkku', 'Ŋuvvos Ođđa', 'محمد علي', '王小明',
  'Emoji 👩‍👩‍👧 ok', '𝔐𝔞𝔵', "O'Brien-Smith", '<script>alert(1)</script>', 'Robert"); DROP TABLE',
];
const WEIRD = [
  '', ' ', '   ', '\t\n', 'a\r\nb', 'x\u0000y', 'bell\u0007', '\u200b', '\ufeffBOM', 'e\u0301', 'line1\nline2', '\u2028sep', 'tab\there',
  '\ud800', 'a\udc00b', '\ud83d', // lone surrogates: JSON.stringify escapes them, and the engine's JSON reader refuses them
];

// Text arguments as bytes that are not all UTF-8 (engine.mjs passes a Uint8Array as is).
function mangledBytes(rng, text) {
  const tail = rng.pick([[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], []]);
  const bytes = [...Buffer.from(text, 'utf8')];
  bytes.splice(rng.int(0, bytes.length), 0, ...tail);
  return { hex: Buffer.from(bytes).toString('hex') };
}

// JSON texts for canonicalJson: fine, odd, broken and too deep.
function jsonText(rng, known) {
  return rng.weighted([
    [3, () => JSON.stringify(known)],
    [2, () => JSON.stringify(known, null, 2)],
    [3, () => rng.pick(['{"b":1,"a":[1,2.50,-0,1e2,1E-7]}', '{"a":"\\u00e5\\u0000\\ud83d\\ude00","a":2}', '[1, 2, ]', '{"a":1} x', '', ' ', 'nul',
      '123456789012345678901234567890', '1e400', '-1e400', '0.1e-400', '"\\ud800"', '"\\udc00\\ud800"', '{"é":1,"e\u0301":2,"z":3,"Z":4}',
      '"\u0001"', '18446744073709551616', '-9223372036854775809', '[' + '0,'.repeat(100) + '0]', '3.141592653589793238462643383279'])],
    [1, () => '['.repeat(rng.int(60, 70)) + ']'.repeat(rng.int(60, 70))],
    [1, () => JSON.stringify(known).slice(0, rng.int(0, 40))],
  ]);
}

// Exactly n code points (what max_length counts), of one or several UTF-8 lengths.
function longText(rng, n) {
  const unit = [...rng.pick(['a', 'å', '€', '𝄞', 'e\u0301', 'ab ', 'Ö'])];
  return Array.from({ length: Math.max(0, n) }, (_, i) => unit[i % unit.length]).join('');
}

// Each generator gives a plausible answer when `valid` (what a careful citizen types,
// though constraints between fields may still fail) and anything else otherwise.
function textAnswer(rng, f, valid) {
  const max = f.max_length ?? (f.type === 'textarea' ? 20000 : 1000);
  if (valid) {
    return rng.weighted([
      [10, () => rng.pick(NAMES)],
      [1, () => longText(rng, max)],
      [1, () => longText(rng, rng.int(1, max))],
      [f.type === 'textarea' ? 2 : 0, () => rng.pick(NAMES) + '\r\n' + rng.pick(NAMES)],
    ]);
  }
  return rng.weighted([
    [3, () => rng.pick(WEIRD)],
    [2, () => longText(rng, max + 1)],
    [1, () => longText(rng, rng.int(max - 2, max + 2))],
    [1, () => rng.pick(NAMES) + '\n' + rng.pick(NAMES)],
    [2, () => rng.pick([42, 0, true, null, [], {}, ['a'], 1.5])],
  ]);
}

// A number as a Swede writes it: digit groups of three, a decimal comma.
function swedishNumber(n, space) {
  const [whole, fraction] = String(Math.abs(n)).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, space);
  return (n < 0 ? '-' : '') + grouped + (fraction ? `,${fraction}` : '');
}

function numberAnswer(rng, f, valid) {
  const lo = f.min ?? -1000;
  const hi = f.max ?? 100000;
  const inRange = lo + rng.float() * (hi - lo);
  if (valid) {
    const n = f.type === 'integer' ? Math.round(inRange) : Math.round(inRange * 10 ** (f.decimals ?? 2)) / 10 ** (f.decimals ?? 2);
    return rng.weighted([
      [6, n],
      [2, () => String(n).replace('.', ',')],
      [1, () => swedishNumber(n, rng.pick([' ', '\u00a0', '\u202f']))], // "1 234,5"
      [1, () => rng.pick([lo, hi, 0])],
    ]);
  }
  return rng.weighted([
    [3, () => rng.pick([lo - 1, hi + 1, lo - 0.01, hi + 0.01, -0, 0.1, 0.005, 0.015, 2.675, 1.005, 1.23456789])],
    [3, () => rng.pick(['1 234,5', '12,5', '12.5', ' 7 ', '5,55', '5,555', '0,001', '1\u00a0234', '1\u202f234', '−5', '-5', '+5', '1e3', '0x10', '١٢', '12,', ',5', '1 2 3', '1.234,5', 'abc', '', ' '])],
    [2, () => rng.pick([2147483647, 2147483648, -2147483649, 4294967296, 9007199254740991, 9007199254740993, 1e15, 1e21, 1e308, -1e308, 5e-324, 123456789.123456789])],
    [1, () => rng.pick(['99999999999999999999', '2147483648', '-0', '0000012', '1e400', 'Infinity', 'NaN'])],
    [1, () => rng.pick([true, null, [1], { n: 1 }])],
  ]);
}

function attachmentAnswer(rng, f, valid) {
  const maxSize = f.max_size ?? 10485760;
  const file = () => {
    const o = {
      name: rng.pick(['intyg.pdf', 'lön mars.pdf', 'Ärende å.jpg', ' spaces .png', 'x'.repeat(300) + '.pdf', 'A\u030arsbesked.pdf']),
      type: valid ? rng.pick(f.accept ?? ['application/pdf']) : rng.pick([...(f.accept ?? ['application/pdf']), 'image/gif', 'application/PDF', 'text/plain']),
      size: valid ? rng.pick([rng.int(1, maxSize), maxSize, 1]) : rng.pick([maxSize + 1, 0, -1, 1.5, 1e20, '100', 2 ** 53]),
      sha256: valid || rng.chance(0.5) ? createHash('sha256').update(String(rng.u32())).digest('hex') : rng.pick(['ABC', 'G'.repeat(64), 'A'.repeat(64)]),
    };
    if (!valid && rng.chance(0.2)) delete o[rng.pick(['name', 'type', 'size', 'sha256'])];
    if (!valid && rng.chance(0.1)) o.extra = 1;
    return o;
  };
  const max = f.max_files ?? 1;
  if (valid) return Array.from({ length: rng.int(1, max) }, file);
  return rng.weighted([
    [3, () => Array.from({ length: rng.int(1, max) }, file)], // some files wrong
    [1, () => { valid = true; return Array.from({ length: max + 1 }, file); }], // one file too many
    [1, []],
    [1, () => rng.pick(['file.pdf', null, { name: 'x' }, [null], [1, 2]])],
  ]);
}

function answerFor(rng, f, ctx) {
  const valid = rng.chance(ctx.validity);
  switch (f.type) {
    case 'text':
    case 'textarea':
      return textAnswer(rng, f, valid);
    case 'integer':
    case 'decimal':
      return numberAnswer(rng, f, valid);
    case 'date':
      if (valid) return nearDate(rng, ctx.today);
      return rng.pick([f.min ?? '1950-01-01', '2024-02-29', '2025-02-29', '2026-13-01', '2026-04-31', '20260815', ' 2026-08-15 ', '0000-01-01', '9999-12-31', '2026-8-5', '', 20260815, true]);
    case 'yesno':
      return valid ? rng.pick([true, false]) : rng.pick(['true', 'ja', 1, 0, null, '']);
    case 'choice': {
      const values = (f.options ?? []).map((o) => o.value);
      return valid ? rng.pick(values) : rng.pick(['nope', '', values[0]?.toUpperCase() ?? 'X', ` ${values[0]} `, 1, [values[0]], null]);
    }
    case 'multichoice': {
      const values = (f.options ?? []).map((o) => o.value);
      if (valid) return rng.shuffle(values).slice(0, rng.int(1, values.length));
      return rng.pick([[values[0], values[0]], ['nope'], values[0], [1], [], [...values, 'x']]);
    }
    case 'email':
      return valid
        ? rng.pick(['karin.berg@example.se', ' johan@example.com ', 'åsa.öberg@exempel.se', 'a@b.se'])
        : rng.pick(['no-at', 'a@b', 'a@@b.se', '@b.se', 'a b@c.se', longText(rng, 250) + '@x.se', '']);
    case 'phone':
      return valid
        ? rng.pick(['070-123 45 67', '+46 70 765 43 21', '08-12 34 56', '(08) 123 456'])
        : rng.pick(['123', '+4670123456789012', 'phone', '070–123', '++46701234567', '']);
    case 'personnummer':
      return personnummer(rng, ctx.today, ctx.pnrs, valid);
    case 'orgnummer':
      return valid ? orgnummer(rng) : rng.pick(['556016-0680', '5560160680', '552016-0681', '12345', 'abc']);
    case 'postalcode':
      return valid ? rng.pick(['82430', '824 30', '11122', '98765']) : rng.pick(['02430', '8243', '824300', '824-30', 'abcde', 82430]);
    case 'attachment':
      return attachmentAnswer(rng, f, valid);
    default: // info, group, calculated: refused
      return rng.pick(['x', 1, true, null]);
  }
}

// --- The two engines, one command at a time --------------------------------------------------

// WASM: the engine.mjs call a command stands for, as a comparable value.
// `fillings` maps the command's session to its FormFilling (engine.open's result), as the
// driver keeps one engine session per name.
// A text argument given as {hex} is passed as its bytes (a Uint8Array), as engine.mjs allows.
const arg = (x) => (x && typeof x === 'object' && typeof x.hex === 'string' ? Buffer.from(x.hex, 'hex') : x);

function runWasm(fillings, formText, cmd) {
  const key = cmd.session ?? '';
  const form = fillings.get(key);
  const { path: p, lang: l, group: g } = { path: arg(cmd.path), lang: arg(cmd.lang), group: arg(cmd.group) };
  try {
    switch (cmd.op) {
      case 'open': {
        const opened = engine.open(cmd.form_text ?? formText, cmd.today);
        if (form) form.dispose();
        fillings.set(key, opened);
        const d = opened.draft();
        return { opened: true, id: d.form, version: d.version };
      }
      case 'set': return form.set(p, cmd.value, l);
      case 'clear': return form.clear(p, l);
      case 'addRow': return form.addRow(g, l);
      case 'removeRow': return form.removeRow(g, cmd.row, l);
      case 'view': return form.view(l);
      case 'summary': return form.summary(l);
      case 'field': return form.field(p, l);
      case 'errors': return form.errors(l);
      case 'stepErrors': return form.stepErrors(l);
      case 'next': return form.next();
      case 'back': return form.back();
      case 'goTo': return form.goTo(cmd.step);
      case 'valid': return form.valid();
      case 'draft': return form.draft();
      case 'restore': return form.restore(cmd.draft);
      case 'submission': return form.submission();
      case 'sha256': return engine.sha256(arg(cmd.text));
      case 'canonicalJson': return engine.canonicalJson(arg(cmd.text));
      case 'runScenario': return engine.runScenario(cmd.form_text, cmd.scenario_text);
      default: throw new Error(`unknown op ${cmd.op}`);
    }
  } catch (e) {
    if (e instanceof EngineError) return { threw: 'EngineError', errors: e.errors };
    return { threw: 'exception', message: String(e) }; // JS-side only: never matches the driver
  }
}

// Native: the driver's command line for the same call (arguments converted as engine.mjs
// converts them before they reach C++).
function nativeCommand(cmd) {
  switch (cmd.op) {
    case 'set': return { op: 'set', session: cmd.session, path: cmd.path, value_json: JSON.stringify(cmd.value ?? null), lang: cmd.lang };
    case 'restore': return { op: 'restore', session: cmd.session, draft_json: JSON.stringify(cmd.draft) };
    case 'canonicalJson': case 'sha256': return cmd;
    default: return cmd;
  }
}

// The driver's answer line (the binding's JSON text) as engine.mjs would return it: a
// failure ({"ok": false, "errors"}: a refused call, or engine.exception from any call)
// throws EngineError.
function nativeResult(cmd, line) {
  const v = JSON.parse(line);
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    if ('driver_error' in v) return { driver_error: v.driver_error };
    if (v.ok === false && Array.isArray(v.errors)) return { threw: 'EngineError', errors: v.errors };
  }
  switch (cmd.op) {
    case 'open': return { opened: true, id: v.form.id, version: v.form.version };
    case 'restore': return v.dropped;
    default: return v;
  }
}

// The first place two JSON values differ, briefly.
function firstDifference(a, b, at = '') {
  const show = (x) => {
    const t = JSON.stringify(x);
    return t === undefined ? 'undefined' : t.length > 160 ? `${t.slice(0, 160)}…` : t;
  };
  if (a === b) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a) ? [...Array(Math.max(a.length, b.length)).keys()] : [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      if (!(k in a)) return `${at}/${k}: missing in WASM, native ${show(b[k])}`;
      if (!(k in b)) return `${at}/${k}: WASM ${show(a[k])}, missing in native`;
      const d = firstDifference(a[k], b[k], `${at}/${k}`);
      if (d) return d;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) return `${at || '/'}: key order differs`;
    return null;
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  return `${at || '/'}: WASM ${show(a)}, native ${show(b)}`;
}

function brief(cmd) {
  const t = JSON.stringify(cmd);
  return t.length > 300 ? `${t.slice(0, 300)}…` : t;
}

// One native driver process per form; answers stream back while the WASM side runs ahead.
const running = new Set(); // driver processes, ended after the tests whatever happened
after(() => {
  for (const run of running) run.proc.kill();
});

class NativeRun {
  constructor(formId, formFile) {
    this.formId = formId;
    this.queue = []; // {seed, index, cmd, expected (JSON text), wasm}
    this.head = 0;
    this.failures = [];
    this.failedSeeds = new Set();
    this.commands = new Map(); // seed -> driver lines, kept until the sequence is compared
    this.preludes = new Map();
    this.out = []; // driver lines not yet written
    this.lines = 0;
    this.stderr = '';
    this.waiter = null;
    this.proc = spawn(driverPath, [formFile], { stdio: ['pipe', 'pipe', 'pipe'] });
    running.add(this);
    this.proc.stdin.on('error', () => {}); // a dead driver is reported by its exit
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (d) => { this.stderr += d; });
    this.proc.stdout.setEncoding('utf8');
    let partial = '';
    this.proc.stdout.on('data', (chunk) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop();
      for (const line of parts) this.answer(line);
      if (this.waiter && this.pending() < 500) {
        this.waiter();
        this.waiter = null;
      }
    });
    this.exited = new Promise((resolve) => {
      this.proc.on('close', (code, signal) => {
        running.delete(this);
        if (partial) this.answer(partial);
        resolve({ code, signal });
      });
      this.proc.on('error', (e) => resolve({ code: -1, signal: String(e) }));
    });
  }

  pending() { return this.queue.length - this.head; }

  // The driver lines a sequence needs before its own (its session's open), for repro files.
  startSequence(seed, prelude) {
    this.commands.set(seed, prelude.map((cmd) => JSON.stringify(nativeCommand(cmd))));
    this.preludes.set(seed, prelude.length);
  }

  send(seed, index, cmd, wasm) {
    const line = JSON.stringify(nativeCommand(cmd));
    if (!this.commands.has(seed)) this.commands.set(seed, []);
    this.commands.get(seed).push(line);
    this.queue.push({ seed, index, cmd, expected: JSON.stringify(wasm), last: false });
    this.out.push(line);
  }

  flush() {
    if (this.out.length) this.proc.stdin.write(this.out.join('\n') + '\n');
    this.out = [];
  }

  endSequence(seed) {
    this.flush();
    if (this.queue.length > this.head) this.queue[this.queue.length - 1].last = true;
    else {
      this.commands.delete(seed);
      this.preludes.delete(seed);
    }
  }

  answer(line) {
    this.lines++;
    const entry = this.queue[this.head];
    if (!entry) {
      this.fail({ seed: '?', index: '?', cmd: null, diff: `unexpected extra output: ${line.slice(0, 200)}` });
      return;
    }
    this.queue[this.head++] = null;
    if (this.head > 4096) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    // Mostly the driver's text is the very text engine.mjs parsed; otherwise compare as values.
    if (line !== entry.expected && !this.failedSeeds.has(entry.seed)) {
      let got;
      try {
        got = JSON.stringify(nativeResult(entry.cmd, line));
      } catch (e) {
        got = JSON.stringify({ unreadable: line.slice(0, 200) });
      }
      if (got !== entry.expected) {
        const diff = firstDifference(JSON.parse(entry.expected), JSON.parse(got)) ?? 'texts differ';
        this.fail({ seed: entry.seed, index: entry.index, cmd: entry.cmd, diff });
      }
    }
    if (entry.last) {
      this.commands.delete(entry.seed);
      this.preludes.delete(entry.seed);
    }
  }

  fail(f) {
    if (f.seed !== '?') {
      this.failedSeeds.add(f.seed);
      const file = path.join(os.tmpdir(), `blankett-parity-${this.formId}-${String(f.seed).replace(/[^A-Za-z0-9.-]/g, "_")}.jsonl`);
      writeFileSync(file, (this.commands.get(f.seed) ?? []).slice(0, (this.preludes.get(f.seed) ?? 0) + f.index + 1).join('\n') + '\n');
      f.file = file;
    }
    this.failures.push(f);
  }

  // Lets the driver catch up when the WASM side is far ahead.
  async throttle() {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.pending() > 4000) await new Promise((resolve) => { this.waiter = resolve; });
  }

  async finish() {
    this.flush();
    this.proc.stdin.end();
    const { code, signal } = await this.exited;
    return { code, signal };
  }

  report() {
    return this.failures.slice(0, MAX_FAILURES_PER_FORM).map((f) =>
      `form ${this.formId}, seed ${f.seed}` +
      (typeof f.seed === 'number' ? ` (BLANKETT_PARITY_REPLAY=${this.formId}:${f.seed} BLANKETT_PARITY_SEED=${BASE_SEED})` : '') + ', ' +
      `command #${f.index}: ${brief(f.cmd)}\n    ${f.diff}` + (f.file ? `\n    commands: ${driverPath} forms/${this.formId}/form.json ${f.file}` : '')).join('\n');
  }
}

// --- Random edit sequences -------------------------------------------------------------------

// The dates a sequence runs on (`today` shifts ages, personnummer centuries and date
// rules): each gets one engine session per form, reset by restoring its first draft.
const TODAYS = [
  '2026-08-15', '2026-08-16', '2026-01-01', '2025-12-31', '2024-02-29', '2024-03-01', '2025-02-28',
  '2027-03-01', '2000-01-01', '1999-12-31', '2038-01-19', '2099-12-31', '2010-06-30', '2026-11-30',
];

// Runs one random sequence through WASM now and queues it for the driver; returns how
// many commands it compared.
function runSequence(native, run, meta, seed) {
  const rng = new Rng(seed);
  // A third of the sequences are careful citizens heading for a complete application;
  // the rest poke at everything.
  const citizen = rng.chance(0.3);
  const ctx = { today: rng.pick(TODAYS), pnrs: [], validity: citizen ? 0.95 : 0.6 };
  const session = ctx.today;
  let lang = rng.pick(LANGS);
  let view = null; // the current step's view, for picking fields (null: stale)
  const rows = new Map(meta.groups.map((g) => [g, 0]));
  let index = 0;

  const exec = (cmd) => {
    cmd.session = session;
    const result = runWasm(run.fillings, run.formText, cmd);
    const kind = result?.threw ? `${cmd.op}!${result.errors?.[0]?.code === 'engine.exception' ? 'exception' : ''}` : cmd.op;
    run.stats.ops.set(kind, (run.stats.ops.get(kind) ?? 0) + 1);
    native.send(seed, index++, cmd, result);
    return result;
  };
  const learnRows = (fieldView) => {
    if (fieldView && fieldView.type === 'group' && Array.isArray(fieldView.rows)) rows.set(fieldView.id, fieldView.rows.length);
  };
  const look = () => {
    view = exec({ op: 'view', lang });
    if (view && Array.isArray(view.fields)) view.fields.forEach(learnRows);
    return view;
  };
  const resyncRows = () => {
    for (const g of meta.groups) learnRows(exec({ op: 'field', path: g, lang }));
  };
  // Editable field instances shown on the current step (rows of groups included).
  const visibleInputs = () => {
    if (!view) look();
    const out = [];
    for (const f of view?.fields ?? []) {
      if (!f.visible) continue;
      if (f.type === 'group') {
        for (const row of f.rows ?? []) for (const c of row) if (c.visible && !c.readonly && !c.calculated && c.type !== 'info') out.push(c);
      } else if (!f.readonly && !f.calculated && f.type !== 'info') out.push(f);
    }
    return out;
  };
  const anyPath = () => {
    const f = rng.pick(meta.all);
    if (!f.group) return { path: rng.chance(0.03) ? rng.pick(['no_such_field', '', '/', f.id + '/0']) : f.id, f };
    const n = rows.get(f.group) ?? 0;
    const row = rng.weighted([[8, rng.int(0, Math.max(0, n - 1))], [1, n], [1, rng.pick([-1, 99, '01', 'x', '', ' 0', '+0', '0x', '4294967296', '18446744073709551616'])]]);
    const other = rng.pick(meta.all);
    return {
      path: rng.weighted([[30, `${f.group}/${row}/${f.id}`], [1, `${f.group}/${row}`], [1, `${other.id}/${row}/${f.id}`], [1, `${f.group}/0/${other.id}`]]),
      f,
    };
  };
  const setValue = (p) => exec({ op: 'set', path: p.path, value: answerFor(rng, p.f, ctx), lang });
  const fieldOf = (v) => meta.fields.get(v.id) ?? { type: v.type };

  // A fresh filling: this date's session, back to the draft it had when it was opened.
  const openCmd = { op: 'open', session, today: ctx.today };
  if (!run.initial.has(session)) {
    native.send(`open ${session}`, 0, openCmd, runWasm(run.fillings, run.formText, openCmd));
    const draftCmd = { op: 'draft', session };
    const draft = runWasm(run.fillings, run.formText, draftCmd);
    native.send(`open ${session}`, 1, draftCmd, draft);
    native.endSequence(`open ${session}`);
    run.initial.set(session, draft);
  }
  native.startSequence(seed, [openCmd]);
  exec({ op: 'restore', draft: run.initial.get(session) });
  resyncRows();

  // Commands to send before the final look, around COMMANDS (three times as many for a
  // citizen, who fills whole steps).
  const budget = Math.max(1, Math.round(COMMANDS * (citizen ? 3 : 1) * (0.5 + rng.float())));
  while (index < budget) {
    const action = rng.weighted([
      [30, 'set-visible'], [8, 'set-any'], [citizen ? 40 : 5, 'fill-step'], [4, 'clear'], [4, 'addRow'], [3, 'removeRow'],
      [6, 'next'], [3, 'back'], [4, 'goTo'], [5, 'view'], [3, 'field'], [2, 'errors'], [2, 'stepErrors'],
      [1, 'summary'], [1, 'valid'], [4, 'lang'], [3, 'draft-restore'], [1, 'submission'], [1, 'bytes'], [1, 'canonical'],
    ]);
    switch (action) {
      case 'set-visible': {
        const inputs = visibleInputs();
        if (!inputs.length) { setValue(anyPath()); break; }
        const v = rng.pick(inputs);
        setValue({ path: v.path, f: fieldOf(v) });
        break;
      }
      case 'set-any': setValue(anyPath()); break;
      case 'fill-step': {
        // Filling in the whole step, then Continue; then answering again what the step
        // still complains about, a few times.
        let targets = visibleInputs();
        for (let attempt = 0; attempt < 4 && targets.length; attempt++) {
          for (const v of targets) setValue({ path: v.path, f: fieldOf(v) });
          const moved = exec({ op: 'next' });
          view = null;
          if (moved !== false) break;
          const errors = exec({ op: 'stepErrors', lang });
          const wrong = new Set((Array.isArray(errors) ? errors : []).map((e) => e.pointer.slice(1)));
          for (const g of meta.groups) {
            if (wrong.has(g) && exec({ op: 'addRow', group: g, lang })?.ok) rows.set(g, (rows.get(g) ?? 0) + 1);
          }
          targets = visibleInputs().filter((v) => wrong.has(v.path));
        }
        break;
      }
      case 'clear': {
        const inputs = visibleInputs();
        exec({ op: 'clear', path: inputs.length && rng.chance(0.6) ? rng.pick(inputs).path : anyPath().path, lang });
        break;
      }
      case 'addRow': {
        const g = meta.groups.length ? rng.pick(meta.groups) : 'no_group';
        const named = rng.chance(0.05) ? rng.pick(['nope', meta.all[0].id]) : g;
        const r = exec({ op: 'addRow', group: named, lang });
        if (r && r.ok && named === g) rows.set(g, (rows.get(g) ?? 0) + 1);
        view = null;
        break;
      }
      case 'removeRow': {
        const g = meta.groups.length ? rng.pick(meta.groups) : 'no_group';
        const n0 = rows.get(g) ?? 0;
        const row = rng.weighted([[8, rng.int(0, Math.max(0, n0 - 1))], [1, n0], [1, rng.pick([-1, -2147483648, 2147483647])]]);
        const r = exec({ op: 'removeRow', group: g, row, lang });
        if (r && r.ok) rows.set(g, n0 - 1);
        view = null;
        break;
      }
      case 'next': exec({ op: 'next' }); view = null; break;
      case 'back': exec({ op: 'back' }); view = null; break;
      case 'goTo': exec({ op: 'goTo', step: rng.chance(0.9) ? rng.pick(meta.steps) : rng.pick(['nope', '', meta.steps[0].toUpperCase()]) }); view = null; break;
      case 'view': look(); break;
      case 'field': {
        const p = rng.chance(0.2) && meta.groups.length ? rng.pick(meta.groups) : anyPath().path;
        learnRows(exec({ op: 'field', path: p, lang }));
        break;
      }
      case 'errors': exec({ op: 'errors', lang }); break;
      case 'stepErrors': exec({ op: 'stepErrors', lang }); break;
      case 'summary': exec({ op: 'summary', lang }); break;
      case 'valid': exec({ op: 'valid' }); break;
      case 'lang': lang = rng.weighted([[10, rng.pick(LANGS)], [1, rng.pick(['de', '', 'SV', 'en-GB'])]]); view = null; break;
      case 'draft-restore': {
        const draft = exec({ op: 'draft' });
        let d = draft;
        if (draft && !draft.threw) {
          d = JSON.parse(JSON.stringify(draft));
          switch (rng.weighted([[6, 'same'], [1, 'unknown'], [1, 'version'], [1, 'step'], [1, 'format'], [1, 'form'], [1, 'shape'], [1, 'answer']])) {
            case 'unknown': d.answers.no_such_field = 'x'; break;
            case 'version': d.version = '0'.repeat(64); break;
            case 'step': d.step = 'nope'; break;
            case 'format': d.format = 'blankett-draft/9'; break;
            case 'form': d.form = 'other'; break;
            case 'shape': d = rng.pick([[], 'draft', null, { format: 'blankett-draft/1' }]); break;
            case 'answer': {
              const p = anyPath();
              if (!p.f.group) d.answers[p.f.id] = answerFor(rng, p.f, ctx);
              else d.answers[p.f.group] = rng.pick([[{ [p.f.id]: answerFor(rng, p.f, ctx) }], 'rows', [null]]);
              break;
            }
            default: break;
          }
        }
        exec({ op: 'restore', draft: d });
        resyncRows();
        view = null;
        break;
      }
      case 'submission': exec({ op: 'submission' }); break;
      case 'bytes': {
        // A path, group or language that is not (all) UTF-8.
        const p = anyPath();
        switch (rng.int(0, 3)) {
          case 0: exec({ op: 'set', path: mangledBytes(rng, p.path), value: answerFor(rng, p.f, ctx), lang }); break;
          case 1: exec({ op: 'field', path: mangledBytes(rng, p.path), lang }); break;
          case 2: exec({ op: rng.pick(['view', 'errors', 'summary']), lang: mangledBytes(rng, lang) }); break;
          default: exec({ op: 'addRow', group: mangledBytes(rng, rng.pick(meta.groups.length ? meta.groups : ['x'])), lang }); break;
        }
        view = null;
        break;
      }
      case 'canonical': {
        const known = rng.chance(0.5) ? runWasm(run.fillings, run.formText, { op: 'draft', session }) : { b: [1, 'Åsa'], a: { d: 0.5, c: null } };
        const text = jsonText(rng, known);
        exec({ op: rng.chance(0.8) ? 'canonicalJson' : 'sha256', text: rng.chance(0.1) ? mangledBytes(rng, text) : text });
        break;
      }
      default: throw new Error(action);
    }
  }

  // What a citizen or a caseworker sees at the end: the step, the errors in every
  // language, the summary (in another language than the step: both are compared in all
  // three over the run), the draft and the canonical submission.
  const final = exec({ op: 'view', lang: LANGS.includes(lang) ? lang : 'sv' });
  if (final?.step) run.stats.steps.set(final.step.id, (run.stats.steps.get(final.step.id) ?? 0) + 1);
  for (const l of LANGS) exec({ op: 'errors', lang: l });
  exec({ op: 'stepErrors', lang });
  exec({ op: 'summary', lang: rng.pick(LANGS) });
  if (exec({ op: 'valid' }) === true) run.stats.valid++;
  exec({ op: 'draft' });
  const sub = exec({ op: 'submission' });
  if (sub && typeof sub.bytes === 'string') {
    const hash = createHash('sha256').update(sub.bytes, 'utf8').digest('hex');
    if (hash !== sub.sha256) native.fail({ seed, index, cmd: { op: 'submission' }, diff: `sha256 ${sub.sha256} is not the SHA-256 of the bytes (${hash})` });
  }
  native.endSequence(seed);
  return index;
}

// --- The tests --------------------------------------------------------------------------------

const totals = { sequences: 0, commands: 0, ms: 0 };

for (const formId of formIds) {
  test(`WASM and native engines agree on random edit sequences: ${formId}`, async (t) => {
    const started = Date.now();
    const formFile = path.join(formsDir, formId, 'form.json');
    const formText = readFileSync(formFile, 'utf8');
    const meta = formMeta(JSON.parse(formText));
    const native = new NativeRun(formId, formFile);
    const run = { formText, fillings: new Map(), initial: new Map(), stats: { ops: new Map(), steps: new Map(), valid: 0 } };
    const seeds = REPLAY ? [Number(REPLAY.split(':')[1]) >>> 0] : Array.from({ length: SEQUENCES }, (_, i) => sequenceSeed(formId, i));
    let commands = 0;
    let sequences = 0;
    try {
      for (const seed of seeds) {
        commands += runSequence(native, run, meta, seed);
        sequences++;
        if (native.failures.length >= MAX_FAILURES_PER_FORM) break;
        if (sequences % 4 === 0) await native.throttle();
      }
    } finally {
      for (const filling of run.fillings.values()) filling.dispose();
    }
    const { code, signal } = await native.finish();
    const ms = Date.now() - started;
    totals.sequences += sequences;
    totals.commands += commands;
    totals.ms += ms;
    t.diagnostic(`${formId}: ${sequences} sequences, ${commands} commands, ${ms} ms (base seed ${BASE_SEED})`);
    if (process.env.BLANKETT_PARITY_STATS) {
      const list = (m) => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
      t.diagnostic(`  commands (! = refused, !exception = engine.exception): ${list(run.stats.ops)}`);
      t.diagnostic(`  final step: ${list(run.stats.steps)}; valid at the end: ${run.stats.valid}`);
    }
    assert.equal(native.failures.length, 0, `WASM and native differ:\n${native.report()}`);
    assert.equal(code, 0, `parity_driver exited with ${code ?? signal}: ${native.stderr}`);
    assert.equal(native.pending(), 0, `parity_driver answered ${native.lines} of ${native.lines + native.pending()} commands: ${native.stderr}`);
  });
}

// Broken and edited definitions: both builds must report the same problems (codes,
// pointers, lines, columns, messages) or load the same form.
test('WASM and native engines agree on loading edited and broken forms', { skip: REPLAY !== '' }, async (t) => {
  const started = Date.now();
  let count = 0;
  for (const formId of formIds) {
    const formFile = path.join(formsDir, formId, 'form.json');
    const formText = readFileSync(formFile, 'utf8');
    const native = new NativeRun(formId, formFile);
    const seed = sequenceSeed(formId, -1);
    const rng = new Rng(seed);
    const label = `edited definition ${seed}`;
    const expressions = ['age(x) >= 18', 'count(', '1 +', '"a" = 1', 'today() > "2026-01-01"', 'sum(pupil_name)', 'a and or b', 'if(true, 1)', 'x'.repeat(5000), 'ålder = 1'];
    for (let i = 0; i < 30; i++) {
      let text;
      const kind = rng.int(0, 3);
      if (kind === 0) { // delete a span of text
        const at = rng.int(0, formText.length - 1);
        text = formText.slice(0, at) + formText.slice(at + rng.int(1, 40));
      } else if (kind === 1) { // insert a character
        const at = rng.int(0, formText.length - 1);
        text = formText.slice(0, at) + rng.pick(['{', '}', '"', ',', ':', 'å', '\\', '\u0000', ' ']) + formText.slice(at);
      } else { // edit the definition: an expression, a type, a key, a value
        const def = JSON.parse(formText);
        const step = rng.pick(def.steps);
        const field = step.fields.length ? rng.pick(step.fields) : step;
        switch (rng.int(0, 5)) {
          case 0: field.visible_if = rng.pick(expressions); break;
          case 1: field.type = rng.pick(['text', 'nope', 'group', 'choice', 42]); break;
          case 2: delete field[rng.pick(Object.keys(field))]; break;
          case 3: field.id = rng.pick(['x', 'pupil_name', 'Åsa', '', step.id]); break;
          case 4: field.calculate = rng.pick(expressions); break;
          default: def[rng.pick(['format', 'id', 'languages', 'steps'])] = rng.pick([2, 'x', [], null]); break;
        }
        text = JSON.stringify(def, null, rng.pick([0, 2]));
      }
      const cmd = { op: 'open', today: '2026-08-15', form_text: text };
      const fillings = new Map();
      native.send(label, i, cmd, runWasm(fillings, formText, cmd));
      for (const filling of fillings.values()) filling.dispose();
      count++;
    }
    native.endSequence(label);
    const { code } = await native.finish();
    assert.equal(native.failures.length, 0, `WASM and native differ:\n${native.report()}`);
    assert.equal(code, 0, native.stderr);
  }
  t.diagnostic(`${count} edited definitions loaded in both, ${Date.now() - started} ms`);
});

// Answer paths at the edges of their grammar ("group/row/field"): rows with signs, spaces,
// leading zeros, hex, or past 2^31, 2^32 and 2^64; the wrong group; stray slashes. Read by
// field(), set(), clear() and removeRow() in both builds.
test('WASM and native engines read the same answer paths', { skip: REPLAY !== '' }, async (t) => {
  const rows = ['0', '1', '2', '01', '000001', '0000001', '00', ' 0', '0 ', '+0', '-0', '-1', '0x', 'x', '', '1e0',
    '2147483647', '2147483648', '4294967296', '4294967297', '9223372036854775808', '18446744073709551616',
    '18446744073709551617', '-4294967296', '99999999999999999999'];
  let count = 0;
  for (const formId of formIds) {
    const formFile = path.join(formsDir, formId, 'form.json');
    const formText = readFileSync(formFile, 'utf8');
    const meta = formMeta(JSON.parse(formText));
    const native = new NativeRun(formId, formFile);
    const fillings = new Map();
    const label = 'answer paths';
    let i = 0;
    const exec = (cmd) => native.send(label, i++, cmd, runWasm(fillings, formText, cmd));
    exec({ op: 'open', today: '2026-08-15' });
    for (const g of meta.groups) for (let n = 0; n < 2; n++) exec({ op: 'addRow', group: g, lang: 'en' });
    const paths = new Set();
    const top = meta.all.filter((f) => !f.group);
    for (const f of top.slice(0, 3)) for (const p of [f.id, `${f.id}/`, `/${f.id}`, `${f.id}/0`, `${f.id}/0/${f.id}`, `${f.id} `]) paths.add(p);
    for (const g of meta.groups) {
      const child = meta.all.find((f) => f.group === g);
      paths.add(g);
      paths.add(`${g}/0`);
      paths.add(`${g}/0/`);
      paths.add(child.id);
      paths.add(`${top[0].id}/0/${child.id}`);
      paths.add(`${g}/0/${top[0].id}`);
      paths.add(`${g}/0/${child.id}/0`);
      paths.add(`${g}//${child.id}`);
      for (const r of rows) paths.add(`${g}/${r}/${child.id}`);
    }
    for (const p of paths) {
      exec({ op: 'field', path: p, lang: 'en' });
      exec({ op: 'set', path: p, value: 'Åsa', lang: 'en' });
      exec({ op: 'clear', path: p, lang: 'en' });
      count += 3;
    }
    for (const g of meta.groups) for (const r of [-1, 5, 2147483647, -2147483648, 0]) exec({ op: 'removeRow', group: g, row: r, lang: 'en' });
    native.endSequence(label);
    for (const filling of fillings.values()) filling.dispose();
    const { code } = await native.finish();
    assert.equal(native.failures.length, 0, `WASM and native differ:\n${native.report()}`);
    assert.equal(code, 0, native.stderr);
  }
  t.diagnostic(`${count} path reads compared`);
});

// The scenario runner itself (as `blankett test` and the WASM build use it) answers alike.
test('WASM and native engines agree on every scenario run', { skip: REPLAY !== '' }, async () => {
  for (const formId of formIds) {
    const formFile = path.join(formsDir, formId, 'form.json');
    const formText = readFileSync(formFile, 'utf8');
    const testsDir = path.join(formsDir, formId, 'tests');
    if (!existsSync(testsDir)) continue;
    const native = new NativeRun(formId, formFile);
    for (const [i, file] of readdirSync(testsDir).filter((f) => f.endsWith('.json')).sort().entries()) {
      const cmd = { op: 'runScenario', form_text: formText, scenario_text: readFileSync(path.join(testsDir, file), 'utf8') };
      native.send(file, i, cmd, runWasm(new Map(), formText, cmd));
      native.endSequence(file);
    }
    await native.finish();
    assert.equal(native.failures.length, 0, `WASM and native differ:\n${native.report()}`);
  }
});

test('parity totals', { skip: REPLAY !== '' }, (t) => {
  t.diagnostic(`${totals.sequences} sequences, ${totals.commands} commands compared, ${totals.ms} ms`);
  assert.ok(totals.sequences >= Math.min(2000, SEQUENCES * formIds.length), `ran only ${totals.sequences} sequences`);
});
