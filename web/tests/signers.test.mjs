// Two guardians, end to end, in Debian's Chromium against a real `blankett serve
// --identity dev` with a real SMTP server on loopback (docs/signers.md): guardian 1 applies
// for school transport in the citizen app with joint custody and is told the application
// waits for the second guardian's signature; guardian 2's e-mail has a /sign/ link and
// nothing of the application; the caseworker sees the case "Awaiting signatures" and
// reminds guardian 2 (a new link; the old one stops working); someone else with the link
// is refused; guardian 2 identifies with the development provider, sees exactly what was
// submitted, signs and gets a receipt that `blankett verify` checks; the case is "New".
// axe-core (WCAG 2.1 A/AA) on the receipt, the signing pages and the dev sign-in page.
//
// Run alone: cd web && node --test tests/signers.test.mjs   (BLANKETT_BIN=… for another build)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  startServer, startSmtpServer, launchBrowser, newAxeContext, axeRun, watchPageErrors, screenshotPath, serverBinary,
  playScenarioInUi, addUser, signIn, linksIn,
} from './harness.mjs';

const GUARDIAN2_PNR = '19850704-9982';
const GUARDIAN2_EMAIL = 'johan.berg@example.se';
const OTHER_PNR = '19811218-9876'; // guardian 1's: a real person, but not the one asked to sign

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

// Guardian 1's way through skolskjuts with joint custody, no special support.
const APPLICATION = {
  actions: [
    { set: { pupil_name: 'Alva Berg', pupil_pnr: '20140312-9982', school_year: '6', school: 'kvarnbacken', home_address: 'Storgatan 12',
      postal_code: '82430', postal_town: 'Hudiksvall', distance_km: '5,5' } },
    { next: true },
    { set: { transport_reason: 'distance', needs_support: false } },
    { next: true },
    { set: { custody: 'joint', guardian1_name: 'Karin Berg', guardian1_pnr: '19811218-9876', guardian1_email: 'karin.berg@example.se',
      guardian1_phone: '070-123 45 67', guardian2_name: 'Johan Berg', guardian2_pnr: GUARDIAN2_PNR, guardian2_email: GUARDIAN2_EMAIL,
      guardian2_phone: '+46 70 765 43 21' } },
    { next: true },
    { set: { confirm_correct: true } },
    { next: true },
  ],
};

// What the e-mails must never carry: names, personal identity numbers, answers.
const SECRETS = ['Alva', 'Karin', 'Johan', 'Berg', 'Storgatan', 'Hudiksvall', '20140312', '19850704', '19811218', 'Kvarnback', 'kvarnbacken'];

function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

async function noViolations(page, state, problems) {
  const { violations, passes } = await axeRun(page);
  if (passes === 0) problems.push(`${state}: axe checked nothing`);
  for (const v of violations) problems.push(`${state}: ${v.id} (${v.impact}) ${v.help}\n    ${v.nodes.join('\n    ')}`);
}

// The newest mail to guardian 2 not seen before → its one /sign/ link.
async function signingLink(seen) {
  const mail = await smtp.waitForMail((m) => m.to.includes(GUARDIAN2_EMAIL) && !seen.has(m.file));
  seen.add(mail.file);
  for (const secret of SECRETS) {
    assert.ok(!mail.body.includes(secret) && !mail.subject.includes(secret), `the e-mail gives away "${secret}":\n${mail.subject}\n${mail.body}`);
  }
  const links = linksIn(mail.body, server.baseUrl);
  assert.equal(links.length, 1, `one link in the mail:\n${mail.body}`);
  assert.match(links[0], /\/sign\/[A-Za-z0-9_-]{16,}$/);
  return links[0];
}

// From the signing link's page through the development provider back to the link.
async function identify(page, link, personalNumber, problems = null) {
  await page.goto(`${link}?lang=en`);
  assert.equal(await page.locator('h1').textContent(), 'An application is waiting for your signature');
  if (problems) await noViolations(page, 'sign: identify', problems);
  await Promise.all([page.waitForURL(/\/identity\/dev/), page.getByRole('button', { name: 'Identify yourself' }).click()]);
  assert.match(await page.locator('h1').textContent(), /Development sign-in/);
  if (problems) await noViolations(page, 'dev identity', problems);
  await page.fill('#personal_number', personalNumber);
  const [response] = await Promise.all([
    page.waitForResponse((r) => /\/sign\/[^/]+$/.test(new URL(r.url()).pathname) && r.request().method() === 'GET'),
    page.getByRole('button', { name: 'Identify me' }).click(),
  ]);
  await page.waitForLoadState();
  return response.status();
}

test('two guardians: one applies, the other is reminded, identifies and signs; the case becomes New', async () => {
  const problems = [];
  const seen = new Set();

  // Guardian 1 applies in the citizen app.
  const applicant = await newAxeContext(browser, { viewport: { width: 1024, height: 800 } });
  const page = await applicant.newPage();
  const errors = watchPageErrors(page);
  await page.goto(`${server.baseUrl}/f/skolskjuts?lang=en`);
  await page.waitForSelector('main:not([aria-busy]) #step-heading');
  await playScenarioInUi(page, APPLICATION, async (p, state) => assert.notEqual(state, 'errors', 'every step is filled in'));
  await page.waitForSelector('#check-heading');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/forms/skolskjuts/submissions') && r.request().method() === 'POST'),
    page.click('#send'),
  ]);
  const sent = await response.json();
  assert.equal(response.status(), 201, JSON.stringify(sent));
  assert.deepEqual(sent.awaiting_signatures.map((s) => s.id), ['guardian2']);
  await page.waitForSelector('#receipt-heading');
  const reference = await page.locator('#receipt-reference').textContent();
  assert.equal(reference, sent.receipt.reference);
  assert.equal(await page.getAttribute('#receipt-verification', 'data-verified'), 'true');
  assert.equal(await page.locator('#awaiting-signatures-title').textContent(), 'More signatures are needed');
  assert.equal(await page.locator('#awaiting-signatures-text').textContent(),
    'The application is waiting for the signature of Second guardian, who has been sent a link by e-mail. '
    + 'The application is handled once everyone has signed.');
  await noViolations(page, 'receipt awaiting signatures', problems);
  await page.screenshot({ path: screenshotPath('signers-receipt-en'), fullPage: true });
  // The same page in Swedish says it in Swedish.
  await page.locator('#language-switch a[lang="sv"]').click();
  assert.match(await page.locator('#awaiting-signatures-text').textContent(), /^Ansökan väntar på underskrift av Vårdnadshavare 2, som har fått en länk via e-post\./);
  assert.deepEqual(errors, []);

  // Guardian 2's e-mail: a link, nothing else of the application.
  const firstLink = await signingLink(seen);

  // The caseworker sees who has not signed, and reminds them.
  const staff = await newAxeContext(browser, { viewport: { width: 1100, height: 900 } });
  const inbox = await staff.newPage();
  const staffErrors = watchPageErrors(inbox);
  await signIn(inbox, server.baseUrl, 'anna');
  await inbox.goto(`${server.baseUrl}/inbox/cases/${reference}?lang=en`);
  assert.equal(await inbox.locator('#case-status').textContent(), 'Awaiting signatures');
  assert.equal(await inbox.locator('#signer-guardian2 th').textContent(), 'Second guardian');
  assert.match(await inbox.locator('#signer-guardian2').textContent(), /Waiting/);
  await noViolations(inbox, 'case awaiting signatures', problems);
  await Promise.all([inbox.waitForURL(/done=reminder/), inbox.click('#remind-guardian2')]);
  assert.match(await inbox.locator('#signer-guardian2 td.numeric').textContent(), /^1\b/);
  await inbox.screenshot({ path: screenshotPath('signers-case-waiting-en'), fullPage: true });

  // The reminder is a second mail with a new link; the old link no longer works.
  const link = await signingLink(seen);
  assert.notEqual(link, firstLink);
  const stranger = await newAxeContext(browser);
  const old = await stranger.newPage();
  const oldResponse = await old.goto(`${firstLink}?lang=en`);
  assert.equal(oldResponse.status(), 404);
  assert.equal(await old.locator('h1').textContent(), 'The link does not work');
  await noViolations(old, 'sign: old link', problems);

  // Someone else with the new link: identified, refused, shown nothing of the application.
  const status = await identify(old, link, OTHER_PNR);
  assert.equal(status, 403);
  assert.equal(await old.locator('h1').textContent(), 'This link is for someone else');
  const refusedText = await old.locator('main').textContent();
  for (const secret of ['Alva', 'Storgatan', '20140312']) assert.ok(!refusedText.includes(secret), `the refusal shows "${secret}"`);
  await noViolations(old, 'sign: wrong person', problems);
  await stranger.close();

  // Guardian 2 identifies, sees exactly what was submitted, and signs.
  const guardian2 = await newAxeContext(browser, { viewport: { width: 1024, height: 800 } });
  const sign = await guardian2.newPage();
  const signErrors = watchPageErrors(sign);
  assert.equal(await identify(sign, link, GUARDIAN2_PNR, problems), 200);
  assert.equal(await sign.locator('h1').textContent(), 'Sign the application');
  const shown = await sign.locator('main').textContent();
  for (const answer of ['Alva Berg', '20140312-9982', 'Storgatan 12', 'Karin Berg', 'Johan Berg', reference]) {
    assert.ok(shown.includes(answer), `the signing page shows "${answer}"`);
  }
  assert.ok(shown.includes(sent.receipt.submission_sha256), 'the page shows the checksum that is signed');
  await noViolations(sign, 'sign: the application', problems);
  await sign.screenshot({ path: screenshotPath('signers-sign-page-en'), fullPage: true });
  await Promise.all([sign.waitForLoadState(), sign.getByRole('button', { name: 'Sign the application', exact: true }).click()]);
  await sign.locator('h1').filter({ hasText: 'The application is signed' }).waitFor();
  assert.match(await sign.locator('main').textContent(), /Everyone has now signed/);
  await noViolations(sign, 'sign: receipt', problems);
  await sign.screenshot({ path: screenshotPath('signers-signed-en'), fullPage: true });

  // The signature receipt: bound to the submission, and `blankett verify` checks it.
  const href = await sign.getByRole('link', { name: 'Download the receipt (JSON)' }).getAttribute('href');
  const prefix = 'data:application/json;charset=utf-8,';
  assert.ok(href.startsWith(prefix), href.slice(0, 60));
  const signature = JSON.parse(decodeURIComponent(href.slice(prefix.length)));
  assert.equal(signature.format, 'blankett-signature/1');
  assert.equal(signature.reference, reference);
  assert.equal(signature.signer, 'guardian2');
  assert.equal(signature.submission_sha256, sent.receipt.submission_sha256);
  assert.equal(signature.signer_identity.personal_number, GUARDIAN2_PNR);
  const dir = mkdtempSync(path.join(tmpdir(), 'blankett-signers-test-'));
  try {
    writeFileSync(path.join(dir, 'signature.json'), JSON.stringify(signature));
    writeFileSync(path.join(dir, 'keys.json'), await (await fetch(`${server.baseUrl}/api/keys`)).text());
    writeFileSync(path.join(dir, 'submission.json'), canonical(sent.submission));
    const verify = spawnSync(serverBinary, ['verify', path.join(dir, 'signature.json'), '--key', path.join(dir, 'keys.json'),
      '--submission', path.join(dir, 'submission.json')], { encoding: 'utf8' });
    assert.equal(verify.status, 0, `blankett verify: ${verify.stdout}${verify.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // The link has done its work: it says so, and signs nothing more.
  await sign.goto(`${link}?lang=en`);
  assert.equal(await sign.locator('h1').textContent(), 'The application is already signed');

  // The caseworker: guardian 2 signed, and the case is New.
  await inbox.goto(`${server.baseUrl}/inbox/cases/${reference}?lang=en`);
  assert.equal(await inbox.locator('#case-status').textContent(), 'New');
  assert.match(await inbox.locator('#signer-guardian2').textContent(), /Signed/);
  assert.match(await inbox.locator('#history').textContent(), /Second guardian signed the application\./);
  await noViolations(inbox, 'case signed', problems);
  await inbox.screenshot({ path: screenshotPath('signers-case-signed-en'), fullPage: true });

  assert.deepEqual(problems, [], problems.join('\n'));
  // The old link's 404 and the refusal's 403 are on purpose; nothing else may fail.
  assert.deepEqual(signErrors.filter((e) => !/status of 4\d\d/.test(e)), []);
  assert.deepEqual(staffErrors, []);
  await applicant.close();
  await guardian2.close();
  await staff.close();
});
