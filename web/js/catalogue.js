// The catalogue page (/): every published form (GET /api/forms) in the chosen language,
// with a note where an unfinished application is saved on this device. It also runs
// the outbox, so that an application sent in the background is settled (receipt
// verified and kept, draft deleted) even when the citizen comes back here first; one the
// server refused is marked at its form, with a link to the form page, which shows the
// server's errors (the outbox keeps the refusal until the citizen acts on it there).
import { openDeviceStorage, loadDraft } from './storage.js';
import { startOutbox } from './outbox.js';
import { settleSent } from './receipt.js';
import { t, LANGUAGES, initialLanguage, rememberLanguage, formatDateTime } from './i18n.js';
import { h, languageSwitch } from './render.js';

const state = { lang: initialLanguage(LANGUAGES), forms: null, failed: false, drafts: new Map(), settled: [], rejected: new Set() };

function text(value) {
  if (!value) return '';
  return typeof value === 'string' ? value : value[state.lang] || value[Object.keys(value)[0]] || '';
}

function formLanguage(f, lang) {
  // A form not written in the chosen language opens in its own first language.
  return (f.languages || []).includes(lang) ? lang : (f.languages || [lang])[0];
}

// "Your application could not be accepted", with a link to the form page where the
// server's errors are listed and the answers can be corrected and sent again.
function rejectedNotice(f, lang) {
  return h('div', { class: 'warning-text catalogue__rejected', id: `rejected-${f.id}` },
    h('span', { class: 'warning-text__icon', 'aria-hidden': 'true' }, '!'),
    h('strong', { class: 'warning-text__text' },
      h('span', { class: 'visually-hidden' }, `${t(lang, 'errorHidden')} `),
      t(lang, 'catalogueRejected'), ' ',
      h('a', { class: 'link', href: `/f/${encodeURIComponent(f.id)}?lang=${formLanguage(f, lang)}` },
        t(lang, 'catalogueRejectedLink'), h('span', { class: 'visually-hidden' }, `: ${text(f.title)}`))));
}

// The outbox handed over a refused submission (now, or one refused earlier and kept).
function onRejected(entry) {
  if (state.rejected.has(entry.formId)) return;
  state.rejected.add(entry.formId);
  render();
  const form = (state.forms || []).find((f) => f.id === entry.formId);
  announce(t(state.lang, 'catalogueRejectedAnnounce', { form: form ? text(form.title) : entry.formId }));
}

function announce(message) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  // A new text node after a tick is announced even when the text repeats.
  setTimeout(() => { region.textContent = message; }, 50);
}

function render() {
  const lang = state.lang;
  document.documentElement.lang = lang;
  document.title = `${t(lang, 'catalogueTitle')} – Blankett`;
  document.getElementById('skip-link').textContent = t(lang, 'skipLink');
  document.getElementById('home-link').href = `/?lang=${lang}`;
  const nav = document.getElementById('language-switch');
  nav.setAttribute('aria-label', t(lang, 'languageSwitch'));
  nav.replaceChildren(languageSwitch(lang, LANGUAGES, (l) => {
    state.lang = l;
    rememberLanguage(l);
    render();
    const current = document.querySelector(`#language-switch [lang="${l}"]`);
    if (current) current.focus();
  }));
  document.getElementById('catalogue-heading').textContent = t(lang, 'catalogueTitle');
  const box = document.getElementById('catalogue');
  if (state.failed) {
    box.replaceChildren(h('p', { class: 'body', role: 'alert' }, t(lang, 'catalogueOffline')));
    return;
  }
  if (!state.forms) {
    box.replaceChildren(h('p', { class: 'body' }, t(lang, 'loading')));
    return;
  }
  if (state.forms.length === 0) {
    box.replaceChildren(h('p', { class: 'body' }, t(lang, 'catalogueEmpty')));
    return;
  }
  box.replaceChildren(
    h('p', { class: 'body lead' }, t(lang, 'catalogueIntro')),
    ...state.settled.map((r) => h('div', { class: 'notice notice--success', role: 'status' },
      `${text(r.title)}: ${t(lang, 'sentEarlier', { time: formatDateTime(lang, r.receipt.received_at), reference: r.receipt.reference })}`)),
    h('ul', { class: 'catalogue' }, state.forms.map((f) => {
      const draft = state.drafts.get(f.id);
      const rejected = state.rejected.has(f.id);
      return h('li', { class: 'catalogue__item', 'data-form': f.id },
        h('h2', { class: 'heading-m' }, h('a', { class: 'link', href: `/f/${encodeURIComponent(f.id)}?lang=${formLanguage(f, lang)}` }, text(f.title))),
        f.description ? h('p', { class: 'body' }, text(f.description)) : '',
        rejected ? rejectedNotice(f, lang) : '',
        draft && !rejected ? h('p', { class: 'hint' }, t(lang, 'resumeText', { savedAt: formatDateTime(lang, draft.savedAt) })) : '');
    })));
}

async function start() {
  render();
  let storage = { available: false };
  try {
    storage = await openDeviceStorage();
  } catch { /* the form page shows the warning */ }
  try {
    const res = await fetch('/api/forms', { headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    state.forms = (await res.json()).forms;
  } catch {
    state.failed = true;
  }
  if (storage.available && state.forms) {
    for (const f of state.forms) {
      const draft = await loadDraft(f.id).catch(() => null);
      if (draft) state.drafts.set(f.id, draft);
    }
  }
  render();
  startOutbox({
    async onSent(entry, body) {
      const result = await settleSent(entry, body);
      if (!result.ok) return;
      const form = (state.forms || []).find((f) => f.id === entry.formId);
      state.drafts.delete(entry.formId);
      state.rejected.delete(entry.formId);
      state.settled.push({ title: form ? form.title : entry.formId, receipt: result.record.receipt });
      render();
    },
    onRejected,
    onPending() {},
  });
}

start();
