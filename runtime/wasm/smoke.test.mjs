// The engine built with Emscripten loads a real form in node and answers like the
// native build. Run: node --test runtime/wasm/ (after building build-wasm/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, copyFileSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const buildDir = process.env.BLANKETT_WASM_DIR || path.join(root, 'build-wasm');
// engine.mjs imports ./blankett_engine.mjs: put the wrapper beside the build output.
copyFileSync(path.join(here, 'engine.mjs'), path.join(buildDir, 'engine.mjs'));
const { loadEngine, EngineError } = await import(path.join(buildDir, 'engine.mjs'));
const wasmBinary = readFileSync(path.join(buildDir, 'blankett_engine.wasm'));
const engine = await loadEngine({ wasmBinary });

const skolskjuts = readFileSync(path.join(root, 'forms/skolskjuts/form.json'), 'utf8');

test('loads a form and answers change the view', () => {
  const form = engine.open(skolskjuts, '2026-08-15');
  const view = form.view('en');
  assert.equal(view.form.id, 'skolskjuts');
  assert.equal(view.first, true);
  const before = form.stepErrors('en');
  assert.ok(before.length > 0, 'an empty first step has errors');
  const first = view.fields.find((f) => f.type === 'text' && f.required);
  const changes = form.set(first.path, 'Alva Berg', 'en');
  const changed = changes.fields.find((c) => c.path === first.path);
  assert.ok(changed, 'the answered field is reported changed');
  assert.equal(changed.view.value, 'Alva Berg');
  assert.equal(changed.view.error, null);
  assert.equal(form.stepErrors('en').length, before.length - 1);
  form.dispose();
});

test('bad answers are errors in the view, not exceptions', () => {
  const form = engine.open(skolskjuts, '2026-08-15');
  const pnr = form.view('en').fields.find((f) => f.type === 'personnummer');
  const changes = form.set(pnr.path, '811218-9875', 'en');
  const view = changes.fields.find((c) => c.path === pnr.path).view;
  assert.equal(view.error.code, 'answer.format');
  assert.match(view.error.message, /personal identity number/);
  assert.throws(() => form.set('no_such_field', 'x'), EngineError);
  form.dispose();
});

test('a broken form reports every problem with its pointer', () => {
  assert.throws(() => engine.open('{"format": 1, "id": "x", "steps": []}', '2026-08-15'), (e) => {
    assert.ok(e instanceof EngineError);
    const codes = e.errors.map((x) => x.code);
    assert.ok(codes.includes('form.missing_key'));
    assert.ok(codes.includes('form.wrong_type'));
    return true;
  });
});

test('drafts round-trip and the submission hash is the SHA-256 of its bytes', () => {
  const form = engine.open(skolskjuts, '2026-08-15');
  const first = form.view('en').fields.find((f) => f.type === 'text' && f.required);
  form.set(first.path, '  Alva  ');
  const draft = form.draft();
  const other = engine.open(skolskjuts, '2026-08-15');
  assert.deepEqual(other.restore(draft), []);
  const a = form.submission();
  const b = other.submission();
  assert.equal(a.bytes, b.bytes);
  assert.equal(a.document.answers[first.id], 'Alva');
  assert.equal(a.sha256, engine.sha256(a.bytes));
  assert.match(a.sha256, /^[0-9a-f]{64}$/);
});

// Every scenario of every example form passes in WASM too. The scenarios pin exact
// canonical submissions, errors and values, and `blankett test forms/` checks the same
// files natively: together they show both builds decide the same.
test('every example scenario passes in the WASM engine', () => {
  const formsDir = path.join(root, 'forms');
  let count = 0;
  for (const id of readdirSync(formsDir)) {
    const formFile = path.join(formsDir, id, 'form.json');
    const testsDir = path.join(formsDir, id, 'tests');
    if (!existsSync(formFile) || !existsSync(testsDir)) continue;
    const formText = readFileSync(formFile, 'utf8');
    for (const file of readdirSync(testsDir).filter((f) => f.endsWith('.json'))) {
      const result = engine.runScenario(formText, readFileSync(path.join(testsDir, file), 'utf8'));
      assert.equal(result.passed, true, `${id}/tests/${file}: ${JSON.stringify(result.failures ?? result.errors)}`);
      count++;
    }
  }
  assert.ok(count >= 16, `found only ${count} scenarios`);
});
