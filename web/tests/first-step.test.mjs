// The first step the server draws into a form page (server/first_step_html.cc) must be
// the markup render.js and app-form.js build for the same view, or the page would change
// under the citizen when the engine takes over. Compared here element by element, for
// every field type (web/tests/fixtures/forms/every-field) and every example form, in every
// language: the page as it arrives (engine held back), then the live step. The page as it
// arrives also passes axe (WCAG 2.1 A/AA).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser, newAxeContext, axeRun, formsDir, webDir } from './harness.mjs';

let server;
let browser;
let forms;
const formsHere = mkdtempSync(path.join(tmpdir(), 'blankett-first-step-'));

before(async () => {
  for (const id of readdirSync(formsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
    cpSync(path.join(formsDir, id), path.join(formsHere, id), { recursive: true });
  }
  cpSync(path.join(webDir, 'tests/fixtures/forms/every-field'), path.join(formsHere, 'every-field'), { recursive: true });
  forms = readdirSync(formsHere).map((id) => JSON.parse(readFileSync(path.join(formsHere, id, 'form.json'), 'utf8')));
  server = await startServer({ forms: formsHere });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  rmSync(formsHere, { recursive: true, force: true });
});

// The step's elements as data: tag, attributes, children, and the state a citizen sees
// (value, checked). The server writes that state as attributes (value, checked, selected,
// a textarea's text); render.js sets it as properties: the properties are compared.
function stepOfPage(live) {
  const canon = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return node.data;
    if (node.nodeType !== Node.ELEMENT_NODE) return null;
    const tag = node.localName;
    const attrs = {};
    for (const a of node.attributes) attrs[a.name] = a.value;
    const out = { tag };
    const toggles = node.type === 'radio' || node.type === 'checkbox';
    if (tag === 'input' && toggles) out.checked = node.checked;
    if ((tag === 'input' && !toggles && node.type !== 'file') || tag === 'select' || tag === 'textarea') {
      out.value = node.value;
      delete attrs.value;
    }
    delete attrs.checked;
    delete attrs.selected;
    if (tag === 'form') delete attrs.inert;
    out.attrs = attrs;
    const children = [];
    for (const child of tag === 'textarea' ? [] : node.childNodes) {
      const c = canon(child);
      // Empty text nodes (render.js appends '' for a missing hint) are nothing to see, and
      // adjacent text nodes read as one.
      if (c === null || c === '') continue;
      if (typeof c === 'string' && typeof children[children.length - 1] === 'string') children[children.length - 1] += c;
      else children.push(c);
    }
    out.children = children;
    return out;
  };
  const main = document.getElementById('main');
  const parts = live
    ? ['#step-progress', '#step-heading', '#step-description', 'form.step-form'].map((s) => main.querySelector(s)).filter(Boolean)
    : [...main.children].filter((el) => el.localName !== 'noscript');
  return { lang: document.documentElement.lang, title: document.title, parts: parts.map(canon) };
}

for (const lang of ['sv', 'en', 'nb']) {
  test(`the server's first step is render.js's, for every form in ${lang}`, async () => {
    let checked = 0;
    for (const form of forms) {
      if (!form.languages.includes(lang)) continue;
      const context = await newAxeContext(browser, { serviceWorkers: 'block' });
      let release;
      const held = new Promise((resolve) => { release = resolve; });
      await context.route('**/engine/blankett_engine.wasm', async (route) => { await held; await route.continue(); });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${server.baseUrl}/f/${form.id}?lang=${lang}`, { waitUntil: 'domcontentloaded' });
      await page.locator('main[aria-busy="true"] form.step-form[inert]').waitFor();
      const early = await page.evaluate(stepOfPage, false);
      // What a screen reader meets while the engine loads passes axe too.
      const { passes, violations } = await axeRun(page);
      assert.deepEqual(violations, [], `${form.id} in ${lang}, before the engine`);
      assert.ok(passes > 10, `axe ran its checks (${passes} passed)`);
      release();
      await page.locator('main:not([aria-busy]) form.step-form:not([inert])').waitFor();
      const live = await page.evaluate(stepOfPage, true);
      assert.equal(early.lang, lang);
      assert.ok(early.parts.length >= 3, `${form.id}: progress, heading and form`);
      assert.deepEqual(early, live, `${form.id} in ${lang}`);
      assert.deepEqual(errors, []);
      await context.close();
      checked += 1;
    }
    assert.ok(checked >= 2, `forms checked in ${lang}: ${checked}`);
  });
}

test('the every-field form puts every field type on its first step', () => {
  // What the comparison above covers: if this fixture loses a type, it says so here.
  const form = forms.find((f) => f.id === 'every-field');
  const types = new Set(form.steps[0].fields.map((f) => f.type));
  for (const type of ['text', 'textarea', 'integer', 'decimal', 'date', 'yesno', 'choice', 'multichoice', 'email', 'phone',
    'personnummer', 'orgnummer', 'postalcode', 'attachment', 'info', 'group']) {
    assert.ok(types.has(type), type);
  }
  const fields = form.steps[0].fields;
  assert.ok(fields.some((f) => f.calculate), 'a calculated value');
  assert.ok(fields.some((f) => f.search && f.options.length > 7) && fields.some((f) => f.search && f.options.length <= 7),
    'filter boxes over a select and over radios');
  assert.ok(fields.some((f) => f.visible_if), 'a hidden field');
});
