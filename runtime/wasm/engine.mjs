// Blankett engine for JavaScript: the C++ engine compiled to WebAssembly, behind a
// small API of plain objects. Every rule runs in the engine; this file only converts
// JSON text to objects and back.
//
//   import { loadEngine } from './engine.mjs';
//   const engine = await loadEngine();                 // once per page
//   const form = engine.open(formJsonText, '2026-08-15');
//   form.set('pupil_name', 'Alva');                     // -> { fields: [...changed views], steps, rows }
//   form.changesForCurrentStepOnly();                   // later changes: only the current step's fields
//   form.view('sv');                                    // current step's view model
//   form.next(); form.back(); form.goTo('guardians');
//   form.draft(); form.restore(draft); form.submission();
//   engine.sha256(text);                                // hex SHA-256 of the text's UTF-8 bytes
//   engine.canonicalJson(receiptText);                  // canonical JSON text (see below)
//
// engine.canonicalJson(text) returns the canonical JSON text of any JSON text: exactly
// what the engine and server write (nlohmann's dump(): keys sorted by byte value, no
// white space, UTF-8, integers in plain decimal, strict UTF-8). A receipt's Ed25519
// signature covers canonicalJson of the receipt without its "signature" key
// (docs/receipts.md). Bad JSON throws EngineError with a json.syntax error (line and
// column); nesting deeper than 64 levels is json.too_deep, a number beyond the range of
// a double (1e999) json.number_too_large.
//
// If the engine itself fails (a C++ exception: a bug, out of memory), the call throws
// EngineError with code "engine.exception", and the module keeps working.
// engine.checkExceptionHandling() always does so: a check that the module was built to
// catch C++ exceptions (tests).
import createBlankettEngine from './blankett_engine.mjs';

export class EngineError extends Error {
  constructor(errors) {
    super(errors.map((e) => `${e.code} at ${e.pointer || '/'}: ${e.message}`).join('\n'));
    this.errors = errors;
  }
}

function unwrap(text) {
  const result = JSON.parse(text);
  if (result && result.ok === false) throw new EngineError(result.errors);
  return result;
}

// The module's C functions (runtime/wasm/bindings.cc) with JS strings in and out: each
// string argument is copied into the module's memory as UTF-8 (pointer, byte length) and
// freed after the call; a returned pointer is read back as UTF-8 text at once. Strings
// are converted as embind converted std::string (Uint8Array and ArrayBuffer pass bytes).
class Int {
  constructor(value) {
    if (typeof value !== 'number' && typeof value !== 'boolean') throw new TypeError(`Cannot convert "${String(value)}" to int`);
    this.value = Number(value);
  }
}

// Strings this long go through TextEncoder. It turns a lone surrogate into U+FFFD where
// the module's encoder keeps it (and the engine then reports invalid UTF-8), so only
// well-formed strings take that path; where String.prototype.isWellFormed is missing,
// none do.
const NATIVE_ENCODE_MIN = 1024;
const utf8Encoder = new TextEncoder();
const wellFormed = (text) => typeof text.isWellFormed === 'function' && text.isWellFormed();

function call(module, fn, args) {
  const words = [];
  const buffers = [];
  try {
    for (const arg of args) {
      if (arg instanceof Int) {
        words.push(arg.value);
        continue;
      }
      let bytes = null;
      let size;
      if (typeof arg === 'string' && arg.length >= NATIVE_ENCODE_MIN && wellFormed(arg)) {
        // The browser's own encoder: a large form's text in ~1 ms instead of ~16 ms in
        // the module's JS loop, with the same bytes for any well-formed string.
        bytes = utf8Encoder.encode(arg);
        size = bytes.length;
      } else if (typeof arg === 'string') {
        size = module.lengthBytesUTF8(arg);
      } else if (arg instanceof ArrayBuffer || arg instanceof Uint8Array || arg instanceof Uint8ClampedArray || arg instanceof Int8Array) {
        bytes = arg instanceof ArrayBuffer ? new Uint8Array(arg) : arg;
        size = bytes.length;
      } else {
        throw new TypeError('Cannot pass non-string to std::string');
      }
      const pointer = module._malloc(size + 1);
      buffers.push(pointer);
      if (bytes === null) module.stringToUTF8(arg, pointer, size + 1);
      else module.HEAPU8.set(bytes, pointer);
      words.push(pointer, size);
    }
    return fn(...words);
  } finally {
    for (const pointer of buffers) module._free(pointer);
  }
}

function failure(module) {
  return new EngineError(JSON.parse(module.UTF8ToString(module._blankett_last_output())).errors);
}

// A C function returning text (NULL: an error described by blankett_last_output()).
function text(module, fn, ...args) {
  const pointer = call(module, fn, args);
  if (pointer === 0) throw failure(module);
  return module.UTF8ToString(pointer);
}

// A C function returning 1 or 0 (-1: an error described by blankett_last_output()).
function flag(module, fn, ...args) {
  const result = call(module, fn, args);
  if (result < 0) throw failure(module);
  return result !== 0;
}

function handle(filling) {
  if (filling.handle === 0) throw new Error('this FormFilling was disposed');
  return new Int(filling.handle);
}

export class FormFilling {
  constructor(module) {
    this.module = module;
    this.handle = module._blankett_engine_new();
    if (this.handle === 0) throw failure(module);
  }
  // Loads a form definition (JSON text). Throws EngineError with every load problem.
  load(formText, today) { return unwrap(text(this.module, this.module._blankett_load, handle(this), formText, today)).form; }
  set(path, value, lang = '') {
    return unwrap(text(this.module, this.module._blankett_set_answer, handle(this), path, JSON.stringify(value ?? null), lang));
  }
  // From now on set/clear/addRow/removeRow report changed fields of the current step
  // only (every changed step and "rows" still): for a UI that shows one step at a time.
  changesForCurrentStepOnly(on = true) {
    return flag(this.module, this.module._blankett_changes_for_current_step_only, handle(this), new Int(on ? 1 : 0));
  }
  clear(path, lang = '') { return unwrap(text(this.module, this.module._blankett_clear_answer, handle(this), path, lang)); }
  addRow(group, lang = '') { return unwrap(text(this.module, this.module._blankett_add_row, handle(this), group, lang)); }
  removeRow(group, row, lang = '') {
    return unwrap(text(this.module, this.module._blankett_remove_row, handle(this), group, new Int(row), lang));
  }
  view(lang = '') { return JSON.parse(text(this.module, this.module._blankett_view, handle(this), lang)); }
  summary(lang = '') { return JSON.parse(text(this.module, this.module._blankett_summary, handle(this), lang)); }
  field(path, lang = '') { return JSON.parse(text(this.module, this.module._blankett_field, handle(this), path, lang)); }
  errors(lang = '') { return JSON.parse(text(this.module, this.module._blankett_errors, handle(this), lang)); }
  stepErrors(lang = '') { return JSON.parse(text(this.module, this.module._blankett_step_errors, handle(this), lang)); }
  next() { return flag(this.module, this.module._blankett_next, handle(this)); }
  back() { return flag(this.module, this.module._blankett_back, handle(this)); }
  goTo(stepId) { return flag(this.module, this.module._blankett_go_to, handle(this), stepId); }
  valid() { return flag(this.module, this.module._blankett_valid, handle(this)); }
  draft() { return JSON.parse(text(this.module, this.module._blankett_draft, handle(this))); }
  // Restores a draft object; returns the answers that no longer fit the form.
  restore(draft) { return unwrap(text(this.module, this.module._blankett_restore, handle(this), JSON.stringify(draft))).dropped; }
  // { document, bytes, sha256 }: the canonical submission, byte-identical to the server's.
  submission() { return JSON.parse(text(this.module, this.module._blankett_submission, handle(this))); }
  // Frees the engine's memory for this filling; the object cannot be used afterwards.
  dispose() {
    if (this.handle === 0) return;
    flag(this.module, this.module._blankett_engine_delete, handle(this));
    this.handle = 0;
  }
}

// Instantiates the module. In a browser it fetches blankett_engine.wasm next to this
// file; elsewhere (node tests) pass { wasmBinary }.
export async function loadEngine(options = {}) {
  const module = await createBlankettEngine(options);
  return {
    open(formText, today) {
      const filling = new FormFilling(module);
      try {
        filling.load(formText, today);
      } catch (e) {
        filling.dispose();
        throw e;
      }
      return filling;
    },
    sha256: (bytes) => text(module, module._blankett_sha256, bytes),
    // Runs a scenario test: { name, passed, failures: [{action, pointer, message}], answers }.
    runScenario: (formText, scenarioText) => JSON.parse(text(module, module._blankett_run_scenario, formText, scenarioText)),
    // The canonical JSON text of any JSON text (see the top of this file).
    canonicalJson: (jsonText) => text(module, module._blankett_canonical_json, jsonText),
    // Always throws EngineError "engine.exception" (see the top of this file).
    checkExceptionHandling: () => text(module, module._blankett_check_exception_handling),
  };
}
