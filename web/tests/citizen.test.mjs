// The citizen's way through the school transport form (skolskjuts) in Debian's Chromium
// against a real `blankett serve`: errors and the error summary, a conditional step,
// the language switch, drafts, check your answers, sending and a verified receipt; a
// repeat group's add/remove focus (kulturskola); an attachment sent as multipart; answers
// saved to a file and continued on another device; what the citizen is told when the
// device stops saving; a long choice list's filter box (a test-only form in
// web/tests/fixtures/forms); the first step, drawn into the page by the server, before
// the engine has loaded.
//
// Run alone: cd web && node --test tests/citizen.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, counterValue, watchPageErrors, screenshotPath, inputIdFor, fillAnswer, sampleFileBytes, webDir } from './harness.mjs';

let server;
let fixtureServer; // the test-only forms (web/tests/fixtures/forms)
let browser;

before(async () => {
  [server, fixtureServer, browser] = await Promise.all([startServer(),
    startServer({ forms: path.join(webDir, 'tests/fixtures/forms') }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await fixtureServer?.stop();
});

// IndexedDB works when the page opens (so the app trusts it); every put() fails once
// the page sets window.__failWrites, as when the disk fills up mid-session.
function failWritesOnRequest() {
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function failingPut(...args) {
    if (window.__failWrites) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    return put.apply(this, args);
  };
}

const active = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);
const progress = (page) => page.locator('#step-progress').textContent();
const accepted = async (form) => counterValue(await server.metrics(), 'blankett_submissions_accepted_total', form ? { form } : {});

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
  const page = await context.newPage();
  return { context, page, errors: watchPageErrors(page) };
}

// Waits until the device holds this form's draft with these answers (and step, if given).
// A draft is written on the next task after a change, and durably (IndexedDB 'strict'): a
// reload sooner than that write takes can abort it, so a test that reloads to be offered
// the draft waits for it first.
async function draftSaved(page, formId, { answers = {}, step } = {}, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  let draft = null;
  for (;;) {
    draft = await page.evaluate(async (id) => {
      const { loadDraft } = await import('/js/storage.js');
      const saved = await loadDraft(id);
      return saved ? saved.draft : null;
    }, formId);
    if (typeof draft === 'string') draft = JSON.parse(draft);
    const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    if (draft && (step === undefined || draft.step === step)
        && Object.entries(answers).every(([path, value]) => same(draft.answers[path], value))) return;
    if (Date.now() > deadline) {
      assert.fail(`the device has not saved the draft of ${formId} with ${JSON.stringify({ step, answers })}; it holds ${JSON.stringify(draft)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Types into a field with the keyboard (focus, select all, type) and leaves it with Tab.
async function typeField(page, path, text) {
  await page.locator(`#${inputIdFor(path)}`).focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
  await page.keyboard.press('Tab');
}

// Chooses a radio with the keyboard: focus it, press Space.
async function chooseRadio(page, path, value) {
  await page.locator(`[data-path="${path}"] input[value="${value}"]`).focus();
  await page.keyboard.press('Space');
}

// Clicks a download link and reads the file the browser saved.
async function download(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const href = await page.getAttribute(selector, 'href');
  const text = readFileSync(await file.path(), 'utf8');
  return { href, download: file.suggestedFilename(), text };
}

test('a guardian applies for school transport with the keyboard and gets a verified receipt', async () => {
  const { context, page, errors } = await newPage();
  const acceptedBefore = await accepted('skolskjuts');

  // The catalogue lists the form; its link opens the form in the chosen language.
  await page.goto(`${server.baseUrl}/?lang=en`);
  await page.getByRole('link', { name: 'School transport application' }).click();
  await page.waitForSelector('main:not([aria-busy]) #step-heading');
  assert.equal(await page.title(), 'Pupil – School transport application – Blankett');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await progress(page), 'Step 1 of 4');
  assert.equal(await page.getAttribute('#f-pupil_name', 'aria-describedby'), 'f-pupil_name-hint', 'the hint is read with the input');

  // An error is not shown while typing, only once the field is left.
  await page.locator('#f-pupil_pnr').focus();
  await page.keyboard.type('8112');
  assert.equal(await page.locator('#f-pupil_pnr-error').count(), 0, 'no error while typing');
  await page.keyboard.press('Tab');
  await page.locator('#f-pupil_pnr-error').waitFor();
  assert.match(await page.locator('#f-pupil_pnr-error').textContent(), /personal identity number/);
  assert.equal(await page.getAttribute('#f-pupil_pnr', 'aria-invalid'), 'true');
  assert.match(await page.getAttribute('#f-pupil_pnr', 'aria-describedby'), /f-pupil_pnr-error/);
  assert.equal(await page.locator('#f-pupil_name-error').count(), 0, 'untouched fields show no error yet');

  // Continue with missing and wrong answers: the summary lists them and has focus.
  await page.keyboard.press('Shift+Tab'); // back in the pnr field; Enter submits the step
  await page.keyboard.press('Enter');
  await page.locator('#error-summary').waitFor();
  assert.equal(await active(page), 'error-summary');
  assert.equal(await page.getAttribute('#error-summary', 'role'), 'alert');
  assert.equal(await page.locator('#error-summary h2').textContent(), 'There is a problem');
  assert.equal(await page.title(), 'Error: Pupil – School transport application – Blankett');
  const links = await page.locator('#error-summary a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
  assert.deepEqual(links[0], ['#f-pupil_name', 'Fill in “Pupil’s name”']);
  assert.ok(links.some(([href, text]) => href === '#f-pupil_pnr' && /personal identity number/.test(text) && !/^Fill in/.test(text)),
    'the wrong personnummer is listed with its format message');
  assert.ok(links.some(([href]) => href === '#f-school'), 'radio errors link to the first radio');
  assert.equal(await page.locator('[data-path="pupil_name"] .error-message').count(), 1, 'every error shows at its field');
  // The summary's links move focus to the fields.
  await page.locator('#error-summary a[href="#f-school"]').click();
  assert.equal(await active(page), 'f-school');
  await page.locator('#error-summary a[href="#f-pupil_name"]').click();
  assert.equal(await active(page), 'f-pupil_name');

  // Fill the step with the keyboard.
  await page.keyboard.type('Alva Berg');
  await page.keyboard.press('Tab');
  await typeField(page, 'pupil_pnr', '20140312-9982');
  assert.equal(await page.locator('#f-pupil_age').textContent(), '12', 'the calculated age follows the personnummer');
  assert.equal(await page.locator('#f-pupil_pnr-error').count(), 0, 'a corrected answer loses its error');
  await page.locator('#f-school_year').focus();
  await page.locator('#f-school_year').selectOption('6');
  await chooseRadio(page, 'school', 'other');
  assert.equal(await page.locator('[data-path="school_other"]').isVisible(), true, 'another school asks for its name');
  await chooseRadio(page, 'school', 'kvarnbacken');
  assert.equal(await page.locator('[data-path="school_other"]').isVisible(), false);
  await typeField(page, 'home_address', 'Storgatan 12');
  await typeField(page, 'postal_code', '82430');
  await typeField(page, 'postal_town', 'Hudiksvall');
  await typeField(page, 'distance_km', '5,5');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await page.waitForSelector('main:not([aria-busy]) form[data-step="reason"]');
  assert.equal(await progress(page), 'Step 2 of 4');
  assert.equal(await active(page), 'step-heading', 'a new step moves focus to its heading');
  assert.equal(await page.title(), 'Reason for school transport – School transport application – Blankett');

  // The draft is kept on the device: a reload offers to continue.
  await draftSaved(page, 'skolskjuts', { step: 'reason', answers: { pupil_name: 'Alva Berg', distance_km: '5,5' } });
  await page.reload();
  await page.locator('#resume-continue').waitFor();
  await page.locator('#resume-continue').click();
  await page.waitForSelector('main:not([aria-busy]) form[data-step="reason"]');
  await page.click('#back');
  await page.waitForSelector('main:not([aria-busy]) form[data-step="pupil"]');
  assert.equal(await page.inputValue('#f-pupil_name'), 'Alva Berg', 'answers survive a reload');
  assert.equal(await page.inputValue('#f-distance_km'), '5,5');
  await page.click('#continue');
  await page.waitForSelector('main:not([aria-busy]) form[data-step="reason"]');

  // A conditional step appears and disappears with an answer.
  await chooseRadio(page, 'transport_reason', 'distance');
  assert.equal(await page.locator('#f-distance_limit_km').textContent(), '4');
  await chooseRadio(page, 'needs_support', 'true');
  assert.equal(await progress(page), 'Step 2 of 5', 'the support step appeared');
  await chooseRadio(page, 'needs_support', 'false');
  assert.equal(await progress(page), 'Step 2 of 4', 'the support step disappeared');
  await chooseRadio(page, 'needs_support', 'true');
  await page.click('#continue');
  await page.waitForSelector('main:not([aria-busy]) form[data-step="guardians"]');
  assert.equal(await progress(page), 'Step 3 of 5');

  await chooseRadio(page, 'custody', 'joint');
  await typeField(page, 'guardian1_name', 'Karin Berg');
  await typeField(page, 'guardian1_pnr', '19811218-9876');
  await typeField(page, 'guardian1_email', 'karin.berg@example.se');
  await typeField(page, 'guardian1_phone', '070-123 45 67');
  await typeField(page, 'guardian2_name', 'Johan Berg');
  await typeField(page, 'guardian2_pnr', '850704-9982');
  await typeField(page, 'guardian2_email', 'johan.berg@example.se');
  await typeField(page, 'guardian2_phone', '+46 70 765 43 21');
  await page.click('#continue');
  await page.waitForSelector('main:not([aria-busy]) form[data-step="support"]');
  assert.equal(await progress(page), 'Step 4 of 5');
  await chooseRadio(page, 'wheelchair', 'true');
  await typeField(page, 'support_description', 'Alva behöver en bil med ramp.');
  await fillAnswer(page, 'medical_certificate', [{ name: 'intyg.pdf', type: 'application/pdf' }]);
  await page.click('#continue');
  await page.waitForSelector('main:not([aria-busy]) form[data-step="confirm"]');

  // Language switch keeps every answer: re-rendered from the engine in Swedish.
  await page.locator('#language-switch a[lang="sv"]').click();
  assert.equal(await page.getAttribute('html', 'lang'), 'sv');
  assert.equal(await page.locator('#step-heading').textContent(), 'Bekräfta och skicka');
  assert.equal(await page.title(), 'Bekräfta och skicka – Ansökan om skolskjuts – Blankett');
  assert.equal(await active(page), '', 'focus stays on the language link (it has no id)');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('lang')), 'sv');
  await page.click('#back');
  await page.waitForSelector('main:not([aria-busy]) form[data-step="support"]');
  assert.equal(await page.locator('[data-path="support_description"] label').textContent(), 'Beskriv vilket stöd eleven behöver under resan');
  assert.equal(await page.inputValue('#f-support_description'), 'Alva behöver en bil med ramp.');
  assert.equal(await page.isChecked('[data-path="wheelchair"] input[value="true"]'), true);
  await page.locator('#language-switch a[lang="en"]').click();
  assert.equal(await page.locator('#step-heading').textContent(), 'Special support during transport');

  // Hide the support step again: its answers must not be sent.
  await page.click('#back');
  await page.waitForSelector('main:not([aria-busy]) form[data-step="guardians"]');
  assert.equal(await page.inputValue('#f-guardian2_name'), 'Johan Berg');
  await page.click('#back');
  await page.waitForSelector('main:not([aria-busy]) form[data-step="reason"]');
  await chooseRadio(page, 'needs_support', 'false');
  assert.equal(await progress(page), 'Step 2 of 4');
  await page.click('#continue');
  await page.waitForSelector('main:not([aria-busy]) form[data-step="guardians"]');
  await page.click('#continue');
  await page.waitForSelector('main:not([aria-busy]) form[data-step="confirm"]');
  assert.equal(await progress(page), 'Step 4 of 4');

  // The last step's own error, then check your answers.
  await page.click('#continue');
  await page.locator('#error-summary').waitFor();
  assert.equal(await active(page), 'error-summary');
  assert.match(await page.locator('#error-summary').textContent(), /I confirm that the information/);
  await chooseRadio(page, 'confirm_correct', 'true');
  await page.click('#continue');
  await page.waitForSelector('#check-heading');
  assert.equal(await page.title(), 'Check your answers before sending – School transport application – Blankett');
  const summaryText = await page.locator('.answer-summary').textContent();
  assert.match(summaryText, /Alva Berg/);
  assert.match(summaryText, /824 30/);
  assert.doesNotMatch(summaryText, /wheelchair|Medical certificate/, 'the hidden step is not in the summary');
  await page.screenshot({ path: screenshotPath('citizen-check-answers'), fullPage: true });

  // A change link goes to the field; Continue comes back to the check page.
  await page.locator('[data-change="postal_town"]').click();
  await page.waitForSelector('main:not([aria-busy]) form[data-step="pupil"]');
  assert.equal(await active(page), 'f-postal_town');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Hudiksvall C');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#check-heading');
  assert.match(await page.locator('[data-path="postal_town"]').textContent(), /Hudiksvall C/);
  // The check page offers the answers as a file too.
  const copy = await download(page, '#save-draft-file');
  assert.equal(JSON.parse(copy.text).answers.postal_town, 'Hudiksvall C');

  // Send: a receipt, verified in the browser against the server's key.
  await page.click('#send');
  await page.waitForSelector('#receipt-heading', { timeout: 15000 });
  assert.equal(await page.getAttribute('#receipt-verification', 'data-verified'), 'true', await page.locator('main').textContent());
  const reference = await page.locator('#receipt-reference').textContent();
  assert.match(reference, /^SKOL-\d{4}-\d{6}$/);
  assert.match(await page.locator('#receipt-verification').textContent(), /Receipt verified/);
  assert.equal(await accepted('skolskjuts'), acceptedBefore + 1, 'the server accepted exactly one submission');

  const receipt = await download(page, '#download-receipt');
  assert.match(receipt.href, /^blob:/);
  assert.equal(receipt.download, `${reference}.json`);
  const receiptJson = JSON.parse(receipt.text);
  assert.equal(receiptJson.reference, reference);
  assert.match(receiptJson.signature, /^[A-Za-z0-9_-]{86}$/);
  const sent = await download(page, '#download-submission');
  assert.equal(createHash('sha256').update(sent.text).digest('hex'), receiptJson.submission_sha256,
    'the downloaded submission is exactly what the receipt covers');
  const answers = JSON.parse(sent.text).answers;
  assert.equal(answers.needs_support, false);
  assert.equal(answers.postal_town, 'Hudiksvall C');
  assert.equal(answers.guardian2_pnr, '19850704-9982');
  for (const hidden of ['wheelchair', 'support_description', 'medical_certificate']) {
    assert.ok(!(hidden in answers), `${hidden} (hidden step) was not submitted`);
  }
  const whatSent = await page.locator('.answer-summary').textContent();
  assert.match(whatSent, /Hudiksvall C/);
  assert.doesNotMatch(whatSent, /wheelchair/);
  await page.screenshot({ path: screenshotPath('citizen-receipt'), fullPage: true });

  // The draft is gone once the receipt is verified: a reload starts afresh.
  await page.goto(`${server.baseUrl}/f/skolskjuts?lang=en`);
  await page.waitForSelector('main:not([aria-busy]) #step-heading');
  assert.equal(await page.locator('#resume-continue').count(), 0, 'no draft is offered after sending');
  assert.equal(await page.inputValue('#f-pupil_name'), '');
  assert.match(await page.locator('#sent-earlier').textContent(), new RegExp(reference));
  assert.equal(await accepted('skolskjuts'), acceptedBefore + 1, 'still exactly one');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an attachment is hashed in the browser and sent with the answers (multipart)', async () => {
  const { context, page, errors } = await newPage();
  const before = await accepted('skolskjuts');
  await page.goto(`${server.baseUrl}/f/skolskjuts?lang=en`);
  await page.waitForSelector('main:not([aria-busy]) #step-heading');
  const answers = {
    pupil_name: 'Nils Berg', pupil_pnr: '20140312-9982', school_year: '2', school: 'sjoviken', home_address: 'Storgatan 12',
    postal_code: '82430', postal_town: 'Hudiksvall', distance_km: '3',
  };
  for (const [p, v] of Object.entries(answers)) await fillAnswer(page, p, v);
  await page.click('#continue');
  await page.waitForSelector('main:not([aria-busy]) form[data-step="reason"]');
  await fillAnswer(page, 'transport_reason', 'disability');
  await fillAnswer(page, 'needs_support', true);
  await page.click('#continue');
  await page.waitForSelector('main:not([aria-busy]) form[data-step="guardians"]');
  for (const [p, v] of Object.entries({ custody: 'sole', guardian1_name: 'Karin Berg', guardian1_pnr: '19811218-9876',
    guardian1_email: 'karin@example.se', guardian1_phone: '0701234567' })) await fillAnswer(page, p, v);
  await page.click('#continue');
  await page.waitForSelector('main:not([aria-busy]) form[data-step="support"]');
  await fillAnswer(page, 'wheelchair', false);
  await fillAnswer(page, 'support_description', 'Fast plats nära föraren.');
  // A file of the wrong type is refused by the engine's rule (accept), shown at the field.
  await page.locator('#f-medical_certificate').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await page.locator('#f-medical_certificate-error').waitFor();
  await page.locator('[data-path="medical_certificate"] .file-list__item button').click();
  assert.equal(await active(page), 'f-medical_certificate', 'removing a file returns focus to the file input');
  const pdf = sampleFileBytes('application/pdf', 'intyg');
  await page.locator('#f-medical_certificate').setInputFiles({ name: 'intyg.pdf', mimeType: 'application/pdf', buffer: pdf });
  await page.waitForSelector('[data-path="medical_certificate"] .file-list__item');
  await page.waitForFunction(() => !document.querySelector('#f-medical_certificate-error'));
  await page.click('#continue');
  await page.waitForSelector('main:not([aria-busy]) form[data-step="confirm"]');
  await fillAnswer(page, 'confirm_correct', true);
  await page.click('#continue');
  await page.waitForSelector('#check-heading');
  assert.match(await page.locator('[data-path="medical_certificate"]').textContent(), /intyg\.pdf/);
  await page.click('#send');
  await page.waitForSelector('#receipt-heading', { timeout: 15000 });
  assert.equal(await page.getAttribute('#receipt-verification', 'data-verified'), 'true', await page.locator('main').textContent());
  const sent = JSON.parse((await download(page, '#download-submission')).text).answers;
  assert.deepEqual(sent.medical_certificate, [{ name: 'intyg.pdf', type: 'application/pdf', size: pdf.length,
    sha256: createHash('sha256').update(pdf).digest('hex') }]);
  assert.equal(await accepted('skolskjuts'), before + 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('repeat group rows are added and removed with focus where the citizen expects it', async () => {
  const { context, page, errors } = await newPage();
  await page.goto(`${server.baseUrl}/f/kulturskola?lang=en`);
  await page.waitForSelector('main:not([aria-busy]) #step-heading');
  for (const [p, v] of Object.entries({ guardian_name: 'Maria Lindqvist', guardian_pnr: '840312-2388',
    guardian_email: 'maria@example.se', guardian_phone: '070-123 45 67', guardian_address: 'Storgatan 12 B',
    guardian_postal_code: '41301', guardian_city: 'Göteborg' })) await fillAnswer(page, p, v);
  await page.click('#continue');
  await page.waitForSelector('main:not([aria-busy]) form[data-step="pupils"]');
  assert.equal(await page.locator('.repeat-group__row').count(), 1);
  await fillAnswer(page, 'children/0/child_name', 'Elsa');
  await fillAnswer(page, 'children/0/needs_adaptation', true);
  assert.equal(await page.locator('[data-path="children/0/adaptation_description"]').isVisible(), true, 'a row field appears in its row');

  // Add: focus goes to the new row's first field, and the change is announced.
  await page.locator('[data-action="add-row"]').focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('.repeat-group__row').count(), 2);
  assert.equal(await active(page), 'f-children-1-child_name');
  await page.keyboard.type('Vilgot');
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => /Child 2 added/.test(document.getElementById('announcer').textContent));
  assert.equal(await page.inputValue('#f-children-0-child_name'), 'Elsa', 'the first row keeps its answers');

  // Remove the first row: later rows move up and focus goes to the row now in its place.
  await page.locator('#f-children-row-0 [data-action="remove-row"]').click();
  assert.equal(await page.locator('.repeat-group__row').count(), 1);
  assert.equal(await page.inputValue('#f-children-0-child_name'), 'Vilgot');
  assert.equal(await active(page), 'f-children-0-child_name');
  assert.equal(await page.locator('[data-action="remove-row"]').count(), 0, 'the last required row cannot be removed');

  // Errors inside rows link to the row's fields.
  await page.click('#continue');
  await page.locator('#error-summary').waitFor();
  await page.locator('#error-summary a[href="#f-children-0-activity"]').click();
  assert.equal(await active(page), 'f-children-0-activity');
  assert.deepEqual(errors, []);
  await context.close();
});

// Fills the school transport form without support (no attachment) and stops on the
// check-your-answers page.
async function fillSkolskjutsToCheck(page) {
  const steps = [
    { pupil_name: 'Alva Berg', pupil_pnr: '20140312-9982', school_year: '6', school: 'kvarnbacken',
      home_address: 'Storgatan 12', postal_code: '82430', postal_town: 'Hudiksvall', distance_km: '5,5' },
    { transport_reason: 'distance', needs_support: false },
    { custody: 'sole', guardian1_name: 'Karin Berg', guardian1_pnr: '19811218-9876',
      guardian1_email: 'karin.berg@example.se', guardian1_phone: '070-123 45 67' },
    { confirm_correct: true },
  ];
  for (const answers of steps) {
    for (const [p, v] of Object.entries(answers)) await fillAnswer(page, p, v);
    await page.click('#continue');
  }
  await page.waitForSelector('#check-heading');
}

test('sent while offline: saved on the device, sent when back online, then the receipt', async () => {
  const { context, page, errors } = await newPage();
  const before = await accepted('skolskjuts');
  await page.goto(`${server.baseUrl}/f/skolskjuts?lang=en`);
  await page.waitForSelector('main:not([aria-busy]) #step-heading');
  await fillSkolskjutsToCheck(page);
  // The browser's back and forward buttons walk the steps and the check page too.
  await page.goBack();
  await page.waitForSelector('main:not([aria-busy]) form[data-step="confirm"]');
  await page.goForward();
  await page.waitForSelector('#check-heading');

  // The service worker has what the page needs offline (web/js/sw-register.js).
  await page.waitForSelector('html[data-offline-ready="true"]', { timeout: 20000 });
  await context.setOffline(true);
  await page.click('#send');
  await page.waitForSelector('#pending-heading');
  assert.equal(await page.getAttribute('#send-status', 'role'), 'status');
  assert.equal(await page.locator('#send-status').textContent(), 'Saved on this device; it will be sent when you are online.');
  assert.match(await page.locator('.answer-summary').textContent(), /Alva Berg/, 'what will be sent is shown');

  // A reload while still offline knows the application is waiting (no draft offer).
  await page.reload();
  await page.waitForSelector('#pending-heading', { timeout: 20000 });
  assert.equal(await page.locator('#resume-continue').count(), 0);
  assert.equal(await accepted('skolskjuts'), before, 'nothing reached the server');

  // Back online: sent by the outbox, verified, the receipt shown.
  await context.setOffline(false);
  await page.waitForSelector('#receipt-heading', { timeout: 20000 });
  assert.equal(await page.getAttribute('#receipt-verification', 'data-verified'), 'true');
  assert.equal(await accepted('skolskjuts'), before + 1, 'sent exactly once');
  assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::/.test(e)), []);
  await context.close();
});

test('answers the server refuses are listed on the check page with links to their fields', async () => {
  const { context, page, errors } = await newPage();
  // The browser's today is 40 days ahead of the server's: a period ending on the
  // browser's today passes in the browser, and the server (same engine, its own today)
  // refuses it as "in the future".
  const ahead = new Date(Date.now() + 40 * 86400000);
  const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  await page.clock.setFixedTime(new Date(`${iso(ahead)}T10:00:00`));
  const before = counterValue(await server.metrics(), 'blankett_submissions_rejected_total');
  await page.goto(`${server.baseUrl}/f/arbetsgivarintyg?lang=en`);
  await page.waitForSelector('main:not([aria-busy]) #step-heading');
  const steps = [
    { certificate_type: 'arbetsgivarintyg' },
    { full_name: 'Anna Lindqvist', pnr: '19720915-9982', phone: '073-987 65 43' },
    { administration: 'vard_omsorg', position: 'Undersköterska', employment_from: '2015-03-01', still_employed: true, via_staffing: false },
    { period_from: '2025-06-01', period_to: iso(ahead), purpose: 'a_kassa' },
    { delivery_method: 'post', postal_address: 'Björkvägen 7', postal_code: '824 31', postal_town: 'Hudiksvall' },
    { confirm_correct: true },
  ];
  for (const answers of steps) {
    for (const [p, v] of Object.entries(answers)) await fillAnswer(page, p, v);
    await page.click('#continue');
  }
  await page.waitForSelector('#check-heading');
  await page.click('#send');
  await page.locator('#error-summary').waitFor({ timeout: 15000 });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'error-summary');
  assert.match(await page.title(), /^Error: /);
  const text = await page.locator('#error-summary').textContent();
  assert.match(text, /could not be accepted/);
  assert.match(text, /The certificate can only cover time up to today/);
  assert.equal(counterValue(await server.metrics(), 'blankett_submissions_rejected_total'), before + 1);
  await page.locator('#error-summary a[href$="#f-period_to"]').click();
  await page.waitForSelector('main:not([aria-busy]) form[data-step="period"]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-period_to');
  assert.deepEqual(errors.filter((e) => !/status of 422/.test(e)), []);
  await context.close();
});

test('without device storage the citizen is warned that answers are not saved', async () => {
  const { context, page, errors } = await newPage();
  // As in a private window that refuses IndexedDB.
  await page.addInitScript(() => Object.defineProperty(window, 'indexedDB', { get: () => undefined, configurable: true }));
  await page.goto(`${server.baseUrl}/f/skolskjuts?lang=en`);
  await page.waitForSelector('main:not([aria-busy]) #step-heading');
  await page.locator('#storage-warning').waitFor();
  assert.match(await page.locator('#storage-warning').textContent(), /Your answers are not saved.*If you close or reload the page, your answers are lost/);
  await page.locator('#language-switch a[lang="nb"]').click();
  assert.match(await page.locator('#storage-warning').textContent(), /Svarene dine lagres ikke/);
  // The form still works for the life of the page.
  await fillAnswer(page, 'pupil_name', 'Alva Berg');
  await page.reload();
  await page.waitForSelector('main:not([aria-busy]) #step-heading');
  assert.equal(await page.locator('#resume-continue').count(), 0);
  assert.equal(await page.inputValue('#f-pupil_name'), '', 'nothing was kept, as the warning said');
  assert.deepEqual(errors, []);
  await context.close();
});

test('answers saved to a file on one device continue on another', async () => {
  const first = await newPage();
  await first.page.goto(`${server.baseUrl}/f/skolskjuts?lang=en`);
  await first.page.waitForSelector('main:not([aria-busy]) #step-heading');
  assert.equal(await first.page.locator('label[for="draft-file"]').textContent(), 'Continue from a saved file', 'offered on the first step');
  assert.equal(await first.page.getAttribute('#draft-file', 'aria-describedby'), 'draft-file-hint');
  for (const [p, v] of Object.entries({ pupil_name: 'Alva Berg', pupil_pnr: '20140312-9982', school_year: '6', school: 'kvarnbacken',
    home_address: 'Storgatan 12', postal_code: '82430', postal_town: 'Hudiksvall', distance_km: '5,5' })) await fillAnswer(first.page, p, v);
  await first.page.click('#continue');
  await first.page.waitForSelector('main:not([aria-busy]) form[data-step="reason"]');
  assert.equal(await first.page.locator('#draft-file').count(), 0, 'loading a file is offered where a form starts, not mid-way');
  await chooseRadio(first.page, 'transport_reason', 'distance');
  const saved = await download(first.page, '#save-draft-file');
  assert.match(saved.download, /^blankett-skolskjuts-\d{4}-\d\d-\d\d\.json$/);
  const draft = JSON.parse(saved.text);
  assert.equal(draft.format, 'blankett-draft/1');
  assert.equal(draft.form, 'skolskjuts');
  assert.equal(draft.step, 'reason');
  assert.equal(draft.answers.pupil_name, 'Alva Berg');
  assert.equal(draft.answers.transport_reason, 'distance');
  // The resume page offers a file too.
  await first.page.reload();
  await first.page.locator('#resume-continue').waitFor();
  assert.equal(await first.page.locator('#draft-file').count(), 1);
  assert.deepEqual(first.errors, []);
  await first.context.close();

  // Another device: a fresh browser profile.
  const { context, page, errors } = await newPage();
  await page.goto(`${server.baseUrl}/f/skolskjuts?lang=en`);
  await page.waitForSelector('main:not([aria-busy]) #step-heading');
  const choose = (name, text) => page.locator('#draft-file').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
  // A draft of another form: the GOV.UK error message at the field, focus on the field.
  await choose('kulturskola.json', JSON.stringify({ ...draft, form: 'kulturskola' }));
  await page.locator('#draft-file-error').waitFor();
  assert.equal(await page.locator('#draft-file-error').textContent(),
    'Error: The file holds answers to another form. Choose a file you saved from “School transport application”');
  assert.equal(await active(page), 'draft-file');
  assert.equal(await page.getAttribute('#draft-file', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('#draft-file', 'aria-describedby'), 'draft-file-hint draft-file-error');
  assert.match(await page.getAttribute('#draft-file-group', 'class'), /form-group--error/);
  // Not a draft at all; the message follows the language.
  await choose('notes.json', '{"hello": "world"}');
  await page.waitForFunction(() => /does not hold answers saved from Blankett/.test(document.getElementById('draft-file-error').textContent));
  assert.equal(await active(page), 'draft-file');
  await page.locator('#language-switch a[lang="sv"]').click();
  assert.match(await page.locator('#draft-file-error').textContent(), /Filen innehåller inte sparade svar från Blankett/);
  await page.locator('#language-switch a[lang="en"]').click();
  assert.equal(await page.locator('#step-heading').textContent(), 'Pupil', 'a refused file changes nothing');
  assert.equal(await page.inputValue('#f-pupil_name'), '');

  // The downloaded file: the same step and the same answers, through the engine.
  await choose(saved.download, saved.text);
  await page.waitForSelector('main:not([aria-busy]) form[data-step="reason"]');
  assert.equal(await active(page), 'step-heading');
  assert.equal(await page.locator('#file-loaded-title').textContent(), `The answers from the file ${saved.download} are loaded.`);
  assert.equal(await page.locator('#file-dropped').count(), 0, 'nothing was dropped');
  assert.equal(await page.isChecked('[data-path="transport_reason"] input[value="distance"]'), true);
  await page.click('#back');
  await page.waitForSelector('main:not([aria-busy]) form[data-step="pupil"]');
  assert.equal(await page.inputValue('#f-pupil_name'), 'Alva Berg');
  assert.equal(await page.inputValue('#f-distance_km'), '5,5');
  assert.equal(await page.locator('#draft-file-error').count(), 0);

  // Saved on this device as well: a reload offers it. A file with answers this version of
  // the form does not have: they are listed, with what was answered.
  await page.reload();
  await page.locator('#resume-continue').waitFor();
  await choose('older.json', JSON.stringify({ ...draft, answers: { ...draft.answers, bus_stop: 'Kvarnvägen', pupil_name: 'Nils Berg' } }));
  await page.waitForSelector('main:not([aria-busy]) form[data-step="reason"]');
  assert.match(await page.locator('#file-loaded').textContent(), /do not fit the form as it is now/);
  assert.deepEqual(await page.locator('#file-dropped li').allTextContents(), ['bus_stop: Kvarnvägen']);
  await page.click('#back');
  assert.equal(await page.inputValue('#f-pupil_name'), 'Nils Berg');
  assert.deepEqual(errors, []);
  await context.close();
});

test('when the device stops saving, the citizen is told, and is not told that anything is saved', async () => {
  const { context, page, errors } = await newPage();
  const before = await accepted('skolskjuts');
  await context.addInitScript(failWritesOnRequest);
  await page.goto(`${server.baseUrl}/f/skolskjuts?lang=en`);
  await page.waitForSelector('main:not([aria-busy]) #step-heading');
  await fillAnswer(page, 'pupil_name', 'Alva Berg');
  assert.equal(await page.locator('#draft-not-saved').count(), 0, 'saving works at first');

  // A draft save fails mid-session: a persistent, polite warning.
  await page.evaluate(() => { window.__failWrites = true; });
  await fillAnswer(page, 'postal_town', 'Hudiksvall');
  await page.locator('#draft-not-saved').waitFor();
  assert.equal(await page.getAttribute('#save-status', 'role'), 'status');
  assert.match(await page.locator('#save-status').textContent(), /Your answers are not being saved: Your answers could not be saved on this device/);
  await page.locator('#language-switch a[lang="nb"]').click();
  assert.match(await page.locator('#save-status').textContent(), /Svarene dine kunne ikke lagres på denne enheten/);
  await page.locator('#language-switch a[lang="en"]').click();
  // It stays while saves fail, and goes when one works again.
  await fillAnswer(page, 'pupil_pnr', '20140312-9982');
  assert.equal(await page.locator('#draft-not-saved').count(), 1);
  await page.evaluate(() => { window.__failWrites = false; });
  await fillAnswer(page, 'home_address', 'Storgatan 12');
  await page.locator('#draft-not-saved').waitFor({ state: 'detached' });

  // Storage fails again before Send: the outbox can only keep the application in memory.
  await page.evaluate(() => { window.__failWrites = true; });
  await fillSkolskjutsToCheck(page);
  await context.setOffline(true);
  await page.click('#send');
  await page.waitForSelector('#pending-heading');
  assert.equal(await page.locator('#pending-heading').textContent(), 'Waiting to be sent');
  const status = await page.locator('#send-status').textContent();
  assert.match(status, /keep this page open until it has been sent/);
  assert.doesNotMatch(status, /[Ss]aved on this device/);
  assert.doesNotMatch(await page.title(), /Saved on this device/);

  // Sent when back online; the receipt verifies, but this device could not keep it.
  await context.setOffline(false);
  await page.waitForSelector('#receipt-heading', { timeout: 20000 });
  assert.equal(await page.getAttribute('#receipt-verification', 'data-verified'), 'true');
  assert.match(await page.locator('#receipt-not-stored').textContent(), /This device could not keep the receipt. Download it now/);
  assert.equal(await accepted('skolskjuts'), before + 1);
  const kept = await page.evaluate(async () => (await import('/js/storage.js')).listReceipts('skolskjuts'));
  assert.deepEqual(kept, [], 'indeed not kept');
  assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::/.test(e)), []);
  await context.close();
});

test('a long choice list has a filter box; what is chosen stays chosen', async () => {
  const { context, page, errors } = await newPage();
  await page.goto(`${fixtureServer.baseUrl}/f/kommunval?lang=en`);
  await page.waitForSelector('main:not([aria-busy]) #step-heading');
  const options = () => page.locator('#f-municipality option').allTextContents();
  const status = (id) => page.locator(`#${id}-filter-status`).textContent();
  const waitStatus = (id, text) => page.waitForFunction(([i, t]) => document.getElementById(`${i}-filter-status`).textContent === t, [id, text]);
  assert.equal((await options()).length, 151, '150 options and "Choose"');
  assert.equal(await page.locator('label[for="f-municipality-filter"]').textContent(), 'Filter the list: Which municipality do you live in?');
  assert.equal(await page.getAttribute('#f-municipality-filter-status', 'role'), 'status');
  assert.equal(await status('f-municipality'), '', 'nothing to announce before typing');

  // A select narrows; the answer already chosen stays chosen (and in the list).
  await page.selectOption('#f-municipality', { label: 'Hudiksvall' });
  await page.locator('#f-municipality-filter').focus();
  await page.keyboard.type('KARL');
  await waitStatus('f-municipality', '5 of 150 options match');
  assert.deepEqual(await options(), ['Choose', 'Hudiksvall', 'Karlsborg', 'Karlshamn', 'Karlskoga', 'Karlskrona', 'Karlstad']);
  assert.equal(await page.$eval('#f-municipality', (s) => s.selectedOptions[0].textContent), 'Hudiksvall');
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('#error-summary').count(), 0, 'Enter in the filter box does not submit the step');
  await page.selectOption('#f-municipality', { label: 'Karlstad' });
  await page.fill('#f-municipality-filter', 'karl stad');
  await waitStatus('f-municipality', '1 of 150 options match');
  await page.fill('#f-municipality-filter', 'zzz');
  await waitStatus('f-municipality', 'No options match');
  assert.deepEqual(await options(), ['Choose', 'Karlstad']);
  await page.fill('#f-municipality-filter', '');
  await waitStatus('f-municipality', 'All 150 options are shown');
  assert.equal((await options()).length, 151);
  assert.equal(await page.$eval('#f-municipality', (s) => s.selectedOptions[0].textContent), 'Karlstad');

  // Checkboxes are hidden; chosen ones stay chosen and shown.
  const shown = () => page.locator('[data-path="languages"] .checkbox__item:visible label').allTextContents();
  await page.check('[data-path="languages"] input[value="l05"]'); // Finnish
  await page.fill('#f-languages-filter', 'sami');
  await waitStatus('f-languages', '3 of 30 options match');
  assert.deepEqual(await shown(), ['Finnish', 'Northern Sami', 'Southern Sami', 'Lule Sami']);
  await page.check('[data-path="languages"] input[value="l29"]'); // Lule Sami
  await page.fill('#f-languages-filter', 'nordic');
  await waitStatus('f-languages', 'No options match');
  assert.deepEqual(await shown(), ['Finnish', 'Lule Sami']);
  await page.fill('#f-languages-filter', '');
  await waitStatus('f-languages', 'All 30 options are shown');
  assert.equal((await shown()).length, 30);

  // What the engine has: the check page.
  await page.click('#continue');
  await page.waitForSelector('main:not([aria-busy]) form[data-step="confirm"]');
  await fillAnswer(page, 'confirm_correct', true);
  await page.click('#continue');
  await page.waitForSelector('#check-heading');
  assert.match(await page.locator('[data-path="municipality"]').textContent(), /Karlstad/);
  assert.match(await page.locator('[data-path="languages"]').textContent(), /Finnish, Lule Sami/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the first step is in the page before the engine has loaded, inert, and comes alive when it has', async () => {
  // No service worker: the engine's module must come from the network, which the test
  // holds back until it has looked at the page.
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors = watchPageErrors(page);
  let release;
  let held = new Promise((resolve) => { release = resolve; });
  await context.route('**/engine/blankett_engine.wasm', async (route) => { await held; await route.continue(); });
  const { definition } = await (await fetch(`${server.baseUrl}/api/forms/skolskjuts`)).json();

  await page.goto(`${server.baseUrl}/f/skolskjuts`, { waitUntil: 'domcontentloaded' });
  const early = page.locator('main form.step-form[inert]');
  await early.waitFor();
  assert.equal(await page.locator('main').getAttribute('aria-busy'), 'true');
  assert.equal(await page.locator('#step-heading').textContent(), definition.steps[0].title.sv);
  assert.equal(await page.locator('#step-progress').count(), 1);
  assert.equal(await page.title(), `${definition.steps[0].title.sv} – ${definition.title.sv} – Blankett`);
  const name = page.locator(`#${inputIdFor('pupil_name')}`);
  assert.equal(await name.count(), 1);
  // Inert: it cannot take focus, so nothing typed can be lost before the engine is here.
  await name.focus().catch(() => {});
  assert.notEqual(await active(page), inputIdFor('pupil_name'));

  release();
  await page.locator('main form.step-form:not([inert])').waitFor();
  assert.equal(await page.locator('main').getAttribute('aria-busy'), null);
  await typeField(page, 'pupil_name', 'Ebba Early');
  assert.equal(await name.inputValue(), 'Ebba Early');
  await draftSaved(page, 'skolskjuts', { answers: { pupil_name: 'Ebba Early' } });

  // A later visit with a draft on the device: the early first step gives way to the offer
  // to continue.
  held = new Promise((resolve) => { release = resolve; });
  await page.goto(`${server.baseUrl}/f/skolskjuts`, { waitUntil: 'domcontentloaded' });
  await early.waitFor();
  release();
  await page.locator('#resume-continue').waitFor().catch(async (error) => {
    // What the page shows instead says which part failed (no draft read, still loading).
    const shown = await page.locator('main').evaluate((m) => `${m.getAttribute('aria-busy')} ${m.innerText.slice(0, 300)}`);
    throw new Error(`${error.message}\n<main aria-busy> and text: ${shown}`);
  });
  assert.equal(await page.locator('main form.step-form').count(), 0);
  assert.equal(await page.locator('main').getAttribute('aria-busy'), null);
  assert.deepEqual(errors, []);
  await context.close();

  // A page the service worker kept can be in another language than the one now asked
  // for, or (a page saved by hand, a proxy) another form's: its step is not kept.
  const other = await browser.newContext({ serviceWorkers: 'block' });
  const otherPage = await other.newPage();
  const skolskjutsPage = await (await fetch(`${server.baseUrl}/f/skolskjuts`)).text();
  assert.match(skolskjutsPage, /data-first-step="skolskjuts:sv"/);
  await other.route('**/f/kulturskola', (route) => route.fulfill({ body: skolskjutsPage, contentType: 'text/html; charset=utf-8' }));
  await other.route('**/f/skolskjuts?lang=en', (route) => route.fulfill({ body: skolskjutsPage, contentType: 'text/html; charset=utf-8' }));
  await other.route('**/engine/blankett_engine.wasm', async (route) => { await held; await route.continue(); });
  for (const [path, title] of [['kulturskola', null], ['skolskjuts?lang=en', definition.steps[0].title.en]]) {
    held = new Promise((resolve) => { release = resolve; });
    await otherPage.goto(`${server.baseUrl}/f/${path}`, { waitUntil: 'domcontentloaded' });
    await otherPage.locator('#page-loading').waitFor();
    assert.equal(await otherPage.locator('main form').count(), 0, path);
    assert.equal(await otherPage.locator('main').getAttribute('aria-busy'), null);
    release();
    await otherPage.locator('main form.step-form:not([inert])').waitFor();
    const heading = await otherPage.locator('#step-heading').textContent();
    if (title) assert.equal(heading, title);
    else assert.notEqual(heading, definition.steps[0].title.sv);
  }
  await other.close();
});
