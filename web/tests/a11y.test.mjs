// Accessibility of the citizen app: axe-core finds no WCAG 2.1 A/AA violation on any
// step of any example form (forms/*/form.json), in Swedish, English and Norwegian,
// including the error summary state, the check-your-answers page, the catalogue, the
// resume-a-draft page and a receipt; every state also reflows at 320 px without
// horizontal scrolling. Screenshots of each state go to web/test-output/screenshots/.
//
// Each form is filled through the UI with its happy-path scenario
// (forms/<id>/tests/happy-path*.json), with the browser's clock at the scenario's date.
//
// Everything runs under the app's real CSP: axe-core is served from the page's own
// origin through Playwright routing (/__axe/axe.min.js, fulfilled from
// web/node_modules/axe-core) and added as <script src>, which `script-src 'self'` allows.
// Any CSP violation is a console error, and every test fails on console errors.
//
// Also checked: the new UI of the form page (a choice list's filter box, on a test-only
// form in web/tests/fixtures/forms; a refused draft file; the "answers are not being
// saved" warning).
//
// Run alone: cd web && node --test tests/a11y.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, launchBrowser, screenshotPath, exampleForms, playScenarioInUi, watchPageErrors, webDir, fillAnswer, newAxeContext, axeRun } from './harness.mjs';

const FIXTURE_FORMS = path.join(webDir, 'tests/fixtures/forms');
const LANGS = ['sv', 'en', 'nb'];

let server;
let fixtureServer; // the test-only forms (web/tests/fixtures/forms)
let browser;

before(async () => {
  [server, fixtureServer, browser] = await Promise.all([startServer(), startServer({ forms: FIXTURE_FORMS }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await fixtureServer?.stop();
});

// A context whose pages get axe from their own origin.
function newContext(options = {}) {
  return newAxeContext(browser, { viewport: { width: 1024, height: 800 }, ...options });
}

async function switchLanguage(page, lang) {
  if ((await page.getAttribute('html', 'lang')) === lang) return;
  await page.locator(`#language-switch a[lang="${lang}"]`).click();
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
}

// Checks the page as it is now in every language (and at 320 px), then returns to the
// language it was in. Problems are collected, not thrown, so one run reports them all.
// prepare(page, lang): brings back state a language switch does not keep (a filter box's
// text) before each check.
async function checkState(page, name, problems, prepare = null) {
  const start = await page.getAttribute('html', 'lang');
  for (const lang of LANGS) {
    await switchLanguage(page, lang);
    if (prepare) await prepare(page, lang);
    const { violations, passes } = await axeRun(page);
    if (passes === 0) problems.push({ state: `${name} [${lang}]`, id: 'axe', help: 'axe checked nothing' });
    for (const v of violations) problems.push({ state: `${name} [${lang}]`, ...v });
    // One screenshot per state (in the language it was reached in) keeps the run short.
    if (lang === start) {
      // Without the language link's focus ring, which the switching left behind.
      await page.evaluate(() => document.activeElement && document.activeElement.closest('#language-switch') && document.activeElement.blur());
      await page.screenshot({ path: screenshotPath(`${name}-${lang}`), fullPage: true });
    }
  }
  await switchLanguage(page, start);
  await page.setViewportSize({ width: 320, height: 640 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (overflow > 0) problems.push({ state: `${name} [320px]`, id: 'reflow', help: `scrolls sideways by ${overflow}px at 320 px` });
  await page.setViewportSize({ width: 1024, height: 800 });
}

function report(problems) {
  return problems.map((p) => `${p.state}: ${p.id} (${p.impact || ''}) ${p.help}\n    ${(p.nodes || []).join('\n    ')}`).join('\n');
}

test('the catalogue has no WCAG 2.1 A/AA violations', async () => {
  const context = await newContext();
  const page = await context.newPage();
  const errors = watchPageErrors(page);
  await page.goto(`${server.baseUrl}/`);
  await page.waitForSelector('.catalogue__item');
  const problems = [];
  await checkState(page, 'catalogue', problems);
  assert.equal(await page.locator('.catalogue__item').count(), exampleForms().length);
  assert.deepEqual(problems, [], report(problems));
  assert.deepEqual(errors, []);
  await context.close();
});

for (const form of exampleForms()) {
  test(`${form.id}: every step, the error summary and check your answers pass axe in sv, en and nb`, async () => {
    const scenario = form.happyPaths[0] && form.happyPaths[0].scenario;
    assert.ok(scenario, `${form.id} has a happy-path scenario`);
    const context = await newContext();
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    // The scenario's date is the engine's today (ages, date rules).
    await page.clock.setFixedTime(new Date(`${scenario.today || '2026-01-01'}T10:00:00`));
    await page.goto(`${server.baseUrl}/f/${form.id}?lang=${scenario.language || form.definition.languages[0]}`);
    await page.waitForSelector('main:not([aria-busy]) #step-heading');
    const problems = [];
    const seen = new Set();

    // The first step as it opens, then its error summary (Continue with nothing answered).
    const first = await page.locator('form.step-form').getAttribute('data-step');
    await checkState(page, `${form.id}-${first}`, problems);
    seen.add(`${form.id}-${first}`);
    await page.click('#continue');
    await page.locator('#error-summary').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'error-summary');
    await checkState(page, `${form.id}-${first}-errors`, problems);
    seen.add(`${form.id}-${first}-errors`);

    // Each later step as it is first reached, and any later error state.
    await playScenarioInUi(page, scenario, async (p, kind) => {
      const step = await p.locator('form.step-form').getAttribute('data-step').catch(() => null);
      if (!step) return;
      const name = kind === 'errors' ? `${form.id}-${step}-errors` : `${form.id}-${step}`;
      if (seen.has(name)) return;
      seen.add(name);
      await checkState(p, name, problems);
    });

    // On to check your answers.
    for (let i = 0; i < 20 && (await page.locator('#check-heading').count()) === 0; i++) {
      const step = await page.locator('form.step-form').getAttribute('data-step');
      await page.click('#continue');
      await page.waitForFunction((b) => document.querySelector('#check-heading') || document.querySelector('#error-summary')
        || (document.querySelector('form.step-form') || {}).dataset?.step !== b, step);
      if (await page.locator('#error-summary').count()) {
        assert.fail(`${form.id}: the happy path left errors: ${await page.locator('#error-summary').textContent()}`);
      }
    }
    await page.locator('#check-heading').waitFor();
    await checkState(page, `${form.id}-check-answers`, problems);

    const steps = [...seen].filter((s) => !s.endsWith('-errors')).length;
    assert.ok(steps >= 3, `${form.id}: reached ${steps} steps`);
    assert.ok([...seen].some((s) => s.endsWith('-errors')), 'an error summary state was checked');
    assert.deepEqual(problems, [], report(problems));
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('the resume page and a receipt pass axe in every language', async () => {
  const context = await newContext();
  const page = await context.newPage();
  const errors = watchPageErrors(page);
  const problems = [];
  const skolskjuts = exampleForms().find((f) => f.id === 'skolskjuts');
  const scenario = skolskjuts.happyPaths[0].scenario;
  await page.goto(`${server.baseUrl}/f/skolskjuts?lang=en`);
  await page.waitForSelector('main:not([aria-busy]) #step-heading');
  await playScenarioInUi(page, { actions: scenario.actions.slice(0, 2) });
  await page.reload();
  await page.locator('#resume-continue').waitFor();
  await checkState(page, 'skolskjuts-resume', problems);
  await page.click('#resume-continue');
  await playScenarioInUi(page, { actions: scenario.actions.slice(2) });
  await page.click('#continue');
  await page.locator('#check-heading').waitFor();
  await page.click('#send');
  await page.locator('#receipt-heading').waitFor({ timeout: 15000 });
  assert.equal(await page.getAttribute('#receipt-verification', 'data-verified'), 'true');
  await checkState(page, 'skolskjuts-receipt', problems);
  assert.deepEqual(problems, [], report(problems));
  assert.deepEqual(errors, []);
  await context.close();
});

test('the form page\'s newer parts pass axe in every language: a filtered choice list, a refused draft file, the not-saved warning', async () => {
  const context = await newContext();
  // IndexedDB works when the page opens; writes fail once window.__failWrites is set.
  await context.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function failingPut(...args) {
      if (window.__failWrites) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
  });
  const page = await context.newPage();
  const errors = watchPageErrors(page);
  const problems = [];

  // A 150-option choice (a select) and a 30-option multichoice (checkboxes), both with
  // "search": true, filtered (the text is typed again after each language switch).
  await page.goto(`${fixtureServer.baseUrl}/f/kommunval?lang=sv`);
  await page.waitForSelector('main:not([aria-busy]) #step-heading');
  const filter = async (p) => {
    await p.fill('#f-municipality-filter', 'karl');
    await p.fill('#f-languages-filter', 'a');
    await p.waitForFunction(() => document.getElementById('f-languages-filter-status').textContent !== ''
      && document.getElementById('f-municipality-filter-status').textContent !== '');
  };
  await filter(page);
  await checkState(page, 'kommunval-filtered', problems, filter);

  // A file that is not a draft of this form, and draft saves failing.
  await page.goto(`${server.baseUrl}/f/skolskjuts?lang=en`);
  await page.waitForSelector('main:not([aria-busy]) #step-heading');
  await page.locator('#draft-file').setInputFiles({ name: 'receipt.json', mimeType: 'application/json',
    buffer: Buffer.from('{"format": "blankett-receipt/1"}') });
  await page.locator('#draft-file-error').waitFor();
  await page.evaluate(() => { window.__failWrites = true; });
  await fillAnswer(page, 'pupil_name', 'Alva Berg');
  await page.locator('#draft-not-saved').waitFor();
  await checkState(page, 'skolskjuts-file-error-not-saved', problems);
  assert.deepEqual(problems, [], report(problems));
  assert.deepEqual(errors, []);
  await context.close();
});
