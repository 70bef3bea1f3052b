// From the check page to the receipt, when things go wrong, in Debian's Chromium against
// a real `blankett serve`: a refusal (422) that arrives while the citizen is on the
// catalogue, kept and shown on the form page in the language chosen now; focus while a
// send waits and is retried; an attached file lost by a reload, stopped before sending;
// the error summary after a repeat-group row is removed; a receipt that cannot be
// verified, said in the page's language; a reload of the check page resumes there.
//
// The server's refusals are made by answering the POST in the browser (page.route), so
// that the tests need no clock or time zone trick.
//
// Run alone: cd web && node --test tests/check-and-send.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, watchPageErrors, fillAnswer } from './harness.mjs';

let server;
let browser;

before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const SUBMISSIONS = '**/api/forms/*/submissions';
const active = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// Network failures while a send waits are expected in the console; nothing else is.
const unexpected = (errors) => errors.filter((e) => !/status of 422|status of 503|net::|Failed to fetch|Failed to load resource/.test(e));

// The service worker is blocked so that page.route sees every request of the page.
async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  return { context, page, errors: watchPageErrors(page) };
}

async function formVersion(formId) {
  return (await (await fetch(`${server.baseUrl}/api/forms/${formId}`)).json()).version;
}

// Opens the form and continues from a draft file (as "Continue from a saved file" does).
async function openWithDraft(page, formId, step, answers, lang = 'en') {
  const draft = { format: 'blankett-draft/1', form: formId, version: await formVersion(formId), step, answers };
  await page.goto(`${server.baseUrl}/f/${formId}?lang=${lang}`);
  await page.waitForSelector('main:not([aria-busy]) #step-heading');
  await page.locator('#draft-file').setInputFiles({ name: 'draft.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(draft)) });
  await page.waitForSelector(`main:not([aria-busy]) form[data-step="${step}"]`);
}

// Complete answers to the school transport form, without support; the draft's step is the last.
const SKOLSKJUTS = {
  pupil_name: 'Alva Berg', pupil_pnr: '20140312-9982', school_year: '6', school: 'kvarnbacken', home_address: 'Storgatan 12',
  postal_code: '82430', postal_town: 'Hudiksvall', distance_km: '5,5', transport_reason: 'distance', needs_support: false,
  custody: 'sole', guardian1_name: 'Karin Berg', guardian1_pnr: '19811218-9876', guardian1_email: 'karin@example.se',
  guardian1_phone: '070-1234567', confirm_correct: true,
};

async function toCheckPage(page, answers = SKOLSKJUTS, lang = 'en') {
  await openWithDraft(page, 'skolskjuts', 'confirm', answers, lang);
  await page.click('#continue');
  await page.waitForSelector('#check-heading');
}

// What the device's outbox holds for a form: [{ state, status }].
const outboxStates = (page, formId) => page.evaluate(async (id) => {
  const { pendingSubmissions } = await import('/js/outbox.js');
  return (await pendingSubmissions(id)).map((e) => ({ state: e.state, status: e.status || null }));
}, formId);

// The engine's format of a refusal (docs/api.md), messages in English as the application was sent.
const REFUSAL = { error: { code: 'submission.invalid', message: 'the answers do not pass the form\'s rules',
  errors: [{ code: 'answer.invalid', pointer: '/answers/pupil_name', message: 'The server says: check the pupil\'s name' }] } };

test('a refusal that arrives on the catalogue is kept: the form is marked there, and its page shows the server\'s errors', async () => {
  const { context, page, errors } = await newPage();
  let answer = 'network'; // first the send fails (offline), then the server refuses it
  let refusals = 0;
  await context.route(SUBMISSIONS, (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    if (answer === 'network') return route.abort('internetdisconnected');
    refusals += 1;
    return route.fulfill({ status: 422, contentType: 'application/json', body: JSON.stringify(REFUSAL) });
  });
  await toCheckPage(page);
  await page.click('#send');
  await page.waitForSelector('#pending-heading');

  // On the catalogue, the outbox sends it again when the browser is online: refused.
  await page.goto(`${server.baseUrl}/?lang=en`);
  await page.waitForSelector('.catalogue__item[data-form="skolskjuts"]');
  answer = 'refuse';
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  const notice = page.locator('#rejected-skolskjuts');
  await notice.waitFor({ timeout: 10000 });
  assert.match(await notice.textContent(), /Your application could not be accepted\. See what to correct and send it again/);
  assert.equal(await notice.locator('a').getAttribute('href'), '/f/skolskjuts?lang=en');
  await page.waitForFunction(() => /could not be accepted/.test(document.getElementById('announcer').textContent));
  assert.deepEqual(await outboxStates(page, 'skolskjuts'), [{ state: 'rejected', status: 422 }], 'the refusal is kept');

  // Still there on the next visit, and in another language.
  await page.goto(`${server.baseUrl}/?lang=sv`);
  await page.locator('#rejected-skolskjuts').waitFor();
  assert.match(await page.locator('#rejected-skolskjuts').textContent(), /Ansökan kunde inte tas emot/);

  // The form page: the check page with the refusal and the server's errors, focused.
  await page.goto(`${server.baseUrl}/f/skolskjuts?lang=en`);
  await page.waitForSelector('main:not([aria-busy]) #check-heading');
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'error-summary');
  assert.equal(await page.locator('#resume-continue').count(), 0, 'not just "an application in progress"');
  assert.match(await page.title(), /^Error: /);
  const items = page.locator('#error-summary li');
  assert.deepEqual(await items.allTextContents(), ['The application could not be accepted. Check the answers below and send again.',
    'The server says: check the pupil\'s name']);
  assert.equal(await page.locator('#error-summary a').getAttribute('href'), '/f/skolskjuts?lang=en&step=pupil#f-pupil_name');

  // A language switch: the app's own sentence follows; the server's message stays as it
  // was written, marked with its language.
  await page.locator('#language-switch a[lang="sv"]').click();
  assert.equal(await items.first().textContent(), 'Ansökan kunde inte tas emot. Kontrollera svaren nedan och skicka igen.');
  assert.equal(await items.nth(1).textContent(), 'The server says: check the pupil\'s name');
  assert.equal(await items.nth(1).getAttribute('lang'), 'en');
  assert.equal(await items.first().getAttribute('lang'), null);
  await page.locator('#language-switch a[lang="en"]').click();
  assert.equal(await items.nth(1).getAttribute('lang'), null, 'in the language it was sent in, no mark is needed');

  // The citizen corrects the answer: the refusal has done its work and is forgotten.
  await page.locator('#error-summary a').click();
  await page.waitForSelector('main:not([aria-busy]) form[data-step="pupil"]');
  assert.equal(await active(page), 'f-pupil_name');
  await fillAnswer(page, 'pupil_name', 'Alva Maria Berg');
  await page.waitForFunction(async () => {
    const { pendingSubmissions } = await import('/js/outbox.js');
    return (await pendingSubmissions('skolskjuts')).length === 0;
  });
  await page.click('#continue');
  await page.waitForSelector('#check-heading');
  assert.equal(await page.locator('#error-summary').count(), 0);

  // Sent again, and accepted.
  await context.unroute(SUBMISSIONS);
  await page.click('#send');
  await page.waitForSelector('#receipt-heading', { timeout: 15000 });
  assert.equal(await page.getAttribute('#receipt-verification', 'data-verified'), 'true');
  assert.equal(refusals, 1, 'a refused submission is never sent again');
  assert.deepEqual(unexpected(errors), []);
  await context.close();
});

test('a refusal on the form page is kept as data: the app\'s own sentence follows a language switch', async () => {
  const { context, page, errors } = await newPage();
  // A refusal without field errors, then one with them.
  const bodies = [{ error: { code: 'attachment.missing', message: 'a file is missing', errors: [] } }, REFUSAL];
  await context.route(SUBMISSIONS, (route) => (route.request().method() !== 'POST' ? route.continue()
    : route.fulfill({ status: 422, contentType: 'application/json', body: JSON.stringify(bodies.shift()) })));
  await toCheckPage(page);
  await page.click('#send');
  await page.locator('#error-summary').waitFor({ timeout: 10000 });
  const items = page.locator('#error-summary li');
  assert.deepEqual(await items.allTextContents(),
    ['The application could not be accepted (the service answered: attachment.missing). Check your answers and send again.']);
  await page.locator('#language-switch a[lang="nb"]').click();
  assert.deepEqual(await items.allTextContents(),
    ['Søknaden kunne ikke tas imot (svar fra tjenesten: attachment.missing). Kontroller svarene og send igjen.']);
  assert.equal(await page.title(), 'Feil: Kontroller svarene før du sender – Søknad om skoleskyss – Blankett');

  await page.click('#send');
  await page.waitForFunction(() => document.querySelectorAll('#error-summary li').length === 2, null, { timeout: 10000 });
  assert.equal(await active(page), 'error-summary');
  assert.equal(await items.first().textContent(), 'Søknaden kunne ikke tas imot. Kontroller svarene nedenfor og send igjen.');
  assert.equal(await items.nth(1).getAttribute('lang'), null, 'sent in Norwegian, shown in Norwegian');
  await page.locator('#language-switch a[lang="sv"]').click();
  assert.equal(await items.first().textContent(), 'Ansökan kunde inte tas emot. Kontrollera svaren nedan och skicka igen.');
  assert.equal(await items.nth(1).textContent(), 'The server says: check the pupil\'s name', 'the server\'s message as it came');
  assert.equal(await items.nth(1).getAttribute('lang'), 'nb', 'the server wrote in the language it was sent in');
  assert.deepEqual(unexpected(errors), []);
  await context.close();
});

test('while a send waits, focus goes to the heading once and stays put on every retry; the status is updated politely', async () => {
  const { context, page, errors } = await newPage();
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  let posts = 0;
  await context.route(SUBMISSIONS, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    posts += 1;
    if (posts === 1) { await held; return route.abort('internetdisconnected'); }
    return route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"code":"submission.not_stored"}}' });
  });
  await toCheckPage(page);
  await page.locator('#send').focus();
  await page.keyboard.press('Enter');
  // "Sending…": focus on its heading, not lost to <body>.
  await page.waitForSelector('#sending-heading');
  assert.equal(await active(page), 'sending-heading');
  release();
  await page.waitForSelector('#pending-heading');
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'pending-heading');
  assert.equal(await page.getAttribute('#send-status', 'role'), 'status');
  assert.equal(await page.locator('#send-status').textContent(), 'Saved on this device; it will be sent when you are online.');

  // The citizen moves on (here: to the header's link); the retries must not take focus back.
  await page.evaluate(() => {
    window.__heading = document.getElementById('pending-heading');
    window.__focusLost = 0;
    document.addEventListener('focusout', (e) => { if (!e.relatedTarget) window.__focusLost += 1; });
  });
  await page.locator('#home-link').focus();
  await page.waitForFunction(() => /not answering/.test(document.getElementById('send-status').textContent), null, { timeout: 10000 });
  // One more retry after the status changed: still nothing moves.
  while (posts < 3) await sleep(100);
  await sleep(200);
  assert.equal(await active(page), 'home-link', 'focus stayed where the citizen put it');
  assert.equal(await page.evaluate(() => window.__focusLost), 0, 'focus never dropped to <body>');
  assert.equal(await page.evaluate(() => window.__heading === document.getElementById('pending-heading')), true, 'the screen was not redrawn');
  assert.equal(await page.locator('#send-status').textContent(),
    'Saved on this device. The service is not answering at the moment; we will try again automatically.');
  assert.deepEqual(unexpected(errors), []);
  await context.close();
});

test('a file lost by a reload is flagged on the check page, and Send stops before any request', async () => {
  const { context, page, errors } = await newPage();
  let posts = 0;
  await context.route(SUBMISSIONS, (route) => { if (route.request().method() === 'POST') posts += 1; return route.continue(); });
  // The draft holds the attachment's name and hash, never its bytes: as after a reload.
  const lost = { name: 'intyg.pdf', type: 'application/pdf', size: 1234, sha256: 'ab'.repeat(32) };
  const answers = { ...SKOLSKJUTS, transport_reason: 'disability', needs_support: true, wheelchair: false,
    support_description: 'Ramp', medical_certificate: [lost] };
  await openWithDraft(page, 'skolskjuts', 'confirm', answers, 'sv');
  await page.click('#continue');
  await page.waitForSelector('#check-heading');
  const flag = page.locator('.summary-list__row[data-path="medical_certificate"] [data-missing-file]');
  assert.equal(await flag.textContent(), 'Fel: Filen intyg.pdf finns inte längre på enheten. Välj den igen innan du skickar.');
  assert.equal(await page.locator('.summary-list__row[data-path="medical_certificate"] a[data-change]').count(), 1, 'a change link to choose it again');

  await page.click('#send');
  await page.locator('#error-summary').waitFor();
  assert.equal(await active(page), 'error-summary');
  assert.match(await page.title(), /^Fel: /);
  assert.deepEqual(await page.locator('#error-summary li').allTextContents(),
    ['Välj filen intyg.pdf till ”Läkarintyg” igen: den finns inte längre på den här enheten']);
  assert.equal(posts, 0, 'nothing was sent');
  assert.deepEqual(await outboxStates(page, 'skolskjuts'), [], 'nothing was queued');
  // In the language chosen now.
  await page.locator('#language-switch a[lang="nb"]').click();
  assert.deepEqual(await page.locator('#error-summary li').allTextContents(),
    ['Velg filen intyg.pdf til «Legeerklæring» på nytt: den finnes ikke lenger på denne enheten']);

  // The link leads to the file input; choosing the file again makes Send work.
  await page.locator('#error-summary a').click();
  await page.waitForSelector('main:not([aria-busy]) form[data-step="support"]');
  assert.equal(await active(page), 'f-medical_certificate');
  await page.locator('[data-path="medical_certificate"] .file-list__item button').click();
  await fillAnswer(page, 'medical_certificate', [{ name: 'intyg.pdf', type: 'application/pdf' }]);
  await page.click('#continue');
  await page.waitForSelector('#check-heading');
  assert.equal(await page.locator('[data-missing-file]').count(), 0);
  await page.click('#send');
  await page.waitForSelector('#receipt-heading', { timeout: 15000 });
  assert.equal(posts, 1);
  assert.deepEqual(unexpected(errors), []);
  await context.close();
});

test('after a repeat-group row is removed, every link of the error summary leads to a field', async () => {
  const { context, page, errors } = await newPage();
  await openWithDraft(page, 'kulturskola', 'pupils', { guardian_name: 'Eva Lind', guardian_pnr: '19811218-9876',
    guardian_email: 'eva@example.se', guardian_phone: '0701234567', guardian_address: 'Gatan 1', guardian_postal_code: '12345',
    guardian_city: 'Stad' });
  for (const [row, name] of [[0, 'Elsa'], [1, 'Vilgot']]) {
    if (!(await page.locator(`#f-children-row-${row}`).count())) await page.locator('[data-action="add-row"]').click();
    await fillAnswer(page, `children/${row}/child_name`, name);
  }
  await page.click('#continue');
  await page.locator('#error-summary').waitFor();
  const hrefs = () => page.$$eval('#error-summary a', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok((await hrefs()).some((h) => h.startsWith('#f-children-1-')), 'the second row has errors');

  await page.locator('#f-children-row-0 [data-action="remove-row"]').click();
  assert.equal(await page.locator('.repeat-group__row').count(), 1);
  assert.equal(await active(page), 'f-children-0-child_name', 'focus stays with the rows');
  const after = await hrefs();
  assert.ok(after.length > 0, 'the row left still has errors');
  for (const href of after) {
    assert.equal(await page.locator(href).count(), 1, `${href} leads to a field`);
    await page.locator(`#error-summary a[href="${href}"]`).click();
    assert.equal(`#${await active(page)}`, href);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('a receipt that cannot be verified says why in the page\'s language', async () => {
  const { context, page, errors } = await newPage();
  await context.route('**/api/keys', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{}' }));
  await toCheckPage(page, SKOLSKJUTS, 'sv');
  await page.click('#send');
  await page.waitForSelector('#receipt-heading', { timeout: 15000 });
  assert.equal(await page.getAttribute('#receipt-verification', 'data-verified'), 'false');
  assert.equal(await page.locator('#receipt-verification').textContent(),
    '!Kvittot kunde inte kontrolleras (kommunens nycklar kunde inte hämtas). Dina svar finns kvar på enheten. Kontakta kommunen och ange referensnumret.');
  await page.locator('#language-switch a[lang="nb"]').click();
  assert.match(await page.locator('#receipt-verification').textContent(), /\(kommunens nøkler kunne ikke hentes\)/);
  await page.locator('#language-switch a[lang="en"]').click();
  assert.match(await page.locator('#receipt-verification').textContent(), /\(the municipality's keys could not be fetched\)/);
  assert.deepEqual(unexpected(errors), []);
  await context.close();
});

// Waits until the device's draft of the form was saved at this place (storage.js saveDraft).
async function placeSaved(page, formId, place) {
  await page.waitForFunction(async ([id, p]) => {
    const { loadDraft } = await import('/js/storage.js');
    const saved = await loadDraft(id);
    return Boolean(saved && saved.place === p);
  }, [formId, place], { timeout: 10000 });
}

test('a reload of the check page, or of a step reached by a change link, continues there', async () => {
  const { context, page, errors } = await newPage();
  await toCheckPage(page);
  await placeSaved(page, 'skolskjuts', 'check');
  await page.reload();
  await page.locator('#resume-continue').click();
  await page.waitForSelector('#check-heading');
  assert.equal(await active(page), 'check-heading');
  assert.match(page.url(), /[?&]step=check/);

  // A change link, then a reload: Continue still returns to the check page.
  await page.locator('a[data-change="guardian1_email"]').click();
  await page.waitForSelector('main:not([aria-busy]) form[data-step="guardians"]');
  await placeSaved(page, 'skolskjuts', 'returnToCheck');
  await page.reload();
  await page.locator('#resume-continue').click();
  await page.waitForSelector('main:not([aria-busy]) form[data-step="guardians"]');
  await page.click('#continue');
  await page.waitForSelector('#check-heading');
  await placeSaved(page, 'skolskjuts', 'check');
  assert.deepEqual(errors, []);
  await context.close();
});
