// The engine built with Emscripten loads a real form in node and answers like the
// native build. Run: node --test runtime/wasm/ (after building build-wasm/); to test a
// build elsewhere, BLANKETT_WASM_DIR=/path/to/build node --test runtime/wasm/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, copyFileSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const buildDir = process.env.BLANKETT_WASM_DIR ? path.resolve(process.env.BLANKETT_WASM_DIR) : path.join(root, 'build-wasm');
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

test('changesForCurrentStepOnly leaves out changed fields of other steps', () => {
  const twoSteps = JSON.stringify({ format: 1, id: 'two', title: 'T', languages: ['en'], steps: [
    { id: 'one', title: 'One', fields: [
      { id: 'n', type: 'integer', label: 'N' },
      { id: 'here', type: 'integer', label: 'Here', calculate: 'n + 1' },
      { id: 'rows', type: 'group', label: 'Rows', fields: [{ id: 'r', type: 'integer', label: 'R', calculate: 'n * 2' }] }] },
    { id: 'two', title: 'Two', fields: [{ id: 'there', type: 'integer', label: 'There', calculate: 'n + 2' }] }] });
  const paths = (changes) => changes.fields.map((c) => c.path).sort();
  const all = engine.open(twoSteps, '2026-08-15');
  all.addRow('rows', 'en');
  assert.deepEqual(paths(all.set('n', 1, 'en')), ['here', 'n', 'rows/0/r', 'there']);
  const stepOnly = engine.open(twoSteps, '2026-08-15');
  stepOnly.addRow('rows', 'en');
  assert.equal(stepOnly.changesForCurrentStepOnly(), true);
  assert.deepEqual(paths(stepOnly.set('n', 1, 'en')), ['here', 'n', 'rows/0/r']);  // a group's rows are on its step
  assert.equal(stepOnly.next(), true);
  assert.deepEqual(paths(stepOnly.set('n', 2, 'en')), ['there']);                  // now step two is shown
  stepOnly.changesForCurrentStepOnly(false);
  assert.deepEqual(paths(stepOnly.set('n', 3, 'en')), ['here', 'n', 'rows/0/r', 'there']);
  all.dispose();
  stepOnly.dispose();
});

test('bad answers are errors in the view, not exceptions', () => {
  const form = engine.open(skolskjuts, '2026-08-15');
  const pnr = form.view('en').fields.find((f) => f.type === 'personnummer');
  const changes = form.set(pnr.path, '811218-9875', 'en');
  const view = changes.fields.find((c) => c.path === pnr.path).view;
  assert.equal(view.error.code, 'answer.format');
  assert.match(view.error.message, /personal identity number/);
  assert.throws(() => form.set('no_such_field', 'x'), EngineError);
  // A path that is not UTF-8 is an unknown field too, not an engine exception.
  assert.throws(() => form.set(Buffer.from('ff2f30', 'hex'), 'x'), (e) => e instanceof EngineError &&
    e.errors[0].code === 'answer.unknown_field' && e.errors[0].message.includes('\ufffd'));
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

// canonicalJson rebuilds the exact bytes a receipt's signature covers (docs/receipts.md):
// the example receipt there, pretty-printed with its keys in another order, gives the
// documented signed bytes.
test('canonicalJson gives the canonical text of any JSON text', () => {
  const signed = '{"form_id":"skolskjuts","form_version":"9f2c4e1b7a3d58c06e2f91d4b8a7c3e5f0d1a2b3c4d5e6f708192a3b4c5d6e7f",' +
    '"format":"blankett-receipt/1","key_id":"ed25519-7bbdb8887aec0220",' +
    '"previous_receipt_sha256":"6da0633528deaa0144e7b058315f0b753ec0b945163a72bf96a0d18180f9de0d",' +
    '"received_at":"2026-08-15T10:12:03Z","reference":"SKOL-2026-000123","sequence":123,' +
    '"submission_sha256":"8be6b72dc19f4055132fca464cb0cdf59b74998650424f61c87f9f23ce44bd48"}';
  const receipt = JSON.parse(signed);
  const reordered = Object.fromEntries(Object.entries(receipt).reverse());
  assert.equal(engine.canonicalJson(JSON.stringify(reordered, null, 2)), signed);
  assert.equal(engine.canonicalJson(signed), signed);
  // Sorted by byte value, escapes as nlohmann writes them, numbers as it writes them.
  assert.equal(engine.canonicalJson('{ "b": [1, -0, 2.5, 1e2, true, null], "B": "\\u00e5\\n\\u0001\\/", "a": {} }'),
    '{"B":"å\\n\\u0001/","a":{},"b":[1,0,2.5,100.0,true,null]}');
  assert.equal(engine.canonicalJson(' "x" '), '"x"');
});

test('long strings cross as the same UTF-8 as short ones, lone surrogates included', () => {
  // Over 1 KB, engine.mjs encodes with TextEncoder; the bytes must not change.
  const text = 'åäö 😀 Ünïcödé ' + 'x'.repeat(2000);
  assert.equal(engine.sha256(text), engine.sha256(Buffer.from(text, 'utf8')));
  assert.equal(engine.canonicalJson(JSON.stringify({ long: text })), JSON.stringify({ long: text }));
  // A lone surrogate is not UTF-8 whatever the length: refused the same way.
  const refusal = (input) => { try { engine.canonicalJson(input); return null; } catch (e) { return e.errors[0].code; } };
  const lone = String.fromCharCode(0xd800);
  const longRefusal = refusal('"' + 'y'.repeat(2000) + lone + '"');
  assert.notEqual(longRefusal, null);
  assert.equal(longRefusal, refusal('"' + lone + '"'));
});

test('canonicalJson refuses bad JSON with a json.syntax error', () => {
  for (const bad of ['{"a": }', '', '{"a": 1} x', '"\\ud800"', '[1,\n 2,\n tru]']) {
    assert.throws(() => engine.canonicalJson(bad), (e) => {
      assert.ok(e instanceof EngineError, String(e));
      assert.equal(e.errors[0].code, 'json.syntax');
      assert.ok(e.errors[0].line >= 1 && e.errors[0].column >= 1);
      return true;
    }, bad);
  }
  assert.throws(() => engine.canonicalJson('[1,\n 2,\n tru]'), (e) => e.errors[0].line === 3);
});

// The WASM build catches C++ exceptions only in its C entry points (wasm.cmake): one
// thrown inside must arrive as an EngineError, and the module must keep working
// afterwards. A number beyond a double used to be such an exception; it is an error with
// its position now, like any other bad JSON.
test('a C++ exception inside the engine becomes an EngineError', () => {
  for (let i = 0; i < 3; i++) {
    assert.throws(() => engine.checkExceptionHandling(), (e) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.errors[0].code, 'engine.exception');
      assert.match(e.errors[0].message, /thrown to check the handling/);
      return true;
    });
    assert.throws(() => engine.open('{"format": 1, "id": "x", "steps": [], "n": 1e999}', '2026-08-15'), (e) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.errors[0].code, 'json.number_too_large');
      assert.equal(e.errors[0].column, 44);
      return true;
    });
  }
  const form = engine.open(skolskjuts, '2026-08-15');
  assert.equal(form.view('en').form.id, 'skolskjuts');
  form.dispose();
});

test('arguments are checked as before and strings cross as UTF-8', () => {
  const form = engine.open(skolskjuts, '2026-08-15');
  assert.throws(() => form.removeRow('x', '1'), TypeError);
  assert.throws(() => form.set(5, 'x'), TypeError);
  assert.equal(form.goTo('no_such_step'), false);
  assert.equal(form.valid(), false);
  assert.deepEqual(form.field('no_such_field', 'en'), null);
  form.dispose();
  form.dispose();
  assert.equal(engine.sha256('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(engine.sha256(new Uint8Array([97, 98, 99])), engine.sha256('abc'));
  assert.equal(engine.sha256('å\u0000€'), engine.sha256(new TextEncoder().encode('å\u0000€')));
});
