// The caseworker's inbox in Debian's Chromium against a real `blankett serve`: sign in
// with the keyboard, filter the list by status, open a case, move it to "in progress"
// and see it in the history, download the CSV export; and axe-core (WCAG 2.1 A/AA) finds
// nothing on the list, the case page and the statistics page in Swedish and English.
// Screenshots of each go to web/test-output/screenshots/inbox-*.png.
//
// The caseworker is created with the CLI (`blankett user add … --password-stdin`)
// against the running server's data folder; the cases are sent through the public API
// with the answers of skolskjuts' happy-path scenario.
//
// Run alone: cd web && node --test tests/inbox.test.mjs   (BLANKETT_BIN=… for another build)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, screenshotPath, watchPageErrors, formsDir, serverBinary, newAxeContext, axeRun } from './harness.mjs';

const BIN = serverBinary;
const PASSWORD = 'a long enough password for tests';
const CSV_HEADER = 'reference,form,version,received_at,status,assignee,applicant_name,applicant_number,answers_version,answers_reference';

let server;
let browser;
const references = [];

// The answers a citizen gives in skolskjuts' happy path (every "set" of the scenario, in
// order), without the support step (its certificate would need a file).
function skolskjutsAnswers() {
  const scenario = JSON.parse(readFileSync(path.join(formsDir, 'skolskjuts/tests/happy-path-joint-custody-with-support.json'), 'utf8'));
  const answers = {};
  for (const action of scenario.actions) Object.assign(answers, action.set || {});
  answers.needs_support = false;
  delete answers.wheelchair;
  delete answers.support_description;
  delete answers.medical_certificate;
  // Sole custody: the case is New at once (joint custody waits for guardian 2's
  // signature: signers.test.mjs).
  answers.custody = 'sole';
  for (const key of ['guardian2_name', 'guardian2_pnr', 'guardian2_email', 'guardian2_phone']) delete answers[key];
  return answers;
}

async function submit(n) {
  const form = await (await fetch(`${server.baseUrl}/api/forms/skolskjuts`)).json();
  const res = await fetch(`${server.baseUrl}/api/forms/skolskjuts/submissions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `inbox-browser-test-${n}` },
    body: JSON.stringify({ version: form.version, answers: skolskjutsAnswers() }),
  });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return body.receipt.reference;
}

before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  const made = spawnSync(BIN, ['user', 'add', 'anna', '--name', 'Anna Andersson', '--role', 'caseworker', '--scope', 'skolskjuts',
    '--password-stdin', '--data', server.dataDir], { input: `${PASSWORD}\n`, encoding: 'utf8' });
  assert.equal(made.status, 0, `blankett user add failed: ${made.stderr}`);
  for (let i = 0; i < 3; i++) references.push(await submit(i));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function newContext() {
  return newAxeContext(browser, { viewport: { width: 1100, height: 900 }, acceptDownloads: true });
}


// axe in Swedish and English, a screenshot in each, and no sideways scrolling at 320 px.
// reach(page, lang) brings the page to the state in that language; by default the page's
// own language link is followed (it keeps the path, not the query). Problems are
// collected, not thrown.
async function checkPage(page, name, problems, reach = null) {
  for (const lang of ['sv', 'en']) {
    if (reach) {
      await reach(page, lang);
    } else if ((await page.getAttribute('html', 'lang')) !== lang) {
      await page.locator(`.lang-switch a[lang="${lang}"]`).click();
      await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    }
    const { violations, passes } = await axeRun(page);
    if (passes === 0) problems.push({ state: `${name} [${lang}]`, id: 'axe', help: 'axe checked nothing' });
    for (const v of violations) problems.push({ state: `${name} [${lang}]`, ...v });
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.screenshot({ path: screenshotPath(`inbox-${name}-${lang}`), fullPage: true });
  }
  await page.setViewportSize({ width: 320, height: 640 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (overflow > 0) problems.push({ state: `${name} [320px]`, id: 'reflow', help: `scrolls sideways by ${overflow}px at 320 px` });
  await page.setViewportSize({ width: 1100, height: 900 });
}

function report(problems) {
  return problems.map((p) => `${p.state}: ${p.id} (${p.impact || ''}) ${p.help}\n    ${(p.nodes || []).join('\n    ')}`).join('\n');
}

const rows = (page) => page.locator('table.cases tbody tr');

test('a caseworker signs in, filters, opens a case, moves it on and downloads the CSV', async () => {
  const context = await newContext();
  const page = await context.newPage();
  const errors = watchPageErrors(page);

  // The inbox asks for a sign-in first, and comes back after it. Keyboard only.
  await page.goto(`${server.baseUrl}/inbox?lang=en`);
  assert.match(page.url(), /\/login\?next=%2Finbox/);
  await page.locator('#username').focus();
  await page.keyboard.type('anna');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'password');
  await page.keyboard.type(PASSWORD);
  await Promise.all([page.waitForURL(/\/inbox\?lang=en$/), page.keyboard.press('Enter')]);
  assert.equal(await page.locator('h1').textContent(), 'Inbox');
  assert.equal(await rows(page).count(), 3);
  // Newest first.
  assert.equal(await rows(page).first().locator('th a').textContent(), references[2]);

  // Filter by status with the keyboard: nothing is in progress yet.
  await page.locator('#filter-status').focus();
  await page.selectOption('#filter-status', 'in_progress');
  await page.locator('#filter-q').focus();
  await Promise.all([page.waitForURL(/status=in_progress/), page.keyboard.press('Enter')]);
  assert.equal(await page.locator('#no-cases').textContent(), 'No cases match the filter.');
  assert.equal(await page.locator('#filter-status').inputValue(), 'in_progress', 'the filter is kept');
  await page.selectOption('#filter-status', 'new');
  await Promise.all([page.waitForURL(/status=new/), page.getByRole('button', { name: 'Apply filters' }).click()]);
  assert.equal(await rows(page).count(), 3);

  // Open the oldest case.
  await Promise.all([page.waitForURL(new RegExp(`/inbox/cases/${references[0]}$`)),
    page.getByRole('link', { name: references[0], exact: true }).click()]);
  assert.equal(await page.locator('h1').textContent(), `Case ${references[0]}`);
  assert.equal(await page.locator('#receipt-status').getAttribute('data-verified'), 'true');
  assert.equal(await page.locator('#case-status').textContent(), 'New');
  assert.ok(await page.getByRole('heading', { name: 'Pupil', level: 2 }).isVisible());

  // Move it to "in progress" with the keyboard.
  await page.locator('input[name="status"][value="in_progress"]').focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Change status');
  await Promise.all([page.waitForURL(/done=status/), page.keyboard.press('Enter')]);
  assert.equal((await page.locator('.notification').textContent()).trim(), 'The status has been changed.');
  assert.equal(await page.locator('#case-status').textContent(), 'In progress');
  const history = await page.locator('#history li').allTextContents();
  assert.equal(history.length, 1);
  assert.match(history[0], /Anna Andersson/);
  assert.match(history[0], /Changed the status from New to In progress\./);
  await page.screenshot({ path: screenshotPath('inbox-case-after-status-en'), fullPage: true });

  // The list by status now finds it; its CSV link carries the filter.
  await page.goto(`${server.baseUrl}/inbox?status=in_progress`);
  assert.equal(await rows(page).count(), 1);
  const link = page.getByRole('link', { name: 'CSV', exact: true });
  assert.equal(await link.getAttribute('href'), '/inbox/export.csv?status=in_progress');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.match(download.suggestedFilename(), /^cases-all-\d{8}-\d{6}\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8');
  const lines = csv.split('\r\n');
  assert.equal(lines[0], `\uFEFF${CSV_HEADER}`);
  assert.equal(lines[1].split(',')[0], references[0]);
  assert.equal(lines[1].split(',')[4], 'in_progress');
  assert.equal(lines.filter((l) => l !== '').length, 2);

  assert.deepEqual(errors, []);
  await context.close();
});

test('the list, a case and the statistics pass axe in Swedish and English', async () => {
  const context = await newContext();
  const page = await context.newPage();
  const errors = watchPageErrors(page);
  await page.goto(`${server.baseUrl}/login?lang=sv`);
  await page.fill('#username', 'anna');
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/inbox$/), page.click('button[type=submit]')]);
  const problems = [];

  await checkPage(page, 'list', problems);
  // A filter that went wrong: the error summary and the field's message.
  await checkPage(page, 'list-errors', problems, async (p, lang) => {
    await p.goto(`${server.baseUrl}/inbox?from=2026-02-30&lang=${lang}`);
    assert.equal(await p.locator('.error-summary a').getAttribute('href'), '#filter-from');
  });
  await page.goto(`${server.baseUrl}/inbox/cases/${references[1]}`);
  await checkPage(page, 'case', problems);
  // The case page with an error (a note with no text).
  await checkPage(page, 'case-errors', problems, async (p, lang) => {
    await p.goto(`${server.baseUrl}/inbox/cases/${references[1]}?lang=${lang}`);
    await p.getByRole('button', { name: lang === 'en' ? 'Save the note' : 'Spara anteckningen' }).click();
    await p.locator('.error-summary').waitFor();
  });
  await page.goto(`${server.baseUrl}/inbox/cases/${references[1]}/print`);
  await checkPage(page, 'print', problems);
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: screenshotPath('inbox-print-media'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  await page.goto(`${server.baseUrl}/inbox/stats`);
  await checkPage(page, 'stats', problems);
  assert.deepEqual(problems, [], report(problems));
  // The two error states answer 400 on purpose (in each language); nothing else may fail.
  const expected = 'console: Failed to load resource: the server responded with a status of 400 (Bad Request)';
  assert.equal(errors.filter((e) => e === expected).length, 4);
  assert.deepEqual(errors.filter((e) => e !== expected), []);
  await context.close();
});

// The other staff pages: sign-in, administration and the publishing review with a diff.
test('sign-in, administration and the publishing review pass axe in Swedish and English', async () => {
  const add = (name, role) => {
    const made = spawnSync(BIN, ['user', 'add', name, '--name', `${name} Testsson`, '--role', role, '--password-stdin', '--data', server.dataDir],
      { input: `${PASSWORD}\n`, encoding: 'utf8' });
    assert.equal(made.status, 0, `blankett user add ${name} failed: ${made.stderr}`);
  };
  add('ada', 'admin');
  add('dev', 'developer');
  add('olle', 'owner');
  // The developer uploads a changed skolskjuts with a publish token; the owner reviews it.
  const token = spawnSync(BIN, ['token', 'create', '--kind', 'publish', '--user', 'dev', '--label', 'axe test', '--data', server.dataDir],
    { encoding: 'utf8' });
  assert.equal(token.status, 0, token.stderr);
  const definition = JSON.parse(readFileSync(path.join(formsDir, 'skolskjuts/form.json'), 'utf8'));
  definition.title.en = 'School transport <b>changed</b>';
  const upload = await fetch(`${server.baseUrl}/api/publish`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token.stdout.trim()}` },
    body: JSON.stringify(definition),
  });
  const uploaded = await upload.json();
  assert.equal(upload.status, 201, JSON.stringify(uploaded));

  const context = await newContext();
  const page = await context.newPage();
  const errors = watchPageErrors(page);
  const problems = [];
  const signIn = async (name) => {
    await context.clearCookies();
    await page.goto(`${server.baseUrl}/login`);
    await page.fill('#username', name);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  };
  await page.goto(`${server.baseUrl}/login`);
  await checkPage(page, 'login', problems);
  await checkPage(page, 'login-errors', problems, async (p, lang) => {
    await p.goto(`${server.baseUrl}/login?lang=${lang}`);
    await p.click('button[type=submit]');
    await p.locator('.error-summary').waitFor();
  });

  await signIn('ada');
  for (const [name, url] of [['admin', '/admin'], ['admin-user', '/admin/users/1'], ['admin-groups', '/admin/groups'], ['admin-tokens', '/admin/tokens']]) {
    await page.goto(`${server.baseUrl}${url}`);
    await checkPage(page, name, problems);
  }
  await signIn('olle');
  await page.goto(`${server.baseUrl}/admin/forms`);
  await checkPage(page, 'publishing', problems);
  await page.goto(`${server.baseUrl}${uploaded.review_url}`);
  assert.ok(await page.locator('table.diff').isVisible(), 'the review shows the diff');
  assert.match(await page.locator('table.diff').textContent(), /<b>changed<\/b>/, 'the diff shows the change as text');
  await checkPage(page, 'publishing-review', problems);
  assert.deepEqual(problems, [], report(problems));
  // The sign-in error state answers with an error status on purpose.
  assert.deepEqual(errors.filter((e) => !/status of 4\d\d/.test(e)), []);
  await context.close();
});
