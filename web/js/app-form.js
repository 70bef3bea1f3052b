// The form page (/f/{form-id}): one step at a time, check your answers, send, receipt.
//
// Index of this file
//   [SECTION] STATE        the one place the page's state lives (App)
//   [SECTION] START        load engine, definition, storage; offer a saved draft
//   [SECTION] CHROME       header, language switch, storage warning, page title
//   [SECTION] STEP         render a step, answers → engine → changed nodes, Continue/Back
//   [SECTION] CHECK        check your answers, change links, Send
//   [SECTION] OUTBOX       queued → pending / sent → receipt / rejected
//   [SECTION] RECEIPT      the verified receipt and its downloads
//
// /complete/{token} (a completion request) uses the same shell and is js/completion.js.
//
// Data flows one way: an event gives the engine an answer; the engine returns what
// changed; render.js updates those nodes. Every rule, message and value comes from the
// engine (web/engine/engine.mjs); this file routes events, stores drafts and talks to
// the outbox (drafts and the outbox are the device helper's storage.js and outbox.js).
import { loadEngine } from '/engine/engine.mjs';
import { openDeviceStorage, saveDraft, loadDraft, deleteDraft, listReceipts, draftToFile, draftFileName, draftFromFile } from './storage.js';
import { queueSubmission, startOutbox, pendingSubmissions, removeFromOutbox } from './outbox.js';
import { settleSent, jsonDownloadUrl, canonicalJson, answersToSend, filesToSend, missingFiles } from './receipt.js';
import { t, initialLanguage, rememberLanguage, formatDateTime, prepareFormats, receiptProblemText } from './i18n.js';
import { formToday } from './form-day.js';
import { h, StepView, errorSummary, answerSummary, inputId, pathOfPointer, languageSwitch } from './render.js';

//-----------------------------------------------------------------------------
// [SECTION] STATE
//-----------------------------------------------------------------------------

const App = {
  formId: null,
  formText: null, // the definition as JSON text, for engine.open
  definition: null,
  version: null, // the published version the answers are given for
  engine: null,
  form: null, // FormFilling
  lang: 'sv',
  languages: ['sv', 'en', 'nb'],
  storage: { available: false, persistent: false, problem: 'not opened' },
  screen: 'loading', // loading | notfound | failed | resume | step | check | sending | pending | receipt
  stepView: null,
  touched: new Set(), // paths answered and left: their errors show (kept across steps and languages)
  attemptedSteps: new Set(), // steps where Continue was pressed: all their errors show
  summaryShown: false, // the error summary is on screen (re-rendered on a language switch)
  // The server refused the last submission (422): kept as data, so that the app's own
  // sentence follows a language switch: { entryIds (its outbox entries, kept until the
  // citizen changes an answer or sends again), status, code, errors (the server's, in
  // `language`, the language the application was sent in), language }.
  rejection: null,
  checkProblem: null, // why Send stopped on the check page: preview | incomplete | missingFiles | notQueued
  files: new Map(), // sha256 → File chosen for an attachment answer
  returnToCheck: false, // came from a change link: Continue goes back to the check page
  dropped: null, // answers a restored draft lost (shown once)
  savedDraft: null, // { draft, savedAt } offered on the resume screen
  sendLocked: false, // Send was pressed: no more draft writes until it fails
  pendingReason: null,
  sent: null, // { result, entry, body, summaryForm } for the receipt screen
  lastReceipt: null, // the newest kept receipt of this form, shown on the first step
  savedStep: undefined, // the step the draft last saved was on
  savedPlace: undefined, // where the draft last saved was: step | check | returnToCheck (storage.js saveDraft)
  draftProblem: false, // the last draft save failed: "your answers are not being saved" is shown
  draftFileUrl: null, // the Blob URL behind the "Save a copy of your answers (file)" link
  fileLoadError: null, // { key, params }: why the chosen draft file was refused
  fileLoaded: null, // { name, dropped: [{label, value}] }: a draft file just loaded (shown once)
  pendingPersisted: true, // false: the outbox could only keep the submission in memory
  sendingEntryId: null, // the outbox entry of the send in progress (or last made)
  draftStartedAt: null, // when this application's first draft was saved (sent for statistics)
  previewToken: null, // /p/<token>: a form owner's private preview of an unpublished version
  timeZone: null, // the zone the server counts days in, sent with the form (form-day.js)
};

const main = () => document.getElementById('main');

// today() for the rules: the server's day, in the zone it sent with the form (form-day.js).
const formDay = () => formToday(App.timeZone);

function formTitle() {
  const title = App.definition ? App.definition.title : '';
  return typeof title === 'string' ? title : title[App.lang] || title[App.languages[0]] || '';
}

// A field's label from the definition (for answers a changed form dropped: the engine
// no longer knows them).
function definitionLabel(path) {
  const id = path.split('/').pop();
  for (const step of App.definition.steps) {
    for (const f of step.fields) {
      for (const x of [f, ...(f.fields || [])]) {
        if (x.id === id && x.label) return typeof x.label === 'string' ? x.label : x.label[App.lang] || id;
      }
    }
  }
  return id;
}

// The step a path belongs to (its top-level field's step), from the definition.
function stepOfPath(path) {
  const top = path.split('/')[0];
  const step = App.definition.steps.find((s) => s.fields.some((f) => f.id === top));
  return step ? step.id : null;
}

//-----------------------------------------------------------------------------
// [SECTION] CHROME
//-----------------------------------------------------------------------------

function setTitle(pageHeading, error = false) {
  const title = App.definition ? t(App.lang, 'pageTitle', { step: pageHeading, form: formTitle() }) : `${pageHeading} – Blankett`;
  document.title = `${error ? t(App.lang, 'errorPrefix') : ''}${title}`;
}

function renderChrome() {
  document.documentElement.lang = App.lang;
  document.getElementById('skip-link').textContent = t(App.lang, 'skipLink');
  const home = document.getElementById('home-link');
  home.href = `/?lang=${App.lang}`;
  const nav = document.getElementById('language-switch');
  nav.setAttribute('aria-label', t(App.lang, 'languageSwitch'));
  nav.replaceChildren(languageSwitch(App.lang, App.languages, (lang) => switchLanguage(lang)));
  const banner = document.getElementById('banner');
  banner.replaceChildren();
  if (App.previewToken) {
    banner.append(h('div', { class: 'warning-text', id: 'preview-warning' },
      h('span', { class: 'warning-text__icon', 'aria-hidden': 'true' }, '!'),
      h('strong', { class: 'warning-text__text' }, t(App.lang, 'previewBanner'))));
  } else if (App.screen !== 'loading' && App.storage && !App.storage.available) {
    banner.append(h('div', { class: 'warning-text', id: 'storage-warning' },
      h('span', { class: 'warning-text__icon', 'aria-hidden': 'true' }, '!'),
      h('strong', { class: 'warning-text__text' },
        h('span', { class: 'visually-hidden' }, `${t(App.lang, 'storageWarningTitle')}: `),
        t(App.lang, 'storageWarning'))));
  }
  renderSaveStatus();
}

// "Your answers are not being saved": shown while draft saves fail (storage worked when
// the page opened, then a write failed: quota, a broken profile). A polite status region
// that is always in the page (form.html), so the change is announced.
function renderSaveStatus() {
  const region = document.getElementById('save-status');
  if (!region) return;
  if (!App.draftProblem) {
    if (region.firstChild) region.replaceChildren();
    return;
  }
  region.replaceChildren(h('div', { class: 'warning-text', id: 'draft-not-saved' },
    h('span', { class: 'warning-text__icon', 'aria-hidden': 'true' }, '!'),
    h('strong', { class: 'warning-text__text' },
      h('span', { class: 'visually-hidden' }, `${t(App.lang, 'draftNotSavedTitle')}: `),
      t(App.lang, 'draftNotSaved'))));
}

function setDraftProblem(problem) {
  if (App.draftProblem === problem) return;
  App.draftProblem = problem;
  renderSaveStatus();
}

function announce(text) {
  const region = document.getElementById('announcer');
  region.textContent = '';
  // A new text node after a tick is announced even when the text repeats.
  setTimeout(() => { region.textContent = text; }, 50);
}

// Re-renders the current screen in another language from the engine: nothing the
// citizen entered is lost, because it all lives in the engine.
function switchLanguage(lang) {
  if (lang === App.lang) return;
  App.lang = lang;
  rememberLanguage(lang);
  renderChrome();
  rerender();
  const current = document.querySelector(`#language-switch [lang="${lang}"]`);
  if (current) current.focus();
}

function rerender() {
  switch (App.screen) {
    case 'resume': return renderResume();
    case 'step': return renderStep({ focus: null });
    case 'check': return renderCheck({ focus: null });
    case 'sending': return renderSending();
    case 'pending': return renderPending();
    case 'receipt': return renderReceipt();
    case 'notfound': return renderNotFound();
    case 'failed': return renderFailed();
    default: return undefined;
  }
}

//-----------------------------------------------------------------------------
// [SECTION] START
//-----------------------------------------------------------------------------

// The form id of a form page's path (/f/{id}), or null.
function formIdOfPath(pathname) {
  const m = pathname.match(/^\/f\/([a-z][a-z0-9-]{0,62})\/?$/);
  return m ? m[1] : null;
}

function pageLanguages() {
  const listed = main().dataset.languages;
  return listed ? listed.split(' ') : null;
}

// Whether the step the server drew is the screen this page opens on. Not on a reload of
// a later step (?step=, or a history entry): that waits for the engine and the draft. A
// page the service worker kept may be in a language other than the one now chosen.
function earlyStepFits() {
  if (App.previewToken || main().dataset.firstStep !== `${App.formId}:${App.lang}`) return false;
  return !new URL(location.href).searchParams.has('step') && !(history.state && history.state.screen);
}

async function start() {
  try {
    await openPage();
  } finally {
    // Whatever screen opening ended on replaced the early first step, if one was drawn.
    main().removeAttribute('aria-busy');
  }
}

async function openPage() {
  // /complete/{token}: a caseworker's completion request, answered on one page, with
  // nothing kept on the device (js/completion.js).
  if (location.pathname.startsWith('/complete/')) {
    const { startCompletion } = await import('./completion.js');
    return startCompletion();
  }
  const p = location.pathname.match(/^\/p\/([A-Za-z0-9_-]{16,128})\/?$/);
  App.formId = formIdOfPath(location.pathname);
  App.previewToken = p ? p[1] : null;
  // The server's form page names the form's languages (data-languages on <main>) before
  // the definition is here: the header is drawn in the language the page will open in.
  const languages = App.previewToken ? null : pageLanguages();
  if (languages) App.languages = languages;
  App.lang = initialLanguage(languages || undefined);
  renderChrome();
  // The server drew the first step into <main>, inert and aria-busy
  // (server/first_step_html.h). It stays until the engine's own screen replaces it if it
  // is this form's, in this language, and the page opens on it; else the loading line.
  if (!earlyStepFits()) {
    main().removeAttribute('aria-busy');
    main().replaceChildren(h('p', { class: 'body', id: 'page-loading' }, t(App.lang, 'loading')));
  }
  if (!App.formId && !App.previewToken) return renderNotFound();

  // The engine, the definition and the device's storage load at once. The first step
  // needs only the first two: storage is awaited after the form is open.
  // A preview keeps nothing on the device: no drafts, no outbox (it cannot be sent).
  const definitionUrl = App.previewToken ? `/api/previews/${App.previewToken}` : `/api/forms/${App.formId}`;
  const loading = Promise.all([loadEngine(), fetch(definitionUrl, { headers: { Accept: 'application/json' }, cache: 'no-store' })]);
  const storageOpening = App.previewToken ? Promise.resolve({ available: false, persistent: false, problem: null })
    : openDeviceStorage().catch((e) => ({ available: false, persistent: false, problem: String(e) }));
  // Building the number and date formats costs ~100 ms on a cold page: done now, while
  // the network works, instead of inside the first render.
  prepareFormats(App.lang);
  let response;
  try {
    const [engine, res] = await loading;
    App.engine = engine;
    response = res;
  } catch (e) {
    console.error(e);
    return renderFailed();
  }
  if (response.status === 404) return renderNotFound();
  if (!response.ok) return renderFailed();
  const published = await response.json();
  if (App.previewToken) App.formId = published.id;
  App.definition = published.definition;
  App.version = published.version;
  App.formText = JSON.stringify(published.definition);
  App.timeZone = published.time_zone || null;
  App.languages = published.definition.languages;
  App.lang = initialLanguage(App.languages);
  try {
    App.form = App.engine.open(App.formText, formDay());
    App.form.changesForCurrentStepOnly();  // StepView redraws the step it shows, nothing else
  } catch (e) {
    console.error(e);
    return renderFailed();
  }
  window.addEventListener('popstate', onPopState);
  App.storage = await storageOpening;
  if (App.previewToken) {
    App.screen = 'step';
    renderChrome();
    renderStep({ focus: null, history: 'replace' });
    return;
  }
  window.addEventListener('pagehide', () => flushDraft());
  // Mobile browsers may discard a hidden tab without pagehide: write what is pending.
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') flushDraft(); });

  const [saved, pending, receipts] = await Promise.all([
    App.storage.available ? loadDraft(App.formId).catch(() => null) : null,
    pendingSubmissions(App.formId).catch(() => []),
    App.storage.available ? listReceipts(App.formId).catch(() => []) : [],
  ]);
  App.lastReceipt = receipts && receipts.length ? receipts[0] : null;
  const waiting = (pending || []).find((e) => e.state === 'queued' || e.state === 'sending');
  // A refusal that arrived while this page was closed (on the catalogue, or in another
  // tab): shown as if it had arrived here, on the check page with the server's errors.
  const refused = waiting ? [] : (pending || []).filter((e) => e.state === 'rejected');
  if (saved && saved.draft) {
    App.savedDraft = saved;
    App.draftStartedAt = saved.startedAt || null;
    if (waiting) restoreDraft(saved.draft); // the answers the queued entry carries
  }
  if (waiting) {
    App.sendLocked = true;
    App.sendingEntryId = waiting.id;
    App.screen = 'pending';
    renderChrome();
    renderPending();
  } else if (refused.length) {
    await reopenRefused(refused);
  } else if (App.savedDraft) {
    App.screen = 'resume';
    renderChrome();
    renderResume();
  } else {
    App.screen = 'step';
    renderChrome();
    renderStep({ focus: null, history: 'replace' });
  }
  startOutbox({ onSent, onRejected, onPending });
}

// The answers of a refused submission back in the engine (the saved draft, else the
// entry's own answers) with the files the entry kept, and the check page with the
// refusal, focus on its error summary.
async function reopenRefused(entries) {
  const entry = entries[entries.length - 1];
  restoreDraft(App.savedDraft ? App.savedDraft.draft
    : { format: 'blankett-draft/1', form: App.formId, version: entry.version, answers: entry.answers });
  App.savedDraft = null;
  await keepEntryFiles(entry);
  App.rejection = rejectionOf(entry, entries.map((e) => e.id));
  renderChrome();
  renderCheck({ focus: 'summary', history: 'replace' });
}

// The outbox keeps the files of a submission (IndexedDB stores Blobs): put them back by
// hash, so the citizen need not choose them again to resend.
async function keepEntryFiles(entry) {
  for (const file of entry.files || []) {
    const blob = file instanceof Blob ? file : file && file.blob;
    if (!(blob instanceof Blob)) continue;
    try {
      const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
      App.files.set([...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join(''), blob);
    } catch (e) {
      console.warn('a kept file could not be read', e);
    }
  }
}

function restoreDraft(draft) {
  try {
    const dropped = App.form.restore(draft);
    App.dropped = dropped && dropped.length ? dropped : null;
  } catch (e) {
    console.error(e);
    App.dropped = null;
  }
}

function renderResume() {
  App.screen = 'resume';
  const saved = App.savedDraft;
  setTitle(t(App.lang, 'resumeTitle'));
  const heading = h('h1', { class: 'heading-l', tabindex: '-1' }, t(App.lang, 'resumeTitle'));
  main().replaceChildren(
    h('span', { class: 'caption-l' }, formTitle()),
    heading,
    h('p', { class: 'body' }, t(App.lang, 'resumeText', { savedAt: formatDateTime(App.lang, saved.savedAt) })),
    h('div', { class: 'button-group' },
      h('button', { type: 'button', class: 'button', id: 'resume-continue', onclick: () => {
        restoreDraft(saved.draft);
        App.savedDraft = null;
        resumePlace(saved.place);
      } }, t(App.lang, 'resumeContinue')),
      h('button', { type: 'button', class: 'button button--secondary', id: 'resume-start-again', onclick: async () => {
        App.savedDraft = null;
        App.fileLoadError = null;
        App.draftStartedAt = null; // a new application starts its own clock
        const result = await deleteDraft(App.formId).catch((e) => ({ deleted: false, problem: String(e) }));
        // The old draft is still there: it would be offered again on the next visit.
        if (!result.deleted) setDraftProblem(true);
        renderStep({ focus: 'heading', history: 'replace' });
      } }, t(App.lang, 'resumeStartAgain'))),
    loadFileSection());
}

// Continues where the draft was saved: the check page (when the answers are still
// complete: a newer form version may want more), or the draft's step, coming back to the
// check page on Continue when the citizen had followed a change link.
function resumePlace(place) {
  App.savedPlace = place;
  if (place === 'check' && App.form.valid()) {
    renderCheck({ focus: 'heading', history: 'replace' });
    return;
  }
  App.returnToCheck = place === 'returnToCheck';
  renderStep({ focus: 'heading', history: 'replace' });
}

//-----------------------------------------------------------------------------
// Draft files: "Save a copy of your answers (file)" on every step and the check page;
// "Continue from a saved file" on the resume page and the first step. The file is the
// engine's draft (storage.js draftToFile/draftFromFile); the engine's restore() decides
// what of it fits this version of the form.
//-----------------------------------------------------------------------------

// A fresh Blob URL with the answers as they are now (made again on every click, so the
// file has what was typed since the page was drawn).
function refreshDraftFileLink(link) {
  if (App.draftFileUrl) URL.revokeObjectURL(App.draftFileUrl);
  App.draftFileUrl = URL.createObjectURL(draftToFile(App.formId, App.form.draft()));
  link.href = App.draftFileUrl;
  link.download = draftFileName(App.formId);
}

function saveFileSection() {
  const link = h('a', { class: 'link', id: 'save-draft-file', 'aria-describedby': 'save-draft-file-hint' }, t(App.lang, 'saveFileLink'));
  link.addEventListener('click', () => refreshDraftFileLink(link));
  refreshDraftFileLink(link);
  return h('div', { class: 'draft-file__save', id: 'save-draft-file-section' },
    h('p', { class: 'body' }, link),
    h('p', { class: 'hint', id: 'save-draft-file-hint' }, t(App.lang, 'saveFileHint')));
}

// The file input, GOV.UK file upload with its error message when a file was refused.
function loadFileSection() {
  const id = 'draft-file';
  const error = App.fileLoadError;
  const describedBy = [`${id}-hint`, error ? `${id}-error` : null].filter(Boolean).join(' ');
  const input = h('input', { class: `file-upload${error ? ' input--error' : ''}`, id, type: 'file',
    accept: '.json,application/json', 'aria-describedby': describedBy, 'aria-invalid': error ? 'true' : null });
  input.addEventListener('change', () => onDraftFileChosen(input));
  return h('div', { class: `form-group draft-file${error ? ' form-group--error' : ''}`, id: 'draft-file-group' },
    h('label', { class: 'label', for: id }, t(App.lang, 'loadFileLabel')),
    h('div', { class: 'hint', id: `${id}-hint` }, t(App.lang, 'loadFileHint')),
    error ? h('p', { class: 'error-message', id: `${id}-error` },
      h('span', { class: 'visually-hidden' }, t(App.lang, 'errorHidden')), ' ', t(App.lang, error.key, { form: formTitle() })) : null,
    input);
}

function showFileError(key) {
  App.fileLoadError = { key };
  const old = document.getElementById('draft-file-group');
  if (old) old.replaceWith(loadFileSection());
  // The control gets focus again, now described by its error: a screen reader reads both.
  const input = document.getElementById('draft-file');
  if (input) input.focus();
}

const FILE_ERRORS = {
  'draft.too_large': 'loadFileTooLarge',
  'draft.not_json': 'loadFileNotDraft',
  'draft.not_a_draft': 'loadFileNotDraft',
  'draft.other_form': 'loadFileOtherForm',
};

// The answer a dropped pointer named, as text (shown so the citizen can give it again).
function answerAt(answers, path) {
  let value = answers;
  for (const part of path.split('/')) {
    if (value === null || typeof value !== 'object') return '';
    value = value[part];
  }
  if (value === null || value === undefined || typeof value === 'object') return '';
  return String(value);
}

async function onDraftFileChosen(input) {
  const file = input.files && input.files[0];
  if (!file) return;
  let draft;
  try {
    draft = await draftFromFile(file, App.formId);
  } catch (e) {
    showFileError(FILE_ERRORS[e && e.code] || 'loadFileFailed');
    return;
  }
  let dropped;
  try {
    dropped = App.form.restore(draft) || [];
  } catch (e) {
    // A draft of this form the engine cannot use at all (e.g. a broken answers object).
    console.warn('draft file not restored', e);
    showFileError('loadFileFailed');
    return;
  }
  App.fileLoadError = null;
  App.savedDraft = null;
  App.dropped = null;
  App.fileLoaded = { name: file.name, dropped: dropped.map((d) => {
    const path = pathOfPointer(d.pointer);
    return { label: definitionLabel(path), value: answerAt(draft.answers, path) };
  }) };
  App.touched.clear();
  App.attemptedSteps.clear();
  App.summaryShown = false;
  App.returnToCheck = false;
  App.savedStep = App.form.view(App.lang).step.id;
  // Now this device has the draft too.
  draftWriter.dirty = true;
  renderStep({ focus: 'heading', history: 'replace' });
  await flushDraft();
}

function renderNotFound() {
  App.screen = 'notfound';
  setTitle(t(App.lang, 'notFound'));
  main().replaceChildren(
    h('h1', { class: 'heading-l' }, t(App.lang, 'notFound')),
    h('p', { class: 'body' }, t(App.lang, 'notFoundText')),
    h('p', { class: 'body' }, h('a', { class: 'link', href: `/?lang=${App.lang}` }, t(App.lang, 'backToCatalogue'))));
}

function renderFailed() {
  App.screen = 'failed';
  setTitle(t(App.lang, 'loadFailed'));
  main().replaceChildren(
    h('h1', { class: 'heading-l' }, formTitle() || 'Blankett'),
    h('p', { class: 'body', role: 'alert' }, t(App.lang, 'loadFailed')));
}

//-----------------------------------------------------------------------------
// Drafts: every change is saved at once (on the next task, so that the DOM update of
// a keystroke comes first and a burst of changes is written once, in order).
//-----------------------------------------------------------------------------

const draftWriter = { timer: null, writing: null, dirty: false };

// Where the citizen is, for the draft: the check page, a step reached by a change link
// (Continue returns to the check page), or a step. A reload resumes there.
function currentPlace() {
  if (App.screen === 'check') return 'check';
  return App.returnToCheck ? 'returnToCheck' : 'step';
}

// Saves the draft again when the citizen's place changed (the answers did not).
function placeChanged() {
  const place = currentPlace();
  if (App.savedPlace === place) return;
  if (App.savedPlace !== undefined) draftChanged();
  App.savedPlace = place;
}

function draftChanged() {
  if (!App.storage.available || App.sendLocked) return;
  draftWriter.dirty = true;
  if (!draftWriter.timer) draftWriter.timer = setTimeout(flushDraft, 0);
}

async function flushDraft() {
  clearTimeout(draftWriter.timer);
  draftWriter.timer = null;
  if (draftWriter.writing) return draftWriter.writing;
  draftWriter.writing = (async () => {
    while (draftWriter.dirty && App.storage.available) {
      draftWriter.dirty = false;
      let result;
      try {
        result = await saveDraft(App.formId, App.form.draft(), App.draftStartedAt, currentPlace());
        if (result && result.saved && !App.draftStartedAt) App.draftStartedAt = result.startedAt;
      } catch (e) {
        result = { saved: false, problem: String(e) };
      }
      // saveDraft reports, it does not throw: a failed save is shown until one works.
      setDraftProblem(!(result && result.saved));
    }
  })();
  await draftWriter.writing;
  draftWriter.writing = null;
  return undefined;
}

//-----------------------------------------------------------------------------
// [SECTION] STEP
//-----------------------------------------------------------------------------

const handlers = {
  answer(path, value) {
    const changes = value === null ? App.form.clear(path, App.lang) : App.form.set(path, value, App.lang);
    afterChange(changes);
    return changes;
  },
  addRow(group) {
    const changes = App.form.addRow(group, App.lang);
    afterChange(changes);
    return changes;
  },
  removeRow(group, index) {
    const changes = App.form.removeRow(group, index, App.lang);
    afterChange(changes);
    return changes;
  },
  // Rows were added or removed and the step's nodes now follow them: later rows'
  // paths moved, so an error summary on screen is built again from the engine's errors
  // (its links to the old paths would lead nowhere). Focus stays where the row put it.
  rowsChanged() {
    if (App.summaryShown) showStepErrors({ focus: false });
  },
  announce,
};

function afterChange(changes) {
  draftChanged();
  dropRejection();
  // A step appeared or disappeared: only the progress line depends on it.
  if (changes && changes.steps && changes.steps.length) updateProgress();
}

// The citizen changed an answer or sends again: the refusal has been seen and is out of
// date, and its outbox entries go (until then they keep it for the catalogue and reloads).
function dropRejection() {
  if (!App.rejection) return;
  const { entryIds } = App.rejection;
  App.rejection = null;
  for (const id of entryIds) removeFromOutbox(id).catch(() => {});
}

function updateProgress() {
  const caption = document.getElementById('step-progress');
  if (!caption) return;
  const view = App.form.view(App.lang);
  caption.textContent = t(App.lang, 'stepOf', view.progress);
}

function stepUrl(stepId) {
  const url = new URL(location.href);
  url.hash = '';
  url.searchParams.set('lang', App.lang);
  if (stepId) url.searchParams.set('step', stepId); else url.searchParams.delete('step');
  return url.pathname + url.search;
}

// The parts of a step's page that come from its view alone (renderStep adds the notices,
// the error summary and the draft file sections around them). server/first_step_html.cc
// writes the same markup for the first step of a fresh filling: change both together
// (web/tests/first-step.test.mjs compares them).
function stepPage(view, stepView, lang, { onContinue, onBack }) {
  return {
    back: view.first ? '' : h('button', { type: 'button', class: 'back-link', id: 'back', onclick: onBack }, t(lang, 'back')),
    progress: h('span', { class: 'caption-l', id: 'step-progress' }, t(lang, 'stepOf', view.progress)),
    heading: h('h1', { class: 'heading-l', id: 'step-heading', tabindex: '-1' }, view.step.title),
    description: view.step.description ? h('p', { class: 'body lead', id: 'step-description' }, view.step.description) : '',
    form: h('form', { class: 'step-form', novalidate: true, 'data-step': view.step.id, onsubmit: (e) => { e.preventDefault(); onContinue(); } },
      stepView.el,
      h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', id: 'continue' }, t(lang, 'continue')))),
  };
}

// Renders the current step from a fresh view model. focus: 'heading' (a new step),
// 'summary' (errors), a field path, or null (leave focus alone).
function renderStep({ focus = 'heading', history: how = 'push' } = {}) {
  App.screen = 'step';
  const view = App.form.view(App.lang);
  const stepId = view.step.id;
  // The draft remembers the step too, so that "continue" comes back here.
  if (App.savedStep !== stepId) {
    if (App.savedStep !== undefined) draftChanged();
    App.savedStep = stepId;
  }
  placeChanged();
  App.checkProblem = null;
  if (how === 'push') history.pushState({ screen: 'step', step: stepId }, '', stepUrl(stepId));
  else if (how === 'replace') history.replaceState({ screen: 'step', step: stepId }, '', stepUrl(stepId));

  App.stepView = new StepView(view, { lang: App.lang, handlers, files: App.files,
    attempted: App.attemptedSteps.has(stepId), touched: App.touched });
  const summarySlot = h('div', { id: 'error-summary-slot' });
  const notices = [];
  if (App.dropped) {
    notices.push(h('div', { class: 'notification-banner', role: 'region', 'aria-labelledby': 'dropped-title' },
      h('p', { class: 'notification-banner__text', id: 'dropped-title' }, t(App.lang, 'droppedAnswers', {
        list: App.dropped.map((d) => definitionLabel(pathOfPointer(d.pointer))).join(', ') }))));
  }
  if (App.fileLoaded) {
    const { name, dropped } = App.fileLoaded;
    notices.push(h('div', { class: 'notification-banner', role: 'region', 'aria-labelledby': 'file-loaded-title', id: 'file-loaded' },
      h('p', { class: 'notification-banner__text', id: 'file-loaded-title' }, t(App.lang, 'loadFileLoaded', { name })),
      dropped.length ? h('p', { class: 'notification-banner__text' }, t(App.lang, 'droppedFromFile')) : null,
      dropped.length ? h('ul', { class: 'list', id: 'file-dropped' }, dropped.map((d) =>
        h('li', {}, d.value ? `${d.label}: ${d.value}` : d.label))) : null));
  }
  if (App.lastReceipt && view.first && App.lastReceipt.receipt) {
    notices.push(h('p', { class: 'inset-text', id: 'sent-earlier' }, t(App.lang, 'sentEarlier', {
      time: formatDateTime(App.lang, App.lastReceipt.receipt.received_at), reference: App.lastReceipt.receipt.reference })));
  }
  const page = stepPage(view, App.stepView, App.lang, { onContinue, onBack });
  main().replaceChildren(
    page.back,
    summarySlot,
    page.progress,
    page.heading,
    page.description,
    ...notices,
    page.form,
    saveFileSection(),
    view.first ? loadFileSection() : '');
  setTitle(view.step.title);
  if (App.summaryShown) showStepErrors({ focus: focus === 'summary' });
  if (focus === 'heading') page.heading.focus();
  else if (focus && focus !== 'summary') App.stepView.focusPath(focus);
}

function showStepErrors({ focus }) {
  const errors = App.form.stepErrors(App.lang);
  const slot = document.getElementById('error-summary-slot');
  if (!errors.length) {
    App.summaryShown = false;
    slot.replaceChildren();
    setTitle(App.form.view(App.lang).step.title);
    return;
  }
  App.summaryShown = true;
  App.stepView.showAllErrors();
  const summary = errorSummary(App.lang, errors, (e) => {
    const path = pathOfPointer(e.pointer);
    if (!App.stepView.nodes.has(path)) return null;
    return { href: `#${inputId(path)}`, onActivate: () => App.stepView.focusPath(path) };
  });
  slot.replaceChildren(summary);
  setTitle(document.getElementById('step-heading').textContent, true);
  if (focus) summary.focus();
}

function onContinue() {
  const stepId = App.form.view(App.lang).step.id;
  const errors = App.form.stepErrors(App.lang);
  if (errors.length) {
    App.attemptedSteps.add(stepId);
    showStepErrors({ focus: true });
    return;
  }
  App.summaryShown = false;
  if (App.returnToCheck && App.form.valid()) {
    App.returnToCheck = false;
    renderCheck({ focus: 'heading' });
    return;
  }
  if (App.form.next()) {
    App.dropped = null;
    App.fileLoaded = null;
    App.fileLoadError = null;
    renderStep({ focus: 'heading' });
  } else {
    // No errors and no next step: this was the last one.
    App.returnToCheck = false;
    renderCheck({ focus: 'heading' });
  }
}

function onBack() {
  App.summaryShown = false;
  App.returnToCheck = false;
  if (App.form.back()) renderStep({ focus: 'heading' });
}

// The browser's back and forward buttons walk the same steps.
function onPopState(e) {
  const state = e.state;
  if (!state || !['step', 'check'].includes(App.screen)) return;
  App.summaryShown = false;
  if (state.screen === 'check') return renderCheck({ focus: 'heading', history: 'none' });
  if (state.step && App.form.goTo(state.step)) return renderStep({ focus: 'heading', history: 'none' });
  return renderStep({ focus: 'heading', history: 'replace' });
}

//-----------------------------------------------------------------------------
// [SECTION] CHECK
//-----------------------------------------------------------------------------

function changeLink(stepId, path, label) {
  return h('a', { class: 'link', href: `${stepUrl(stepId)}#${inputId(path)}`, 'data-change': path, onclick: (e) => {
    e.preventDefault();
    goToField(stepId, path);
  } }, t(App.lang, 'change'), h('span', { class: 'visually-hidden' }, ` ${label}`));
}

function goToField(stepId, path) {
  if (!App.form.goTo(stepId)) return;
  App.returnToCheck = true;
  App.summaryShown = false;
  renderStep({ focus: path });
}

// The check-your-answers page: the engine's summary, a change link per answer, Send.
// An error summary lists why Send stopped (App.checkProblem) and a refusal of the server
// (App.rejection), both built in the current language on every render.
function renderCheck({ focus = 'heading', history: how = 'push' } = {}) {
  App.screen = 'check';
  placeChanged();
  if (how === 'push') history.pushState({ screen: 'check' }, '', stepUrl('check'));
  else if (how === 'replace') history.replaceState({ screen: 'check' }, '', stepUrl('check'));
  const summary = App.form.summary(App.lang);
  const heading = h('h1', { class: 'heading-l', tabindex: '-1', id: 'check-heading' }, t(App.lang, 'checkTitle'));
  const shown = checkErrors();
  const summaryBox = shown.length ? errorSummary(App.lang, shown, (e) => {
    const path = pathOfPointer(e.pointer);
    const stepId = stepOfPath(path);
    if (!stepId) return null;
    return { href: `${stepUrl(stepId)}#${inputId(path)}`, onActivate: () => goToField(stepId, path) };
  }) : null;
  const answers = answerSummary(App.lang, summary, changeLink);
  flagMissingFiles(answers, missingFiles(answersToSend(App.form), App.files));
  main().replaceChildren(
    h('button', { type: 'button', class: 'back-link', id: 'back', onclick: () => { renderStep({ focus: 'heading' }); } }, t(App.lang, 'back')),
    summaryBox || '',
    h('span', { class: 'caption-l' }, formTitle()),
    heading,
    h('p', { class: 'body' }, t(App.lang, 'checkIntro')),
    answers,
    h('p', { class: 'body' }, t(App.lang, 'sendNote')),
    h('div', { class: 'button-group' }, h('button', { type: 'button', class: 'button', id: 'send', onclick: onSend }, t(App.lang, 'send'))),
    saveFileSection());
  setTitle(t(App.lang, 'checkTitle'), Boolean(summaryBox));
  if (summaryBox && focus) summaryBox.focus();
  else if (focus === 'heading') heading.focus();
}

// The check page's errors in the current language: why Send stopped, then the server's
// refusal. Engine errors and missing files are asked for again, so an error the citizen
// has since put right is not listed.
function checkErrors() {
  const lang = App.lang;
  const errors = [];
  if (App.checkProblem === 'preview') errors.push({ pointer: '', message: t(lang, 'previewCannotSend') });
  if (App.checkProblem === 'notQueued') errors.push({ pointer: '', message: t(lang, 'loadFailed') });
  if (App.checkProblem === 'incomplete') errors.push(...App.form.errors(lang));
  if (App.checkProblem === 'missingFiles') errors.push(...missingFileErrors());
  if (App.rejection) errors.push(...rejectionErrors(App.rejection));
  return errors;
}

// One error per attachment field whose file is no longer on this device (a reload keeps
// only the file's name and hash): the server would refuse the submission without it.
function missingFileErrors() {
  return missingFiles(answersToSend(App.form), App.files).map(({ path, names }) => ({
    pointer: `/${path}`,
    message: t(App.lang, 'fileMissingSend', { names: names.join(', '), label: fieldLabel(path) }),
  }));
}

// A field's label in the current language, from the engine.
function fieldLabel(path) {
  try {
    const view = App.form.field(path, App.lang);
    if (view && view.label) return view.label;
  } catch (e) {
    console.warn('no field view for', path, e);
  }
  return definitionLabel(path);
}

// Marks each answer whose file is gone, next to it on the check page (its change link
// leads to the field to choose the file again). The summary list is answerSummary's.
function flagMissingFiles(answersEl, missing) {
  for (const { path, names } of missing) {
    const value = answersEl.querySelector(`.summary-list__row[data-path="${path}"] .summary-list__value`);
    if (!value) continue;
    value.append(...names.map((name) => h('p', { class: 'warning-inline', 'data-missing-file': path },
      h('span', { class: 'visually-hidden' }, `${t(App.lang, 'errorHidden')} `),
      t(App.lang, 'fileMissingBytes', { name }))));
  }
}

async function onSend() {
  if (App.previewToken) {
    // An unpublished version: the server would refuse it, so nothing is queued.
    return stopSend('preview');
  }
  if (!App.form.valid()) return stopSend('incomplete');
  const answers = answersToSend(App.form);
  // A file lost by a reload: stopped here, before any request the server would refuse.
  if (missingFiles(answers, App.files).length) return stopSend('missingFiles');
  // The draft is the citizen's copy until a verified receipt replaces it.
  draftWriter.dirty = true;
  await flushDraft();
  App.sendLocked = true;
  App.checkProblem = null;
  dropRejection();
  renderSending();
  document.getElementById('sending-heading').focus();
  const request = { formId: App.formId, version: App.version, answers, language: App.lang };
  if (App.draftStartedAt) request.client = { draft_started_at: App.draftStartedAt };
  const files = filesToSend(answers, App.files);
  if (files.length) request.files = files;
  try {
    const entry = await queueSubmission(request);
    App.sendingEntryId = entry.id;
    // IndexedDB refused the entry: the outbox keeps it in memory, for the life of the page.
    App.pendingPersisted = entry.persisted !== false;
  } catch (e) {
    console.error(e);
    App.sendLocked = false;
    App.pendingReason = 'network';
    stopSend('notQueued');
  }
  return undefined;
}

// Send stopped: the check page again, its error summary saying why, focused.
function stopSend(problem) {
  App.checkProblem = problem;
  renderCheck({ focus: 'summary', history: 'none' });
}

function renderSending() {
  App.screen = 'sending';
  setTitle(t(App.lang, 'sending'));
  main().replaceChildren(
    h('h1', { class: 'heading-l', tabindex: '-1', id: 'sending-heading' }, formTitle()),
    h('p', { class: 'body', role: 'status', id: 'send-status' }, t(App.lang, 'sending')));
}

//-----------------------------------------------------------------------------
// [SECTION] OUTBOX
//-----------------------------------------------------------------------------

// The send is waiting (offline, or the server busy). The first time, the pending screen
// replaces "Sending…" and focus goes to its heading; later retries only update its texts
// (the status is a polite live region), so focus stays where the citizen put it.
function onPending(entry, reason) {
  if (entry.formId !== App.formId) return;
  App.pendingReason = reason;
  App.pendingPersisted = entry.persisted !== false;
  if (App.screen === 'sending') {
    renderPending();
    document.getElementById('pending-heading').focus();
  } else if (App.screen === 'pending') {
    updatePending();
  }
}

// The pending screen's title and texts as App says now (persisted, reason).
function pendingTexts() {
  // Only say "saved on this device" when it is: an entry kept in memory is lost with the page.
  const kept = App.pendingPersisted;
  const server = App.pendingReason === 'server';
  return {
    title: t(App.lang, kept ? 'pendingTitle' : 'pendingMemoryTitle'),
    status: t(App.lang, kept ? (server ? 'pendingServer' : 'pending') : (server ? 'pendingMemoryServer' : 'pendingMemory')),
  };
}

function renderPending() {
  App.screen = 'pending';
  const { title, status } = pendingTexts();
  setTitle(title);
  main().replaceChildren(
    h('span', { class: 'caption-l' }, formTitle()),
    h('h1', { class: 'heading-l', tabindex: '-1', id: 'pending-heading' }, title),
    h('p', { class: 'body inset-text', role: 'status', id: 'send-status' }, status),
    answerSummary(App.lang, App.form.summary(App.lang), null));
}

// Changes only the texts that differ: an unchanged status is not announced again.
function updatePending() {
  const { title, status } = pendingTexts();
  const heading = document.getElementById('pending-heading');
  const region = document.getElementById('send-status');
  if (!heading || !region) return;
  setTitle(title);
  if (heading.textContent !== title) heading.textContent = title;
  if (region.textContent !== status) region.textContent = status;
}

async function onSent(entry, body) {
  const result = await settleSent(entry, body);
  if (entry.formId !== App.formId) return;
  // What was sent, read back through the engine from the entry's own answers, so that
  // the receipt page shows exactly those (in any language).
  let summaryForm = App.form;
  try {
    summaryForm = App.engine.open(App.formText, formDay());
    summaryForm.restore({ format: 'blankett-draft/1', form: App.formId, version: entry.version, answers: entry.answers });
  } catch (e) {
    console.error(e);
    summaryForm = App.form;
  }
  if (App.sent && App.sent.summaryForm !== App.form && App.sent.summaryForm !== summaryForm) App.sent.summaryForm.dispose();
  App.sent = { result, entry, body, summaryForm };
  if (result.ok) {
    App.lastReceipt = result.record;
    // The draft is gone from the device; start any new application from empty.
    if (summaryForm !== App.form) App.form.dispose();
    App.form = App.engine.open(App.formText, formDay());
    App.touched.clear();
    App.attemptedSteps.clear();
    App.files.clear();
    App.draftStartedAt = null;
  }
  App.sendLocked = !result.ok ? false : App.sendLocked;
  App.screen = 'receipt';
  renderReceipt();
  document.getElementById('receipt-heading').focus();
}

// The server refused the submission (4xx): its answers go back to the check page with
// the server's errors. Kept as data (rejectionOf) and its outbox entry kept until the
// citizen changes an answer or sends again, so a reload or a language switch shows it too.
function onRejected(entry) {
  if (entry.formId !== App.formId) return;
  if (App.rejection && App.rejection.entryIds.includes(entry.id)) return; // shown already
  const sending = ['sending', 'pending'].includes(App.screen);
  if (sending && entry.id !== App.sendingEntryId) {
    // An older refusal, found while a newer send of this form waits: that send replaced it.
    removeFromOutbox(entry.id).catch(() => {});
    return;
  }
  App.rejection = rejectionOf(entry, [...(App.rejection ? App.rejection.entryIds : []), entry.id]);
  if (sending) App.sendLocked = false;
  if (sending || App.screen === 'check') renderCheck({ focus: 'summary', history: 'none' });
}

// A refused outbox entry as data: the status, the server's code and errors, and the
// language they are written in (the one the application was sent in).
function rejectionOf(entry, entryIds) {
  const error = entry.body && entry.body.error;
  return {
    entryIds,
    status: entry.status,
    code: error && typeof error.code === 'string' ? error.code : null,
    errors: error && Array.isArray(error.errors) ? error.errors.filter((e) => e && typeof e.message === 'string') : [],
    language: entry.language || null,
  };
}

// The refusal in the current language: the app's own sentence, then the server's field
// messages as they are, marked with their language.
function rejectionErrors(rejection) {
  if (!rejection.errors.length) {
    return [{ pointer: '', message: t(App.lang, 'rejectedWithCode', { code: rejection.code || rejection.status }) }];
  }
  return [{ pointer: '', message: t(App.lang, 'rejected') },
    ...rejection.errors.map((e) => ({ pointer: e.pointer || '', message: e.message, lang: e.language || rejection.language }))];
}

//-----------------------------------------------------------------------------
// [SECTION] RECEIPT
//-----------------------------------------------------------------------------

// A signer's title from the server ({sv, en, nb} or a plain string) in the page's language.
function signerTitle(title) {
  if (typeof title === 'string') return title;
  if (!title || typeof title !== 'object') return '';
  return title[App.lang] || title[App.languages[0]] || Object.values(title).find((v) => typeof v === 'string') || '';
}

// "Waiting for the signature of …": the form needs further signers (the server decided
// who, from the form's "signers"; 201 body "awaiting_signatures"). Each has been sent a
// link by e-mail; the case is handled once everyone has signed.
function awaitingSignaturesNotice(awaiting) {
  const titles = (Array.isArray(awaiting) ? awaiting : []).map((s) => signerTitle(s && s.title) || (s && s.id) || '').filter(Boolean);
  if (!titles.length) return '';
  const names = titles.length === 1 ? titles[0]
    : `${titles.slice(0, -1).join(', ')}${t(App.lang, 'listAnd')}${titles[titles.length - 1]}`;
  return h('div', { class: 'notification-banner', role: 'region', 'aria-labelledby': 'awaiting-signatures-title', id: 'awaiting-signatures' },
    h('h2', { class: 'heading-m notification-banner__title', id: 'awaiting-signatures-title' }, t(App.lang, 'awaitingSignaturesTitle')),
    h('p', { class: 'notification-banner__text', id: 'awaiting-signatures-text' },
      t(App.lang, titles.length === 1 ? 'awaitingSignatureOne' : 'awaitingSignatureMany', { names })));
}

function renderReceipt() {
  App.screen = 'receipt';
  const { result, body, summaryForm } = App.sent;
  const receipt = body.receipt;
  const reference = receipt && receipt.reference ? receipt.reference : '';
  setTitle(t(App.lang, 'receiptTitle'));
  const receiptText = `${JSON.stringify(receipt, null, 2)}\n`;
  const submissionText = canonicalJson(body.submission);
  const verified = result.ok
    ? h('div', { class: 'notice notice--success', id: 'receipt-verification', 'data-verified': 'true' }, t(App.lang, 'receiptVerified', { keyId: result.keyId }))
    : h('div', { class: 'warning-text', id: 'receipt-verification', 'data-verified': 'false' },
      h('span', { class: 'warning-text__icon', 'aria-hidden': 'true' }, '!'),
      h('strong', { class: 'warning-text__text' }, t(App.lang, 'receiptNotVerified', { problem: receiptProblemText(App.lang, result.reason) })));
  main().replaceChildren(
    h('div', { class: 'panel panel--confirmation' },
      h('h1', { class: 'panel__title', tabindex: '-1', id: 'receipt-heading' }, t(App.lang, 'receiptTitle')),
      h('div', { class: 'panel__body' }, t(App.lang, 'receiptReference'), h('br'), h('strong', { id: 'receipt-reference' }, reference))),
    awaitingSignaturesNotice(body.awaiting_signatures),
    h('p', { class: 'body' }, `${t(App.lang, 'receiptReceived')}: `,
      h('time', { datetime: receipt.received_at, id: 'receipt-time' }, formatDateTime(App.lang, receipt.received_at))),
    verified,
    result.ok && result.stored === false
      ? h('div', { class: 'warning-text', id: 'receipt-not-stored' },
        h('span', { class: 'warning-text__icon', 'aria-hidden': 'true' }, '!'),
        h('strong', { class: 'warning-text__text' }, t(App.lang, 'receiptNotStored')))
      : '',
    h('p', { class: 'body' }, t(App.lang, 'receiptKeep')),
    h('ul', { class: 'list download-list' },
      h('li', {}, h('a', { class: 'link', id: 'download-receipt', href: jsonDownloadUrl(receiptText), download: `${reference || 'receipt'}.json` }, t(App.lang, 'downloadReceipt'))),
      h('li', {}, h('a', { class: 'link', id: 'download-submission', href: jsonDownloadUrl(submissionText), download: `${reference || 'receipt'}-submission.json` }, t(App.lang, 'downloadSubmission')))),
    h('h2', { class: 'heading-m' }, t(App.lang, 'receiptWhatSent')),
    answerSummary(App.lang, summaryForm.summary(App.lang), null, 3),
    h('p', { class: 'body' }, h('a', { class: 'link', href: `/?lang=${App.lang}` }, t(App.lang, 'backToCatalogue'))));
}

start().catch((e) => {
  console.error(e);
  renderFailed();
});
