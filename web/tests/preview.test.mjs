// The developer preview in the browser (`blankett serve --dev`, /preview/{form-id}):
// the WebAssembly build of the preview (Dear ImGui on WebGL2, SwiftShader in headless
// Chromium) against a real server over a copy of forms/skolskjuts.
//
// The canvas has no DOM, so the test reads what ImGui drew through the module's debug
// hook, window.blankettPreview.debug(): the widgets' rectangles by answer path (where to
// click), the selected field, the model's generation and the scenario results.
//
// Needs the preview built (scripts/build --wasm → build-wasm/preview/); set
// BLANKETT_PREVIEW_DIR to use another build.
// Run alone: cd web && node --test tests/preview.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser, screenshotPath, repoRoot, formsDir, watchPageErrors } from './harness.mjs';

const FORM = 'skolskjuts';
const previewDir = process.env.BLANKETT_PREVIEW_DIR || path.join(repoRoot, 'build-wasm', 'preview');

let server;
let browser;
let forms;  // a copy of the form: the preview saves scenarios into it

before(async () => {
  assert.ok(existsSync(path.join(previewDir, 'blankett_preview.wasm')),
    `no preview build in ${previewDir}: run scripts/build --wasm (or set BLANKETT_PREVIEW_DIR)`);
  forms = mkdtempSync(path.join(tmpdir(), 'blankett-preview-forms-'));
  cpSync(path.join(formsDir, FORM), path.join(forms, FORM), { recursive: true });
  server = await startServer({ forms, args: ['--dev', '--preview-dir', previewDir] });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (forms) rmSync(forms, { recursive: true, force: true });
});

const debug = (page) => page.evaluate(() => window.blankettPreview.debug());

// Waits until `n` more frames were drawn (ImGui reacts to input at the next frame).
async function frames(page, n = 2) {
  const start = (await debug(page)).frames;
  await page.waitForFunction((s) => window.blankettPreview.debug().frames >= s, start + n);
}

// Clicks the middle of a widget the preview drew, by its key in UiState::rects, the way a
// mouse does: move there, press, release, a frame or two apart.
async function clickWidget(page, key) {
  const d = await debug(page);
  const r = d.rects[key];
  assert.ok(r, `no widget '${key}' drawn; drawn: ${Object.keys(d.rects).join(', ')}`);
  const x = (r[0] + r[2]) / 2;
  const y = (r[1] + r[3]) / 2;
  await page.mouse.move(x, y);
  await frames(page);
  await page.mouse.down();
  await frames(page);
  await page.mouse.up();
  await frames(page);
}

test('the dev server says dev mode is on', () => {
  assert.match(server.output(), /developer mode \(--dev\) is ON/);
});

test('the preview loads skolskjuts, runs its scenarios, inspects a clicked field and saves a scenario', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = watchPageErrors(page);
  const res = await page.goto(`${server.baseUrl}/preview/${FORM}`);
  assert.equal(res.status(), 200);

  // Loaded: the form drawn from the served files, every scenario file run and passing.
  await page.waitForFunction(() => {
    const d = window.blankettPreview && window.blankettPreview.debug();
    return d && d.loaded && d.drawn_generation >= 1 && d.rects.pupil_name;
  }, null, { timeout: 30000 });
  let d = await debug(page);
  assert.equal(d.form_id, FORM);
  assert.equal(d.broken, false);
  const scenarioFiles = readdirSync(path.join(forms, FORM, 'tests')).filter((f) => f.endsWith('.json'));
  assert.equal(d.scenarios.length, scenarioFiles.length);
  for (const s of d.scenarios) assert.ok(s.ran && s.passed, `scenario ${s.file} did not pass in the preview`);
  assert.equal(d.width, 1280);

  // Clicking a field in the form panel selects it in the inspector, and the inspector
  // is drawn anew (the canvas changes).
  assert.notEqual(d.selected_path, 'pupil_name');
  const canvas = page.locator('#preview-canvas');
  const beforeClick = await canvas.screenshot();
  await clickWidget(page, 'pupil_name');
  await page.waitForFunction(() => window.blankettPreview.debug().selected_path === 'pupil_name', null, { timeout: 5000 });
  await frames(page);
  const afterClick = await canvas.screenshot();
  assert.notDeepEqual(afterClick, beforeClick, 'the canvas did not change when a field was selected');
  d = await debug(page);
  assert.ok(d.rects['#inspect:pupil_name'], 'the inspector lists pupil_name');

  // Typing goes into the clicked field (keyboard events reach ImGui through GLFW).
  await page.keyboard.type('Alva Berg');
  await page.waitForFunction(() => window.blankettPreview.debug().selected_answer === 'Alva Berg', null, { timeout: 5000 });

  // An edit of form.json on disk shows up without a reload of the page.
  const generation = (await debug(page)).generation;
  const formPath = path.join(forms, FORM, 'form.json');
  const definition = JSON.parse(readFileSync(formPath, 'utf8'));
  definition.description = { ...(definition.description || {}), sv: 'Ändrad i testet' };
  writeFileSync(formPath, JSON.stringify(definition, null, 2));
  await page.waitForFunction((g) => window.blankettPreview.debug().generation > g, generation, { timeout: 10000 });

  // Saving the filling as a scenario writes a new file into the form's tests/ through
  // the dev server; the preview lists and runs it.
  const filesBefore = new Set(readdirSync(path.join(forms, FORM, 'tests')));
  await clickWidget(page, '#save_scenario');
  await page.waitForFunction(() => /saved /.test(window.blankettPreview.debug().status), null, { timeout: 10000 });
  const added = readdirSync(path.join(forms, FORM, 'tests')).filter((f) => !filesBefore.has(f));
  assert.equal(added.length, 1, `expected one new scenario file, got ${added.join(', ')}`);
  assert.match(added[0], /^preview-\d{8}-\d{6}(-\d+)?\.json$/);
  const saved = JSON.parse(readFileSync(path.join(forms, FORM, 'tests', added[0]), 'utf8'));
  assert.ok(Array.isArray(saved.actions), 'the saved file is a scenario');
  await page.waitForFunction((n) => window.blankettPreview.debug().scenarios.length === n, scenarioFiles.length + 1, { timeout: 10000 });

  await page.screenshot({ path: screenshotPath('preview-skolskjuts') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a form folder that does not exist is a 404 page that says so', async () => {
  const page = await browser.newPage();
  const res = await page.goto(`${server.baseUrl}/preview/no-such-form`);
  assert.equal(res.status(), 404);
  await page.waitForFunction(() => document.querySelector('#preview-status').dataset.state === 'error');
  assert.match(await page.locator('#preview-status').textContent(), /no-such-form/);
  await page.close();
});
