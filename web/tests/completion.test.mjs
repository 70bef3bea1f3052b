// Completion requests end to end in Debian's Chromium against a real `blankett serve
// --identity dev` with a real SMTP server on loopback (docs/completion-requests.md,
// docs/web-app.md "Completion mode"): a caseworker marks answers and writes a message; the
// applicant's e-mail has only a link; the applicant identifies with the development
// provider, sees only the marked answers pre-filled and the message (as text), changes
// them, sends, and gets a verified receipt that amends the first one; the caseworker sees
// version 2 and what changed. axe-core (WCAG 2.1 A/AA) on every page of the way.
//
// Run alone: cd web && node --test tests/completion.test.mjs   (BLANKETT_BIN=… for another build)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  startServer, startSmtpServer, launchBrowser, newAxeContext, axeRun, watchPageErrors, screenshotPath, formsDir,
  addUser, signIn, linksIn, sampleFileBytes,
} from './harness.mjs';

const APPLICANT_PNR = '19811218-9876';
const APPLICANT_EMAIL = 'karin.berg@example.se';
const OTHER_PNR = '20140312-9982';
const HEX64 = /^[0-9a-f]{64}$/;

let smtp;
let server;
let browser;

before(async () => {
  smtp = await startSmtpServer();
  [server, browser] = await Promise.all([startServer({ args: ['--identity', 'dev', ...smtp.args] }), launchBrowser()]);
  addUser(server.dataDir, 'anna', { role: 'caseworker', scope: 'skolskjuts', displayName: 'Anna Andersson' });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.stop();
});

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

// The canonical JSON the engine writes (keys sorted, no white space): what receipt_sha256
// is taken over.
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// skolskjuts' happy path with sole custody (no second signer: the case is "new" at
// once), special support and a medical certificate.
function applicationAnswers(certificate) {
  const scenario = JSON.parse(readFileSync(path.join(formsDir, 'skolskjuts/tests/happy-path-joint-custody-with-support.json'), 'utf8'));
  const answers = {};
  for (const action of scenario.actions) Object.assign(answers, action.set || {});
  answers.custody = 'sole';
  for (const k of ['guardian2_name', 'guardian2_pnr', 'guardian2_email', 'guardian2_phone']) delete answers[k];
  answers.guardian1_email = APPLICANT_EMAIL;
  answers.medical_certificate = [{ name: 'lakarintyg.pdf', type: 'application/pdf', size: certificate.length, sha256: sha256(certificate) }];
  answers.confirm_correct = true;
  return answers;
}

// Sends an application through the public API (multipart, with the certificate) →
// the 201 body.
async function submitApplication(key) {
  const certificate = sampleFileBytes('application/pdf', 'lakarintyg');
  const form = await (await fetch(`${server.baseUrl}/api/forms/skolskjuts`)).json();
  const body = new FormData();
  body.append('submission', new Blob([JSON.stringify({ version: form.version, answers: applicationAnswers(certificate), language: 'en' })],
    { type: 'application/json' }), 'submission.json');
  body.append('file', new Blob([certificate], { type: 'application/pdf' }), 'lakarintyg.pdf');
  const res = await fetch(`${server.baseUrl}/api/forms/skolskjuts/submissions`, { method: 'POST', headers: { 'Idempotency-Key': key }, body });
  const sent = await res.json();
  assert.equal(res.status, 201, JSON.stringify(sent));
  assert.deepEqual(sent.awaiting_signatures, [], 'sole custody: nobody else signs');
  return sent;
}

// The caseworker asks for completion of `fields` with `message` on the case page.
async function requestCompletion(page, reference, fields, message) {
  await page.goto(`${server.baseUrl}/inbox/cases/${reference}?lang=en`);
  for (const f of fields) await page.locator(`input[name="fields"][value="${f}"]`).check();
  await page.fill('#completion-message', message);
  await Promise.all([page.waitForURL(/done=completion/), page.getByRole('button', { name: 'Send the request' }).click()]);
}

// The newest mail to the applicant with a /complete/ link → { mail, link }.
async function completionMail(after) {
  const mail = await smtp.waitForMail((m) => m.to.includes(APPLICANT_EMAIL) && !after.has(m.file)
    && linksIn(m.body, server.baseUrl).some((l) => l.includes('/complete/')));
  const links = linksIn(mail.body, server.baseUrl);
  assert.equal(links.length, 1, `one link in the mail: ${mail.body}`);
  return { mail, link: links[0] };
}

// From the server's "Identify yourself" page through the development provider back to
// the link.
async function identify(page, personalNumber) {
  await Promise.all([page.waitForURL(/\/identity\/dev/), page.getByRole('button', { name: 'Identify yourself' }).click()]);
  await page.fill('#personal_number', personalNumber);
  await Promise.all([page.waitForURL(/\/complete\/[A-Za-z0-9_-]+$/), page.getByRole('button', { name: 'Identify me' }).click()]);
}

async function noViolations(page, state, problems) {
  const { violations, passes } = await axeRun(page);
  if (passes === 0) problems.push(`${state}: axe checked nothing`);
  for (const v of violations) problems.push(`${state}: ${v.id} (${v.impact}) ${v.help}\n    ${v.nodes.join('\n    ')}`);
}

const visiblePaths = (page) => page.locator('#completion-form [data-path]').evaluateAll((els) =>
  els.filter((e) => !e.hidden && !e.closest('[hidden]') && !e.parentElement.closest('[data-path]')).map((e) => e.dataset.path));

test('a caseworker asks for a new address and certificate; the applicant completes them on one page with a verified receipt', async () => {
  const first = await submitApplication('completion-browser-test-1');
  const reference = first.receipt.reference;
  const problems = [];

  // The caseworker marks two answers and writes a message with markup in it.
  const staff = await newAxeContext(browser, { viewport: { width: 1100, height: 900 } });
  const inbox = await staff.newPage();
  const staffErrors = watchPageErrors(inbox);
  await signIn(inbox, server.baseUrl, 'anna');
  const before = new Set(smtp.messages().map((m) => m.file));
  const message = 'Your address has changed, and the certificate is too old.\n\nPlease give both again. <b>Not bold</b>';
  await requestCompletion(inbox, reference, ['home_address', 'medical_certificate'], message);
  assert.equal(await inbox.locator('#case-status').textContent(), 'Awaiting completion');

  // The e-mail: a fixed text and the link; nothing of the application or the message.
  const { mail, link } = await completionMail(before);
  for (const secret of ['Alva', 'Karin', 'Berg', 'Storgatan', '19811218', '20140312', 'certificate is too old', 'Not bold', reference]) {
    assert.ok(!mail.body.includes(secret) && !mail.subject.includes(secret), `the e-mail gives away "${secret}":\n${mail.subject}\n${mail.body}`);
  }
  assert.match(link, /\/complete\/[A-Za-z0-9_-]{16,}$/);

  // Someone else with the link: identified, but refused.
  const other = await newAxeContext(browser);
  const otherPage = await other.newPage();
  await otherPage.goto(`${link}?lang=en`);
  await identify(otherPage, OTHER_PNR);
  assert.equal(await otherPage.locator('h1').textContent(), 'You cannot complete this application');
  const refused = await otherPage.request.get(`${server.baseUrl}/api/completions/${link.split('/').pop()}`);
  assert.equal(refused.status(), 403);
  assert.equal((await refused.json()).error.code, 'completion.wrong_person');
  await noViolations(otherPage, 'completion wrong person', problems);
  await other.close();

  // The applicant: the server's page asks for identification, then the development
  // provider, then the app in completion mode (in English: the pages' language follows).
  const context = await newAxeContext(browser, { viewport: { width: 1024, height: 800 } });
  const page = await context.newPage();
  const errors = watchPageErrors(page);
  await page.goto(`${link}?lang=en`);
  assert.equal(await page.locator('h1').textContent(), 'Identify yourself');
  await noViolations(page, 'completion identify', problems);
  await Promise.all([page.waitForURL(/\/identity\/dev/), page.getByRole('button', { name: 'Identify yourself' }).click()]);
  assert.match(await page.locator('h1').textContent(), /not a real e-ID/);
  await noViolations(page, 'dev identity', problems);
  await page.fill('#personal_number', APPLICANT_PNR);
  await Promise.all([page.waitForURL(/\/complete\/[A-Za-z0-9_-]+$/), page.getByRole('button', { name: 'Identify me' }).click()]);
  await page.waitForSelector('#completion-heading');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.locator('#completion-heading').textContent(), `Complete your application ${reference}`);
  assert.equal(await page.title(), `Complete your application ${reference} – School transport application – Blankett`);
  // The message as the caseworker wrote it: text, its paragraphs kept, no markup.
  assert.deepEqual(await page.locator('#completion-message p').allTextContents(),
    ['Your address has changed, and the certificate is too old.', 'Please give both again. <b>Not bold</b>']);
  assert.equal(await page.locator('#completion-message b').count(), 0);
  assert.match(await page.locator('#completion-intro').textContent(), /sent when you press Send/);
  // Only the marked answers, pre-filled; the earlier file is with the municipality.
  assert.deepEqual(await visiblePaths(page), ['home_address', 'medical_certificate']);
  assert.equal(await page.inputValue('#f-home_address'), 'Storgatan 12');
  assert.match(await page.locator('[data-path="medical_certificate"] .file-list').textContent(), /lakarintyg\.pdf/);
  assert.equal(await page.locator('[data-path="medical_certificate"] .warning-inline').count(), 0);
  // Nothing is kept on the device.
  assert.deepEqual(await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name)), []);
  await noViolations(page, 'completion page', problems);
  await page.screenshot({ path: screenshotPath('completion-page-en'), fullPage: true });
  // In Swedish too, and at 320 px nothing scrolls sideways.
  await page.locator('#language-switch a[lang="sv"]').click();
  assert.equal(await page.locator('#completion-heading').textContent(), `Komplettera din ansökan ${reference}`);
  assert.equal(await page.inputValue('#f-home_address'), 'Storgatan 12');
  await noViolations(page, 'completion page [sv]', problems);
  await page.setViewportSize({ width: 320, height: 640 });
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0,
    'the completion page scrolls sideways at 320 px');
  await page.setViewportSize({ width: 1024, height: 800 });
  await page.locator('#language-switch a[lang="en"]').click();

  // An emptied answer: the error summary on Send, with focus, linking to the field.
  await page.fill('#f-home_address', '');
  await page.locator('#f-home_address').blur();
  await page.click('#send');
  await page.locator('#error-summary').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'error-summary');
  assert.equal(await page.locator('#error-summary a').first().getAttribute('href'), '#f-home_address');
  assert.match(await page.title(), /^Error: /);
  await noViolations(page, 'completion page with errors', problems);
  await page.locator('#error-summary a[href="#f-home_address"]').click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-home_address');

  // The new answers: an address and a new certificate file.
  await page.keyboard.type('Lillgatan 3');
  await page.keyboard.press('Tab');
  const newCertificate = sampleFileBytes('application/pdf', 'nytt intyg');
  await page.locator('#f-medical_certificate').setInputFiles({ name: 'intyg-2026.pdf', mimeType: 'application/pdf', buffer: newCertificate });
  await page.waitForFunction(() => /intyg-2026\.pdf/.test(document.querySelector('[data-path="medical_certificate"] .file-list').textContent));
  const [request, response] = await Promise.all([
    page.waitForRequest((r) => r.method() === 'POST' && r.url().includes('/api/completions/')),
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/api/completions/')),
    page.click('#send'),
  ]);
  assert.match(request.headers()['idempotency-key'] || '', /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    'a time-ordered key (web/js/idempotency-key.js)');
  assert.match(request.headers()['x-identity-csrf'] || '', /.{16,}/, 'the identity CSRF token goes with the reply');
  assert.match(request.headers()['content-type'], /^multipart\/form-data/, 'the new file goes with the answers');
  const replied = await response.json();
  assert.equal(response.status(), 201, JSON.stringify(replied));
  assert.match(replied.receipt.amends, HEX64);
  assert.equal(replied.receipt.amends, sha256(canonical(first.receipt)), 'the receipt names the one it amends');
  assert.equal(replied.submission.answers.home_address, 'Lillgatan 3');
  assert.equal(replied.submission.answers.medical_certificate[0].sha256, sha256(newCertificate));
  assert.equal(replied.submission.answers.pupil_name, 'Alva Berg', 'the other answers are kept');

  // The receipt, verified in the browser.
  await page.waitForSelector('#receipt-heading');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'receipt-heading');
  assert.equal(await page.locator('#receipt-heading').textContent(), 'Your reply has been sent');
  assert.equal(await page.getAttribute('#receipt-verification', 'data-verified'), 'true');
  assert.equal(await page.locator('#receipt-reference').textContent(), replied.receipt.reference);
  assert.match(await page.locator('.answer-summary').textContent(), /Lillgatan 3/);
  await noViolations(page, 'completion receipt', problems);
  await page.screenshot({ path: screenshotPath('completion-receipt-en'), fullPage: true });

  // The link has done its work.
  await page.goto(link);
  assert.equal(await page.locator('h1').textContent(), 'We have received your completion');

  // The caseworker: version 2 and what changed.
  await inbox.goto(`${server.baseUrl}/inbox/cases/${reference}?lang=en`);
  assert.equal(await inbox.locator('#case-status').textContent(), 'In progress');
  assert.equal(await inbox.locator('#case-versions tbody tr').count(), 2);
  assert.equal(await inbox.locator('#case-versions [data-verified="true"]').count(), 2);
  const changes = await inbox.locator('#version-2-differences tbody tr').evaluateAll((rows) =>
    rows.map((r) => [...r.children].map((c) => c.textContent.trim())));
  assert.deepEqual(changes, [
    ['Pupil’s registered home address', 'Storgatan 12', 'Lillgatan 3'],
    ['Medical certificate', 'lakarintyg.pdf', 'intyg-2026.pdf'],
  ], 'the changed answers, before and after, in the form\'s order');
  await noViolations(inbox, 'case page with versions', problems);
  await inbox.screenshot({ path: screenshotPath('completion-case-versions-en'), fullPage: true });

  assert.deepEqual(problems, [], problems.join('\n'));
  // The emptied address answered 422 nowhere (the app stopped it); nothing else failed.
  assert.deepEqual(errors.filter((e) => !/status of 4\d\d/.test(e)), []);
  assert.deepEqual(staffErrors.filter((e) => !/status of 4\d\d/.test(e)), []);
  await context.close();
  await staff.close();
});

test('a marked change that makes another answer required shows it too; offline, the reply waits for Send again', async () => {
  const first = await submitApplication('completion-browser-test-2');
  const reference = first.receipt.reference;
  const staff = await browser.newContext();
  const inbox = await staff.newPage();
  await signIn(inbox, server.baseUrl, 'anna');
  const before = new Set(smtp.messages().map((m) => m.file));
  await requestCompletion(inbox, reference, ['school'], 'Which school will the pupil go to?');
  const { link } = await completionMail(before);

  const context = await newAxeContext(browser, { viewport: { width: 1024, height: 800 } });
  const page = await context.newPage();
  const errors = watchPageErrors(page);
  await page.goto(`${link}?lang=en`);
  await identify(page, APPLICANT_PNR);
  await page.waitForSelector('#completion-heading');
  assert.deepEqual(await visiblePaths(page), ['school']);
  assert.equal(await page.isChecked('[data-path="school"] input[value="kvarnbacken"]'), true);

  // "Another school" makes its name required: the field joins the page, after the school.
  await page.locator('[data-path="school"] input[value="other"]').check();
  await page.locator('[data-path="school_other"]').waitFor({ state: 'visible' });
  assert.deepEqual(await visiblePaths(page), ['school', 'school_other']);
  await page.click('#send');
  await page.locator('#error-summary').waitFor();
  assert.deepEqual(await page.locator('#error-summary a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent])),
    [['#f-school_other', 'Fill in “Name of the school”']]);
  const { violations } = await axeRun(page);
  assert.deepEqual(violations, []);
  await page.fill('#f-school_other', 'Ängsdalens friskola, Bergby');
  await page.locator('#f-school_other').blur();

  // Offline: the page says nothing was sent; Send again sends it (the same key).
  let keys = [];
  await context.route('**/api/completions/*', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    keys.push(route.request().headers()['idempotency-key']);
    if (keys.length === 1) return route.abort('internetdisconnected');
    return route.continue();
  });
  await page.click('#send');
  await page.waitForFunction(() => /offline/.test((document.querySelector('#error-summary') || {}).textContent || ''));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'error-summary');
  assert.equal(await page.locator('#receipt-heading').count(), 0);
  await page.click('#send');
  // The receipt, or (if the server refused) the refusal, to say why.
  await page.waitForFunction(() => document.querySelector('#receipt-heading')
    || /could not be accepted/.test((document.querySelector('#error-summary') || {}).textContent || ''));
  assert.equal(await page.locator('#receipt-heading').count(), 1,
    `no receipt: ${await page.locator('#error-summary').textContent().catch(() => '')}`);
  assert.equal(await page.getAttribute('#receipt-verification', 'data-verified'), 'true');
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1], 'a retry of the same reply keeps its Idempotency-Key');
  keys = [];
  assert.match(await page.locator('.answer-summary').textContent(), /Ängsdalens friskola, Bergby/);

  await inbox.goto(`${server.baseUrl}/inbox/cases/${reference}?lang=en`);
  const changed = await inbox.locator('#version-2-differences tbody th').allTextContents();
  assert.deepEqual(changed.sort(), ['Name of the school', 'School'].sort());
  assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e)), []);
  await context.close();
  await staff.close();
});

test('a link that does not exist is a clear page, and its API answers 404', async () => {
  const context = await newAxeContext(browser);
  const page = await context.newPage();
  const response = await page.goto(`${server.baseUrl}/complete/${'x'.repeat(43)}?lang=en`);
  assert.equal(response.status(), 404);
  assert.equal(await page.locator('h1').textContent(), 'This link does not exist');
  const { violations } = await axeRun(page);
  assert.deepEqual(violations, []);
  const api = await page.request.get(`${server.baseUrl}/api/completions/${'x'.repeat(43)}`);
  assert.equal(api.status(), 404);
  await context.close();
});
