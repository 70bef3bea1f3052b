// Blankett engine for JavaScript: the C++ engine compiled to WebAssembly, behind a
// small API of plain objects. Every rule runs in the engine; this file only converts
// JSON text to objects and back.
//
//   import { loadEngine } from './engine.mjs';
//   const engine = await loadEngine();                 // once per page
//   const form = engine.open(formJsonText, '2026-08-15');
//   form.set('pupil_name', 'Alva');                     // -> { fields: [...changed views], steps, rows }
//   form.view('sv');                                    // current step's view model
//   form.next(); form.back(); form.goTo('guardians');
//   form.draft(); form.restore(draft); form.submission();
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

export class FormFilling {
  constructor(module) {
    this.native = new module.Engine();
  }
  // Loads a form definition (JSON text). Throws EngineError with every load problem.
  load(formText, today) { return unwrap(this.native.load(formText, today)).form; }
  set(path, value, lang = '') { return unwrap(this.native.setAnswer(path, JSON.stringify(value ?? null), lang)); }
  clear(path, lang = '') { return unwrap(this.native.clearAnswer(path, lang)); }
  addRow(group, lang = '') { return unwrap(this.native.addRow(group, lang)); }
  removeRow(group, row, lang = '') { return unwrap(this.native.removeRow(group, row, lang)); }
  view(lang = '') { return JSON.parse(this.native.view(lang)); }
  summary(lang = '') { return JSON.parse(this.native.summary(lang)); }
  field(path, lang = '') { return JSON.parse(this.native.field(path, lang)); }
  errors(lang = '') { return JSON.parse(this.native.errors(lang)); }
  stepErrors(lang = '') { return JSON.parse(this.native.stepErrors(lang)); }
  next() { return this.native.next(); }
  back() { return this.native.back(); }
  goTo(stepId) { return this.native.goTo(stepId); }
  valid() { return this.native.valid(); }
  draft() { return JSON.parse(this.native.draft()); }
  // Restores a draft object; returns the answers that no longer fit the form.
  restore(draft) { return unwrap(this.native.restore(JSON.stringify(draft))).dropped; }
  // { document, bytes, sha256 }: the canonical submission, byte-identical to the server's.
  submission() { return JSON.parse(this.native.submission()); }
  dispose() { this.native.delete(); }
}

// Instantiates the module. In a browser it fetches blankett_engine.wasm next to this
// file; elsewhere (node tests) pass { wasmBinary }.
export async function loadEngine(options = {}) {
  const module = await createBlankettEngine(options);
  return {
    open(formText, today) {
      const filling = new FormFilling(module);
      filling.load(formText, today);
      return filling;
    },
    sha256: (text) => module.sha256(text),
    // Runs a scenario test: { name, passed, failures: [{action, pointer, message}], answers }.
    runScenario: (formText, scenarioText) => JSON.parse(module.runScenario(formText, scenarioText)),
  };
}
