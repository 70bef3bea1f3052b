// Test harness for the citizen app's browser tests: a real `blankett serve` on a free
// loopback port with a fresh data folder, and Debian's Chromium driven by playwright-core.
//
//   import { startServer, launchBrowser, screenshotPath } from './harness.mjs';
//   const server = await startServer();          // { baseUrl, dataDir, stop(), metrics() }
//   const browser = await launchBrowser();
//   const page = await browser.newPage();
//   await page.goto(`${server.baseUrl}/f/skolskjuts`);
//   …
//   await browser.close(); await server.stop();
//
// The server binary is the one already built (build/server/blankett); the harness never
// builds anything. Set BLANKETT_BIN to use another binary.
//
// A fresh visit to /f/{id} shows the first step inert, with <main aria-busy="true">,
// until the engine has opened (the server draws it into the page,
// server/first_step_html.h): tests that go on to use a step wait for it under
// `main:not([aria-busy])`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const webDir = path.resolve(here, '..');
export const repoRoot = path.resolve(webDir, '..');
export const formsDir = path.join(repoRoot, 'forms');
export const serverBinary = process.env.BLANKETT_BIN || path.join(repoRoot, 'build/server/blankett');

// A port that was free a moment ago (the server refuses to share a port, so a race
// would fail loudly, not silently).
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Starts `blankett serve` and waits until GET /healthz answers.
// opts: { forms (folder), web (folder), env (extra environment), args (extra arguments) }.
// Throws with the server's output when it exits or is not healthy within 20 s.
export async function startServer(opts = {}) {
  if (!existsSync(serverBinary)) throw new Error(`no server binary at ${serverBinary}: build it first`);
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'blankett-web-test-'));
  const args = ['serve', '--port', String(port), '--bind', '127.0.0.1', '--data', dataDir,
    '--forms', opts.forms || formsDir, '--web', opts.web || webDir, ...(opts.args || [])];
  const child = spawn(serverBinary, args, { cwd: repoRoot, env: { ...process.env, ...(opts.env || {}) },
    stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  let exited = null;
  const exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited); }));
  const baseUrl = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 20000;
  for (;;) {
    if (exited) throw new Error(`blankett serve exited (${JSON.stringify(exited)}):\n${output}`);
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`blankett serve did not become healthy in 20 s:\n${output}`);
    }
    await sleep(50);
  }

  return {
    baseUrl,
    dataDir,
    output: () => output,
    async metrics() {
      const res = await fetch(`${baseUrl}/metrics`);
      return res.text();
    },
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5000);
        await exitPromise;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// Sum of a Prometheus counter over all its label sets, optionally filtered by one label
// (`counterValue(text, 'blankett_submissions_accepted_total', { form: 'skolskjuts' })`).
export function counterValue(metricsText, name, labels = {}) {
  let total = 0;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = line.match(/^([a-z_]+)(\{([^}]*)\})?\s+([0-9.eE+-]+)$/);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] || '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[4]);
  }
  return total;
}

// Debian's Chromium, headless. launch() gives every browser a fresh profile.
export async function launchBrowser(opts = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--enable-unsafe-swiftshader'],
    ...opts,
  });
}

// web/test-output/screenshots/<name>.png, its folder created.
export function screenshotPath(name) {
  const dir = path.join(webDir, 'test-output', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}.png`);
}

// Every example form: [{ id, definition, happyPaths: [{ file, scenario }] }].
export function exampleForms() {
  return readdirSync(formsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(formsDir, d.name, 'form.json')))
    .map((d) => {
      const dir = path.join(formsDir, d.name);
      const testsDir = path.join(dir, 'tests');
      const happyPaths = existsSync(testsDir)
        ? readdirSync(testsDir).filter((f) => /^happy-path.*\.json$/.test(f)).sort()
          .map((f) => ({ file: f, scenario: JSON.parse(readFileSync(path.join(testsDir, f), 'utf8')) }))
        : [];
      return { id: d.name, definition: JSON.parse(readFileSync(path.join(dir, 'form.json'), 'utf8')), happyPaths };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

// Collects the page's console errors and uncaught exceptions (CSP violations show up
// here too) so a test can assert there were none.
export function watchPageErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  return errors;
}

// ---- Filling the citizen app (web/form.html) like a citizen ---------------------------

// The DOM id of a field's input in the app (render.js inputId).
export function inputIdFor(path) {
  return `f-${path.replace(/\//g, '-')}`;
}

// Bytes for a test file of the given MIME type that the server's type sniffing accepts.
export function sampleFileBytes(type, label = 'Blankett test') {
  if (type === 'image/png') {
    return Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f0a0ee0000000049454e44ae426082', 'hex');
  }
  if (type === 'image/jpeg') return Buffer.concat([Buffer.from('ffd8ffe000104a46494600', 'hex'), Buffer.from(label), Buffer.from('ffd9', 'hex')]);
  return Buffer.from(`%PDF-1.4\n% ${label}\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`);
}

// Answers one field on the current step through the page, the way its control is used:
// typing (then leaving the field), radios, a select, checkboxes, a file chooser. `value`
// is the answer as a scenario's "set" gives it. Waits for the field to be shown.
export async function fillAnswer(page, path, value) {
  const group = page.locator(`[data-path="${path}"]`);
  await group.waitFor({ state: 'visible', timeout: 5000 });
  const type = await group.getAttribute('data-type');
  const id = inputIdFor(path);
  if (type === 'yesno') {
    await group.locator(`input[value="${value ? 'true' : 'false'}"]`).check();
  } else if (type === 'choice') {
    if (await group.locator('select').count()) await group.locator('select').selectOption(String(value));
    else await group.locator(`input[value="${value}"]`).check();
  } else if (type === 'multichoice') {
    const wanted = new Set((value || []).map(String));
    for (const box of await group.locator('input[type=checkbox]').all()) {
      await box.setChecked(wanted.has(await box.getAttribute('value')));
    }
  } else if (type === 'attachment') {
    const files = (value || []).map((f) => ({ name: f.name, mimeType: f.type, buffer: sampleFileBytes(f.type, f.name) }));
    await page.locator(`#${id}`).setInputFiles(files);
    // Hashing is asynchronous: wait until every chosen file is listed.
    await page.waitForFunction(([p, n]) => document.querySelectorAll(`[data-path="${p}"] .file-list__item`).length === n, [path, files.length]);
  } else {
    const input = page.locator(`#${id}`);
    await input.fill(value === null || value === undefined ? '' : String(value));
    await input.blur();
  }
}

// Plays a scenario's actions through the UI: "set" fills fields, "add_row" presses the
// group's add button, "remove_row" its remove button, "next" presses Continue (and
// checks that the step changed, or that an error summary appeared when it could not),
// "back" presses Back. onStep(page, label) is called after every change of step and
// when an error summary appears, so a test can check each state on the way.
export async function playScenarioInUi(page, scenario, onStep = async () => {}) {
  for (const action of scenario.actions) {
    if (action.set) {
      for (const [path, value] of Object.entries(action.set)) await fillAnswer(page, path, value);
    } else if (action.add_row) {
      const before = await page.locator(`[data-path="${action.add_row}"] .repeat-group__row`).count();
      await page.locator(`[data-path="${action.add_row}"] [data-action="add-row"]`).first().click();
      await page.waitForFunction(([g, n]) => document.querySelectorAll(`[data-path="${g}"] .repeat-group__row`).length === n, [action.add_row, before + 1]);
    } else if (action.remove_row) {
      const [group, row] = action.remove_row.split('/');
      await page.locator(`#${inputIdFor(group)}-row-${row} [data-action="remove-row"]`).click();
    } else if (action.next) {
      const before = await page.locator('form.step-form').getAttribute('data-step');
      await page.click('#continue');
      await page.waitForFunction((b) => {
        const f = document.querySelector('form.step-form');
        return document.querySelector('#error-summary') || !f || f.dataset.step !== b;
      }, before);
      const summary = await page.locator('#error-summary').count();
      await onStep(page, summary ? 'errors' : 'step');
    } else if (action.back) {
      await page.click('#back');
      await onStep(page, 'step');
    } else if (action.goto) {
      throw new Error('playScenarioInUi: "goto" is not a citizen action on a step page');
    }
  }
}

// ---- axe-core (WCAG 2.1 A and AA) -----------------------------------------------------

const AXE = path.join(webDir, 'node_modules/axe-core/axe.min.js');
// Same origin as the page: allowed by the CSP's script-src 'self'. Never reaches the
// server (the route answers it), and the service worker leaves unknown paths alone.
const AXE_PATH = '/__axe/axe.min.js';
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// A browser context whose pages can load axe from their own origin.
export async function newAxeContext(browser, options = {}) {
  const context = await browser.newContext(options);
  await context.route(`**${AXE_PATH}`, (route) => route.fulfill({ path: AXE, contentType: 'text/javascript; charset=utf-8' }));
  return context;
}

// axe on the page as it is now → { passes, violations: [{ id, impact, help, nodes }] }.
export async function axeRun(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ url: AXE_PATH });
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'passes'] });
    return {
      passes: result.passes.length,
      violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`) })),
    };
  }, WCAG_TAGS);
}

// ---- A real SMTP server on loopback (Debian's python3-aiosmtpd) -------------------------

// The handler server/smtp_test_server.h uses: every accepted message is written to
// <dir>/msgN.eml, envelope lines first (X-Envelope-From, X-Envelope-To).
const SMTP_CAPTURE_HANDLER = `
import os

class Capture:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0

    @classmethod
    def from_cli(cls, parser, *args):
        return cls(args[0])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        tmp = os.path.join(self.outdir, 'msg%d.tmp' % self.count)
        with open(tmp, 'wb') as f:
            f.write(('X-Envelope-From: %s\\r\\nX-Envelope-To: %s\\r\\n' % (envelope.mail_from, ','.join(envelope.rcpt_tos))).encode())
            f.write(envelope.original_content or envelope.content)
        os.rename(tmp, os.path.join(self.outdir, 'msg%d.eml' % self.count))
        return '250 Message accepted'
`;

// "=?UTF-8?B?…?=" (RFC 2047, as server/smtp_client.cc writes a subject that is not ASCII).
function decodeHeaderWords(value) {
  return value.replace(/=\?utf-8\?b\?([A-Za-z0-9+/=]+)\?=/gi, (m, b64) => Buffer.from(b64, 'base64').toString('utf8'));
}

// One captured message → { file, to: [addresses], from, headers: {lower-case name: value},
// subject, body } (the body is text/plain, 8bit UTF-8; line ends made "\n").
export function parseMail(file, bytes) {
  const text = bytes.toString('utf8').replace(/\r\n/g, '\n');
  const split = text.indexOf('\n\n');
  const head = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? '' : text.slice(split + 2);
  const headers = {};
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return {
    file,
    to: (headers['x-envelope-to'] || '').split(',').filter(Boolean),
    from: headers['x-envelope-from'] || '',
    headers,
    subject: decodeHeaderWords(headers.subject || ''),
    body,
  };
}

// Starts aiosmtpd on a free loopback port → { host, port, args (for blankett serve),
// messages(), waitForMail(predicate, timeoutMs), stop() }. messages() are parsed with
// parseMail, oldest first.
export async function startSmtpServer({ from = 'noreply@kommun.test' } = {}) {
  const python = '/usr/bin/python3'; // Debian's, which has python3-aiosmtpd (scripts/setup)
  const dir = mkdtempSync(path.join(tmpdir(), 'blankett-web-smtp-'));
  const mailDir = path.join(dir, 'mail');
  mkdirSync(mailDir);
  writeFileSync(path.join(dir, 'blankett_smtp_capture.py'), SMTP_CAPTURE_HANDLER);
  const port = await freePort();
  const child = spawn(python, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'blankett_smtp_capture.Capture', mailDir],
    { env: { PYTHONPATH: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  let exited = null;
  const exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited); }));
  const deadline = Date.now() + 10000;
  for (;;) {
    if (exited) throw new Error(`aiosmtpd exited (${JSON.stringify(exited)}); is python3-aiosmtpd installed?\n${output}`);
    if (await portAccepts(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`aiosmtpd did not listen on 127.0.0.1:${port} in 10 s:\n${output}`);
    }
    await sleep(50);
  }
  const messages = () => readdirSync(mailDir)
    .filter((f) => /^msg\d+\.eml$/.test(f))
    .sort((a, b) => Number(a.slice(3, -4)) - Number(b.slice(3, -4)))
    .map((f) => parseMail(f, readFileSync(path.join(mailDir, f))));
  return {
    host: '127.0.0.1',
    port,
    args: ['--smtp-host', '127.0.0.1', '--smtp-port', String(port), '--smtp-from', from],
    messages,
    // The first message (oldest first) for which predicate(mail) holds; waits for it.
    async waitForMail(predicate, timeoutMs = 15000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = messages().find(predicate);
        if (found) return found;
        if (Date.now() > until) {
          throw new Error(`no matching e-mail in ${timeoutMs} ms; received: ${JSON.stringify(messages().map((m) => ({ to: m.to, subject: m.subject })))}`);
        }
        await sleep(100);
      }
    },
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5000);
        await exitPromise;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function portAccepts(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

// ---- Staff and identification ---------------------------------------------------------

export const TEST_PASSWORD = 'a long enough password for tests';

// `blankett user add` against a running server's data folder (as an administrator
// would). opts: { role, scope, password, displayName }.
export function addUser(dataDir, username, { role = 'caseworker', scope = null, password = TEST_PASSWORD, displayName = null } = {}) {
  const args = ['user', 'add', username, '--name', displayName || `${username} Testsson`, '--role', role];
  if (scope) args.push('--scope', scope);
  args.push('--password-stdin', '--data', dataDir);
  const made = spawnSync(serverBinary, args, { input: `${password}\n`, encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`blankett user add ${username} failed: ${made.stderr}`);
}

// Signs a member of staff in on /login and waits for the page it leads to.
export async function signIn(page, baseUrl, username, password = TEST_PASSWORD) {
  await page.goto(`${baseUrl}/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
}

// The links to this server in an e-mail's text.
export function linksIn(text, baseUrl) {
  const escaped = baseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...text.matchAll(new RegExp(`${escaped}/[^\\s<>"]+`, 'g'))].map((m) => m[0]);
}
