// Completion mode of the form page (/complete/{token}): a caseworker asked the applicant
// to complete some answers or attachments (docs/completion-requests.md). One page: the
// caseworker's message, only the marked fields (pre-filled with the answers sent before,
// editable, rendered exactly as in the normal app), Send, and a verified receipt.
//
// Index of this file
//   [SECTION] STATE     the one place the page's state lives (C)
//   [SECTION] START     the request, the form version, the engine with the old answers
//   [SECTION] CHROME    header, language switch, page title
//   [SECTION] FIELDS    the marked fields, plus any field the engine reports an error for
//   [SECTION] SEND      POST /api/completions/{token}, offline and refusals
//   [SECTION] RECEIPT   the verified receipt
//
// Like a preview (/p/{token}), nothing is kept on the device: no draft, no outbox. The
// reply goes when Send is pressed; if that fails (offline), the page says so and Send
// can be pressed again. Every rule (visibility, required, validation, messages) comes
// from the engine; the server merges the marked fields into the previous answers and
// re-checks everything with the same engine.
import { loadEngine } from '/engine/engine.mjs';
import { verifySentBody, jsonDownloadUrl, canonicalJson, answersToSend, filesToSend, missingFiles } from './receipt.js';
import { newIdempotencyKey } from './idempotency-key.js';
import { t, LANGUAGES, initialLanguage, rememberLanguage, formatDateTime, receiptProblemText } from './i18n.js';
import { formToday } from './form-day.js';
import { h, StepView, createField, errorSummary, answerSummary, inputId, pathOfPointer, languageSwitch } from './render.js';

//-----------------------------------------------------------------------------
// [SECTION] STATE
//-----------------------------------------------------------------------------

const C = {
  token: null,
  request: null, // GET /api/completions/{token}: form_id, version, reference, message, fields, answers, …
  definition: null,
  formText: null,
  engine: null,
  form: null, // FormFilling with the previous answers, then the citizen's changes
  order: [], // top-level field ids in the form's order
  lang: 'sv',
  languages: LANGUAGES,
  screen: 'loading', // loading | problem | fields | sending | receipt
  problem: null, // { title, text, identifyUrl } for the problem page
  shown: [], // top-level answer paths on the page, in the form's order
  stepView: null,
  touched: new Set(), // paths answered and left: their errors show
  attempted: false, // Send was pressed: every error on the page shows
  summary: null, // { kind: 'engine' | 'server' | 'offline' | 'files', errors } in the error summary
  files: new Map(), // sha256 → File chosen now, or null for a file the server has already
  lastSend: null, // { body, key }: a retry of the same body reuses its Idempotency-Key
  sent: null, // { body, check } for the receipt
};

const TOKEN_PATH = /^\/complete\/([A-Za-z0-9_-]{16,256})\/?$/;
const main = () => document.getElementById('main');


function formTitle() {
  const title = C.definition ? C.definition.title : '';
  return typeof title === 'string' ? title : title[C.lang] || title[C.languages[0]] || '';
}

//-----------------------------------------------------------------------------
// [SECTION] START
//-----------------------------------------------------------------------------

// The problem page for a refusal of the completion API (server/completion_pages.cc):
// what it means for the citizen.
function problemFor(status, body) {
  const code = body && body.error ? body.error.code : '';
  // Identification (when the application has the applicant's personal identity number)
  // starts on the server's page for the link: /complete/{token} shows its button.
  const identify = { title: 'completionIdentifyTitle', text: C.request ? 'completionIdentifyAgain' : 'completionIdentify',
    identifyUrl: `/complete/${C.token}` };
  if (status === 401 || code === 'completion.identification_required' || code === 'completion.csrf') return identify;
  if (status === 403) return { title: 'completionForbiddenTitle', text: 'completionForbidden' };
  if (status === 404) return { title: 'completionNotFoundTitle', text: 'completionNotFound' };
  if (status === 409 || status === 410) return { title: 'completionGoneTitle', text: 'completionGone' };
  return { title: 'loadFailed', text: null };
}

export async function startCompletion() {
  const m = location.pathname.match(TOKEN_PATH);
  C.lang = initialLanguage();
  renderChrome();
  main().replaceChildren(h('p', { class: 'body' }, t(C.lang, 'loading')));
  if (!m) return showProblem({ title: 'completionNotFoundTitle', text: 'completionNotFound' });
  C.token = m[1];

  let response;
  try {
    const [engine, res] = await Promise.all([
      loadEngine(),
      fetch(`/api/completions/${C.token}`, { headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' }),
    ]);
    C.engine = engine;
    response = res;
  } catch (e) {
    console.error(e);
    return showProblem({ title: 'loadFailed', text: null });
  }
  const body = await response.json().catch(() => null);
  if (!response.ok || !body) return showProblem(problemFor(response.status, body));
  C.request = body;

  // The version the answers were given for (it may no longer be the published one).
  let published;
  try {
    const res = await fetch(`/api/forms/${encodeURIComponent(body.form_id)}/versions/${encodeURIComponent(body.version)}`,
      { headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error(`form version: HTTP ${res.status}`);
    published = await res.json();
    C.definition = published.definition;
    C.formText = JSON.stringify(published.definition);
    C.languages = published.definition.languages;
    C.lang = initialLanguage(C.languages);
    C.form = C.engine.open(C.formText, formToday(body.time_zone)); // the server's day (form-day.js)
    // The previous answers, as a draft of the same version: the engine keeps them all
    // (calculated values are worked out again, not taken).
    C.form.restore({ format: 'blankett-draft/1', form: body.form_id, version: body.version, answers: body.answers || {} });
  } catch (e) {
    console.error(e);
    return showProblem({ title: 'loadFailed', text: null });
  }
  C.order = C.definition.steps.flatMap((s) => s.fields.map((f) => f.id));
  const marked = new Set((body.fields || []).map((p) => String(p).split('/')[0]));
  C.shown = C.order.filter((id) => marked.has(id));
  // The files of the previous version are with the municipality: not "missing" here,
  // and not sent again (the server matches them by SHA-256).
  for (const a of body.attachments || []) if (a && a.sha256) C.files.set(a.sha256, null);
  addErrorFields();
  C.screen = 'fields';
  renderChrome();
  renderFields({ focus: 'heading' });
}

//-----------------------------------------------------------------------------
// [SECTION] CHROME
//-----------------------------------------------------------------------------

function setTitle(pageHeading, error = false) {
  const title = C.definition ? t(C.lang, 'pageTitle', { step: pageHeading, form: formTitle() }) : `${pageHeading} – Blankett`;
  document.title = `${error ? t(C.lang, 'errorPrefix') : ''}${title}`;
}

function renderChrome() {
  document.documentElement.lang = C.lang;
  document.getElementById('skip-link').textContent = t(C.lang, 'skipLink');
  document.getElementById('home-link').href = `/?lang=${C.lang}`;
  const nav = document.getElementById('language-switch');
  nav.setAttribute('aria-label', t(C.lang, 'languageSwitch'));
  nav.replaceChildren(languageSwitch(C.lang, C.languages, (lang) => switchLanguage(lang)));
  document.getElementById('banner').replaceChildren();
}

function switchLanguage(lang) {
  if (lang === C.lang) return;
  C.lang = lang;
  rememberLanguage(lang);
  renderChrome();
  if (C.screen === 'fields' || C.screen === 'sending') renderFields({ focus: null });
  else if (C.screen === 'receipt') renderReceipt();
  else if (C.screen === 'problem') renderProblem();
  const current = document.querySelector(`#language-switch [lang="${lang}"]`);
  if (current) current.focus();
}

function announce(text) {
  const region = document.getElementById('announcer');
  region.textContent = '';
  setTimeout(() => { region.textContent = text; }, 50);
}

function showProblem(problem) {
  C.screen = 'problem';
  C.problem = problem;
  renderChrome();
  renderProblem();
}

function renderProblem() {
  const { title, text, identifyUrl } = C.problem;
  setTitle(t(C.lang, title));
  const heading = h('h1', { class: 'heading-l', tabindex: '-1', id: 'completion-problem' }, t(C.lang, title));
  main().replaceChildren(
    heading,
    text ? h('p', { class: 'body', id: 'completion-problem-text' }, t(C.lang, text)) : '',
    identifyUrl ? h('p', { class: 'body' }, h('a', { class: 'button', id: 'completion-identify', href: identifyUrl },
      t(C.lang, 'completionIdentifyLink'))) : '');
  heading.focus();
}

//-----------------------------------------------------------------------------
// [SECTION] FIELDS
//-----------------------------------------------------------------------------

// Top-level fields the engine reports an error for join the page (a changed answer can
// make another field required), in the form's order, and stay there once shown.
// → the ids added.
function addErrorFields() {
  const have = new Set(C.shown);
  const added = [];
  for (const e of C.form.errors(C.lang)) {
    const id = pathOfPointer(e.pointer).split('/')[0];
    if (!have.has(id) && C.order.includes(id)) {
      have.add(id);
      added.push(id);
    }
  }
  if (added.length) C.shown = C.order.filter((id) => have.has(id));
  return added;
}

// Adds a field's node to the rendered page, before the next shown field.
function insertNode(id) {
  const view = C.form.field(id, C.lang);
  if (!view) return;
  const node = createField(view, C.stepView);
  C.stepView.register(node);
  const next = C.shown.slice(C.shown.indexOf(id) + 1).map((p) => C.stepView.nodes.get(p)).find(Boolean);
  if (next) next.el.before(node.el);
  else C.stepView.el.append(node.el);
}

// After every answer: fields that now have an error join the page. (The error summary
// stays as it is until Send, as on a step until Continue.)
function afterChange(changes) {
  if (C.stepView) for (const id of addErrorFields()) insertNode(id);
  return changes;
}

const handlers = {
  answer(path, value) {
    return afterChange(value === null ? C.form.clear(path, C.lang) : C.form.set(path, value, C.lang));
  },
  addRow(group) { return afterChange(C.form.addRow(group, C.lang)); },
  removeRow(group, index) { return afterChange(C.form.removeRow(group, index, C.lang)); },
  announce,
};

function linkFor(error) {
  const path = pathOfPointer(error.pointer);
  if (!C.stepView || !C.stepView.nodes.has(path)) return null;
  return { href: `#${inputId(path)}`, onActivate: () => C.stepView.focusPath(path) };
}

function showSummary({ focus }) {
  const slot = document.getElementById('error-summary-slot');
  if (!slot) return;
  if (!C.summary || !C.summary.errors.length) {
    slot.replaceChildren();
    setTitle(document.getElementById('completion-heading').textContent);
    return;
  }
  const summary = errorSummary(C.lang, C.summary.errors, linkFor);
  slot.replaceChildren(summary);
  setTitle(document.getElementById('completion-heading').textContent, true);
  if (focus) summary.focus();
}

// The message's paragraphs (blank lines; a form's textarea sends CRLF line ends).
function paragraphs(text, attrs = {}) {
  return String(text).replace(/\r\n?/g, '\n').split(/\n\s*\n/).filter((p) => p.trim() !== '').map((p) => h('p', attrs, p));
}

// The one page: heading, the caseworker's message (the caseworker's own words: shown as
// text, never as HTML), the fields, Send.
function renderFields({ focus = 'heading' } = {}) {
  const req = C.request;
  // The summary in the language now shown (the server's own messages stay as they came).
  if (C.summary && C.summary.kind === 'engine') C.summary.errors = C.form.errors(C.lang);
  if (C.summary && C.summary.kind === 'offline') C.summary.errors = [{ pointer: '', message: t(C.lang, 'completionOffline') }];
  const views = C.shown.map((id) => C.form.field(id, C.lang)).filter(Boolean);
  C.stepView = new StepView({ fields: views }, { lang: C.lang, handlers, files: C.files, attempted: C.attempted, touched: C.touched });
  const heading = h('h1', { class: 'heading-l', id: 'completion-heading', tabindex: '-1' },
    t(C.lang, 'completionTitle', { reference: req.reference || '' }));
  const sending = C.screen === 'sending';
  const form = h('form', { class: 'step-form', id: 'completion-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); onSend(); } },
    h('h2', { class: 'heading-m' }, t(C.lang, 'completionFieldsTitle')),
    C.stepView.el,
    h('p', { class: 'body' }, t(C.lang, 'sendNote')),
    h('div', { class: 'button-group' },
      h('button', { type: 'submit', class: 'button', id: 'send', 'aria-disabled': sending ? 'true' : null }, t(C.lang, 'send'))));
  main().replaceChildren(
    h('div', { id: 'error-summary-slot' }),
    h('span', { class: 'caption-l' }, formTitle()),
    heading,
    req.message ? h('section', { class: 'completion-message', 'aria-labelledby': 'completion-message-title' },
      h('h2', { class: 'heading-m', id: 'completion-message-title' }, t(C.lang, 'completionMessageTitle')),
      h('div', { class: 'inset-text completion-message__text', id: 'completion-message' }, paragraphs(req.message))) : '',
    h('p', { class: 'body', id: 'completion-intro' }, t(C.lang, 'completionIntro')),
    req.expires_at ? h('p', { class: 'body', id: 'completion-expires' },
      t(C.lang, 'completionExpires', { time: formatDateTime(C.lang, req.expires_at) })) : '',
    form,
    h('p', { class: 'body', role: 'status', id: 'send-status' }, sending ? t(C.lang, 'sending') : ''));
  if (C.attempted) C.stepView.showAllErrors();
  showSummary({ focus: focus === 'summary' });
  if (focus === 'heading') heading.focus();
}

//-----------------------------------------------------------------------------
// [SECTION] SEND
//-----------------------------------------------------------------------------

function setStatus(text) {
  const status = document.getElementById('send-status');
  if (status) status.textContent = text;
}

async function onSend() {
  if (C.screen === 'sending') return;
  for (const id of addErrorFields()) insertNode(id);
  if (!C.form.valid()) {
    C.attempted = true;
    C.stepView.showAllErrors();
    C.summary = { kind: 'engine', errors: C.form.errors(C.lang) };
    showSummary({ focus: true });
    return;
  }
  C.screen = 'sending';
  C.summary = null;
  showSummary({ focus: false });
  document.getElementById('send').setAttribute('aria-disabled', 'true');
  setStatus(t(C.lang, 'sending'));

  const answers = answersToSend(C.form);
  const json = JSON.stringify({ version: C.request.version, answers, language: C.lang });
  // The same body again (a retry after a failure) keeps its key, so the server stores
  // one reply however often it arrives; changed answers are a new request.
  if (!C.lastSend || C.lastSend.body !== json) C.lastSend = { body: json, key: newIdempotencyKey() };
  const headers = { 'Idempotency-Key': C.lastSend.key };
  if (C.request.identity_csrf) headers['X-Identity-CSRF'] = C.request.identity_csrf;
  // Every file is chosen on this page or already with the municipality; should one be
  // neither, say so rather than send what the server would refuse.
  const missing = missingFiles(answers, C.files);
  if (missing.length) {
    return notSent({ kind: 'files', errors: missing.map(({ path, names }) => ({ pointer: `/${path}`,
      message: t(C.lang, 'fileMissingSend', { names: names.join(', '), label: C.form.field(path, C.lang).label || path }) })) });
  }
  const files = filesToSend(answers, C.files);
  let body = json;
  if (files.length) {
    body = new FormData();
    body.append('submission', new Blob([json], { type: 'application/json' }), 'submission.json');
    for (const file of files) body.append('file', file, file.name || 'file');
  } else {
    headers['Content-Type'] = 'application/json';
  }

  let response;
  try {
    response = await fetch(`/api/completions/${C.token}`, { method: 'POST', headers, body, cache: 'no-store', credentials: 'same-origin' });
  } catch (e) {
    console.warn('completion not sent', e);
    return notSent({ kind: 'offline', errors: [{ pointer: '', message: t(C.lang, 'completionOffline') }] });
  }
  const answer = await response.json().catch(() => null);
  if ((response.status === 201 || response.status === 200) && answer && answer.receipt) {
    C.sent = { body: answer, check: await verifySentBody(answer) };
    C.screen = 'receipt';
    renderReceipt();
    document.getElementById('receipt-heading').focus();
    return;
  }
  const status = response.status;
  if (status === 408 || status === 429 || status >= 500 || status < 400) {
    return notSent({ kind: 'offline', errors: [{ pointer: '', message: t(C.lang, 'completionOffline') }] });
  }
  const code = answer && answer.error ? answer.error.code : '';
  if ([401, 403, 404, 410].includes(status) || (status === 409 && code !== 'submission.idempotency_conflict')) {
    return showProblem(problemFor(status, answer));
  }
  const errors = answer && answer.error && Array.isArray(answer.error.errors) && answer.error.errors.length
    ? answer.error.errors
    : [{ pointer: '', message: `${t(C.lang, 'rejected')} (${code || status})` }];
  return notSent({ kind: 'server', errors: [{ pointer: '', message: t(C.lang, 'rejected') }, ...errors] });
}

// The reply did not arrive (offline, the service down) or was refused: the page stays,
// the error summary says why and has focus, and Send can be pressed again.
function notSent(summary) {
  C.screen = 'fields';
  C.summary = summary;
  const button = document.getElementById('send');
  if (button) button.removeAttribute('aria-disabled');
  setStatus('');
  showSummary({ focus: true });
}

//-----------------------------------------------------------------------------
// [SECTION] RECEIPT
//-----------------------------------------------------------------------------

function renderReceipt() {
  const { body, check } = C.sent;
  const receipt = body.receipt;
  const reference = receipt.reference || '';
  setTitle(t(C.lang, 'completionReceiptTitle'));
  const receiptText = `${JSON.stringify(receipt, null, 2)}\n`;
  const submissionText = canonicalJson(body.submission);
  const verified = check.ok
    ? h('div', { class: 'notice notice--success', id: 'receipt-verification', 'data-verified': 'true' }, t(C.lang, 'receiptVerified', { keyId: check.keyId }))
    : h('div', { class: 'warning-text', id: 'receipt-verification', 'data-verified': 'false' },
      h('span', { class: 'warning-text__icon', 'aria-hidden': 'true' }, '!'),
      h('strong', { class: 'warning-text__text' }, t(C.lang, 'completionReceiptNotVerified', { problem: receiptProblemText(C.lang, check.reason) })));
  main().replaceChildren(
    h('div', { class: 'panel panel--confirmation' },
      h('h1', { class: 'panel__title', tabindex: '-1', id: 'receipt-heading' }, t(C.lang, 'completionReceiptTitle')),
      h('div', { class: 'panel__body' }, t(C.lang, 'receiptReference'), h('br'), h('strong', { id: 'receipt-reference' }, reference))),
    h('p', { class: 'body' }, `${t(C.lang, 'receiptReceived')}: `,
      h('time', { datetime: receipt.received_at, id: 'receipt-time' }, formatDateTime(C.lang, receipt.received_at))),
    verified,
    h('p', { class: 'body' }, t(C.lang, 'receiptKeep')),
    h('ul', { class: 'list download-list' },
      h('li', {}, h('a', { class: 'link', id: 'download-receipt', href: jsonDownloadUrl(receiptText), download: `${reference || 'receipt'}.json` }, t(C.lang, 'downloadReceipt'))),
      h('li', {}, h('a', { class: 'link', id: 'download-submission', href: jsonDownloadUrl(submissionText), download: `${reference || 'receipt'}-submission.json` }, t(C.lang, 'downloadSubmission')))),
    h('h2', { class: 'heading-m' }, t(C.lang, 'completionWhatSent')),
    answerSummary(C.lang, C.form.summary(C.lang), null, 3));
}
