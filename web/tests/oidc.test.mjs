// Identification with OpenID Connect end to end, in Debian's Chromium: a real
// `oidc-provider` on loopback as the e-ID broker (tests/oidc_provider.mjs: client_secret_basic,
// PKCE S256 required, ES256 ID tokens), a real `blankett serve --identity oidc` with a
// real SMTP server (docs/identity.md). An application that needs a second guardian's
// signature is sent through the API; the second guardian's e-mail has a /sign/ link.
// Through the link: someone else identifies at the broker and is refused; the guardian
// cancels at the broker and is told so; then identifies and may sign. axe-core (WCAG 2.1
// A/AA) on the server's pages along the way.
//
// Run alone: cd web && node --test tests/oidc.test.mjs   (BLANKETT_BIN=… for another build)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  startServer, startSmtpServer, launchBrowser, newAxeContext, axeRun, watchPageErrors, screenshotPath, formsDir, linksIn,
} from './harness.mjs';
import { startOidcProvider, PERSONAL_NUMBER_CLAIM } from './oidc_provider.mjs';

const CLIENT_ID = 'blankett-web-test';
// Characters that client_secret_basic must form-encode before base64 (RFC 6749 2.3.1).
const CLIENT_SECRET = 'a test secret: with & odd = chars+%/';
const GUARDIAN2_EMAIL = 'johan.berg@example.se';
const ACCOUNTS = {
  johan: { [PERSONAL_NUMBER_CLAIM]: '198507049982', given_name: 'Johan', family_name: 'Berg' },
  karin: { [PERSONAL_NUMBER_CLAIM]: '198112189876', name: 'Karin Berg' },
};

let idp;
let smtp;
let server;
let browser;

before(async () => {
  [idp, smtp] = await Promise.all([startOidcProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accounts: ACCOUNTS }),
    startSmtpServer()]);
  [server, browser] = await Promise.all([
    startServer({
      args: ['--identity', 'oidc', '--oidc-issuer', idp.issuer, '--oidc-client-id', CLIENT_ID, ...smtp.args],
      env: { BLANKETT_OIDC_CLIENT_SECRET: CLIENT_SECRET },
    }),
    launchBrowser(),
  ]);
  idp.allowRedirect(`${server.baseUrl}/identity/callback`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.stop();
  await idp?.stop();
});

// skolskjuts' happy path with joint custody and no special support: guardian 2 must sign.
function applicationAnswers() {
  const scenario = JSON.parse(readFileSync(path.join(formsDir, 'skolskjuts/tests/happy-path-joint-custody-with-support.json'), 'utf8'));
  const answers = {};
  for (const action of scenario.actions) Object.assign(answers, action.set || {});
  answers.needs_support = false;
  for (const k of ['wheelchair', 'support_description', 'medical_certificate']) delete answers[k];
  return answers;
}

async function noViolations(page, state, problems) {
  const { violations, passes } = await axeRun(page);
  if (passes === 0) problems.push(`${state}: axe checked nothing`);
  for (const v of violations) problems.push(`${state}: ${v.id} (${v.impact}) ${v.help}\n    ${v.nodes.join('\n    ')}`);
}

// From the signing page to the broker's sign-in form → the authorization request's URL.
async function toBroker(page, link) {
  await page.goto(`${link}?lang=en`);
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.url().startsWith(`${idp.issuer}/auth?`)),
    page.waitForURL((url) => url.href.startsWith(`${idp.issuer}/interaction/`)),
    page.getByRole('button', { name: 'Identify yourself' }).click(),
  ]);
  return new URL(request.url());
}

// Signs in at the broker as `login` and follows the redirects back to the server.
async function signInAtBroker(page, login) {
  await page.fill('#login', login);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().startsWith(`${server.baseUrl}/sign/`) && r.request().method() === 'GET'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  await page.waitForLoadState();
  return response.status();
}

test('a signer identifies through a real OpenID Connect provider: refused for someone else, cancelled, then accepted', async () => {
  const problems = [];
  const form = await (await fetch(`${server.baseUrl}/api/forms/skolskjuts`)).json();
  const res = await fetch(`${server.baseUrl}/api/forms/skolskjuts/submissions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'oidc-browser-test-1' },
    body: JSON.stringify({ version: form.version, answers: applicationAnswers(), language: 'en' }),
  });
  const sent = await res.json();
  assert.equal(res.status, 201, JSON.stringify(sent));
  assert.deepEqual(sent.awaiting_signatures.map((s) => s.id), ['guardian2']);
  const mail = await smtp.waitForMail((m) => m.to.includes(GUARDIAN2_EMAIL));
  const links = linksIn(mail.body, server.baseUrl);
  assert.equal(links.length, 1, mail.body);
  const link = links[0];

  // Karin (guardian 1, not the one asked) identifies at the broker: proved, but refused.
  const other = await newAxeContext(browser);
  const otherPage = await other.newPage();
  const authorize = await toBroker(otherPage, link);
  const p = Object.fromEntries(authorize.searchParams);
  assert.equal(p.response_type, 'code');
  assert.equal(p.client_id, CLIENT_ID);
  assert.equal(p.redirect_uri, `${server.baseUrl}/identity/callback`);
  assert.equal(p.code_challenge_method, 'S256');
  assert.match(p.code_challenge, /^[A-Za-z0-9_-]{43}$/);
  assert.match(p.state, /^[A-Za-z0-9_-]{43}$/);
  assert.match(p.nonce, /^[A-Za-z0-9_-]{43}$/);
  const identity = (await other.cookies(server.baseUrl)).find((c) => c.name === 'blankett_identity');
  assert.ok(identity, 'the flow cookie is set');
  assert.equal(identity.httpOnly, true);
  assert.equal(identity.sameSite, 'Lax');
  assert.equal(await signInAtBroker(otherPage, 'karin'), 403);
  assert.equal(await otherPage.locator('h1').textContent(), 'This link is for someone else');
  await other.close();

  // Johan cancels at the broker: a plain reason and a way back.
  const guardian = await newAxeContext(browser, { viewport: { width: 1024, height: 800 } });
  const page = await guardian.newPage();
  const errors = watchPageErrors(page);
  await toBroker(page, link);
  const [cancelled] = await Promise.all([
    page.waitForResponse((r) => r.url().startsWith(`${server.baseUrl}/identity/callback`)),
    page.getByRole('button', { name: 'Cancel' }).click(),
  ]);
  await page.waitForLoadState();
  assert.equal(cancelled.status(), 400);
  assert.equal(await page.locator('h1').textContent(), 'The identification was cancelled');
  await noViolations(page, 'identity: cancelled', problems);
  await page.screenshot({ path: screenshotPath('oidc-cancelled-en'), fullPage: true });

  // "Start again" leads back to the link; this time Johan signs in and may sign.
  await page.getByRole('link', { name: 'Start again' }).click();
  await page.waitForURL(link);
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(`${idp.issuer}/interaction/`)),
    page.getByRole('button', { name: 'Identify yourself' }).click(),
  ]);
  assert.equal(await signInAtBroker(page, 'johan'), 200);
  assert.equal(await page.locator('h1').textContent(), 'Sign the application');
  const shown = await page.locator('main').textContent();
  for (const answer of ['Alva Berg', 'Johan Berg', sent.receipt.reference]) assert.ok(shown.includes(answer), `the page shows "${answer}"`);
  await noViolations(page, 'sign: after OpenID Connect', problems);
  await page.screenshot({ path: screenshotPath('oidc-sign-page-en'), fullPage: true });
  await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Sign the application', exact: true }).click()]);
  await page.locator('h1').filter({ hasText: 'The application is signed' }).waitFor();

  // The callback cannot be replayed: the state is spent.
  const replay = await page.goto(`${server.baseUrl}/identity/callback?code=x&state=${'A'.repeat(43)}`);
  assert.equal(replay.status(), 400);

  // The cancelled page and the replay answer 4xx on purpose; nothing else may fail.
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  assert.deepEqual(problems, [], problems.join('\n'));
  // The server's log names no person.
  for (const secret of ['198507049982', '19850704-9982', 'Johan', 'karin', 'Karin']) {
    assert.ok(!server.output().includes(secret), `the server's output mentions "${secret}"`);
  }
});
