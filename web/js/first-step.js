// The form page's first step, drawn before the engine has loaded. /f/{id} carries the
// first step of a fresh filling, made by the server's engine, as a data block
// (<script type="application/json" id="first-step">, server/first_step_view.h). This
// module is loaded `async` by form.html with only render.js and i18n.js behind it, so it
// runs as soon as those three have arrived, before the page has finished loading and
// long before the engine has opened; on a cold visit to a large form that is most of a
// second. What it draws is inert (no input can be lost to it) and <main> is aria-busy
// until app-form.js replaces it with the engine's own screen: the same step, live; a
// draft to resume; or a submission waiting to be sent.
import { t, initialLanguage } from './i18n.js';
import { h, StepView } from './render.js';

// The form id of a form page's path (/f/{id}), or null.
export function formIdOfPath(pathname) {
  const m = pathname.match(/^\/f\/([a-z][a-z0-9-]{0,62})\/?$/);
  return m ? m[1] : null;
}

// The page's data block when it is this form's (the service worker answers every form
// page offline with the last one it saw), else null.
export function firstStepInPage() {
  const block = document.getElementById('first-step');
  const formId = formIdOfPath(location.pathname);
  if (!block || !formId) return null;
  try {
    const start = JSON.parse(block.textContent);
    return start && start.id === formId && start.views && Array.isArray(start.languages) ? start : null;
  } catch {
    return null;
  }
}

// The parts of a step's page that come from its view alone (app-form.js's renderStep
// adds the notices, the error summary and the draft file sections around them).
export function stepPage(view, stepView, lang, { onContinue, onBack }) {
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

// Draws the first step while the page still shows its loading line (#page-loading):
// not once app-form.js has put a screen of its own there, and not on a reload of a later
// step (?step=, or a history entry), which waits for the engine and the draft instead.
function drawFirstStep() {
  const main = document.getElementById('main');
  if (!main || !main.querySelector('#page-loading')) return;
  if (new URL(location.href).searchParams.has('step') || (history.state && history.state.screen)) return;
  const start = firstStepInPage();
  if (!start) return;
  // The language the page will open in, as app-form.js picks it.
  const lang = initialLanguage(start.languages);
  const view = start.views[lang];
  if (!view || !view.first) return;
  const noop = () => null;
  const stepView = new StepView(view, { lang, handlers: { answer: noop, addRow: noop, removeRow: noop, announce: noop },
    files: new Map() });
  const page = stepPage(view, stepView, lang, { onContinue: noop, onBack: noop });
  page.form.inert = true;
  document.documentElement.lang = lang;
  document.title = t(lang, 'pageTitle', { step: view.step.title, form: view.form.title });
  main.setAttribute('aria-busy', 'true');
  main.replaceChildren(page.progress, page.heading, page.description, page.form);
}

// An async module may run while the page is still being parsed, before <main> and the
// data block exist: then it draws as soon as parsing ends, which is still before the
// page's other modules run.
if (document.readyState === 'loading') {
  document.addEventListener('readystatechange', drawFirstStep, { once: true });
} else {
  drawFirstStep();
}
