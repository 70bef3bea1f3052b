// Renders the engine's view models as accessible HTML (GOV.UK Frontend patterns) and
// keeps the page in step with the engine with as little DOM work as possible.
//
// Index of this file
//   [SECTION] DOM HELPERS        h(), ids for paths
//   [SECTION] FIELDS             one component per field type; each has update(view)
//   [SECTION] STEP               StepView: a step's fields, incremental apply(changes)
//   [SECTION] ERROR SUMMARY      the "There is a problem" box
//   [SECTION] ANSWER SUMMARY     check-your-answers lists (also on the receipt)
//
// server/first_step_html.cc writes the same markup for the first step of a fresh filling,
// into the form page itself (web/tests/first-step.test.mjs holds the two together).
//
// No rule lives here: whether a field is visible, required, valid, or what its value
// is, is read from the view model. This file decides only how things look and when an
// error the engine reports is shown (after the citizen leaves the field, or on Continue).
import { t, formatNumber, formatBytes, languageName } from './i18n.js';

//-----------------------------------------------------------------------------
// [SECTION] DOM HELPERS
//-----------------------------------------------------------------------------

// h('p', { class: 'hint', id: 'x' }, 'text', childNode): attributes with value
// null/undefined/false are left out; true gives an empty attribute.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// The DOM id of a field's input: "f-" + its path with "/" as "-"
// (children/0/child_name → f-children-0-child_name). Field ids are unique in a form
// and are identifiers ([a-z0-9_]), so these ids are unique and safe in selectors.
export function inputId(path) {
  return `f-${path.replace(/\//g, '-')}`;
}

// The path an engine error pointer names ("/children/0/child_name" → "children/0/child_name").
export function pathOfPointer(pointer) {
  return (pointer || '').replace(/^\/(answers\/)?/, '');
}

function paragraphs(text, attrs = {}) {
  const parts = String(text).split(/\n\s*\n/);
  return parts.map((p) => h('p', attrs, p));
}

// A value as the citizen reads it, for read-only and calculated fields.
function displayValue(view, lang) {
  const v = view.value;
  if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) return '–';
  switch (view.type) {
    case 'integer':
    case 'decimal':
      return typeof v === 'number' ? formatNumber(lang, v, view.type === 'integer' ? 0 : view.decimals) : String(v);
    case 'yesno':
      return v ? t(lang, 'yes') : t(lang, 'no');
    case 'choice': {
      const o = (view.options || []).find((x) => x.value === v);
      return o ? o.label : String(v);
    }
    case 'multichoice':
      return v.map((x) => ((view.options || []).find((o) => o.value === x) || { label: x }).label).join(', ');
    case 'attachment':
      return v.map((f) => f.name).join(', ');
    default:
      return String(v);
  }
}

//-----------------------------------------------------------------------------
// [SECTION] FIELDS
//-----------------------------------------------------------------------------
// Every component returns { el, path, view, update(view), focus(), refreshError() }.
// `ctx` is the StepView: it routes answers to the engine and decides error display.

const TEXT_INPUTS = {
  text: { type: 'text' },
  email: { type: 'email', autocomplete: 'email', spellcheck: 'false', width: 'w-30' },
  phone: { type: 'tel', autocomplete: 'tel', width: 'w-20' },
  personnummer: { type: 'text', spellcheck: 'false', width: 'w-20' },
  orgnummer: { type: 'text', spellcheck: 'false', width: 'w-20' },
  postalcode: { type: 'text', autocomplete: 'postal-code', spellcheck: 'false', width: 'w-10' },
  integer: { type: 'text', inputmode: 'numeric', spellcheck: 'false', width: 'w-10' },
  decimal: { type: 'text', inputmode: 'decimal', spellcheck: 'false', width: 'w-10' },
  date: { type: 'date', width: 'w-date' },
};

// Choices with more options than this are a <select>; fewer are radios (easier to
// read and to use by keyboard and touch, as GOV.UK recommends).
const MAX_RADIOS = 7;

// The pieces every answerable field has: wrapper, label (or legend), hint, error.
class FieldBase {
  constructor(view, ctx) {
    this.ctx = ctx;
    this.path = view.path;
    this.id = inputId(view.path);
    this.view = view;
    this.el = h('div', { class: 'form-group', 'data-path': view.path, 'data-type': view.type, id: `${this.id}-group` });
    this.el.hidden = !view.visible;
    this.hintEl = view.hint ? h('div', { class: 'hint', id: `${this.id}-hint` }, view.hint) : null;
    this.errorEl = null;
    this.errorShown = null;
  }

  labelText(view) {
    return view.required || view.readonly || view.calculated ? view.label : `${view.label} ${t(this.ctx.lang, 'optional')}`;
  }

  // The element that gets aria-describedby and aria-invalid (input or fieldset).
  describedElement() { return this.input; }

  describedBy() {
    const ids = [];
    if (this.hintEl) ids.push(this.hintEl.id);
    if (this.errorShown) ids.push(`${this.id}-error`);
    return ids.join(' ');
  }

  // Shows or hides the engine's error for this field, as ctx decides.
  // force: set the ARIA attributes even if nothing changed (first render).
  refreshError(force = false) {
    // While the citizen types in this field its error display stays as it was: no new
    // error appears and an old one does not flicker away until the field is left.
    if (!force && this.ctx.typing === this.path) return;
    const view = this.view;
    const message = view.visible && view.error && this.ctx.shouldShowError(this.path) ? view.error.message : null;
    if (message === this.errorShown && !force) return;
    this.errorShown = message;
    if (message) {
      if (!this.errorEl) {
        this.errorEl = h('p', { class: 'error-message', id: `${this.id}-error` });
        this.errorAnchor().before(this.errorEl);
      }
      this.errorEl.replaceChildren(h('span', { class: 'visually-hidden' }, t(this.ctx.lang, 'errorHidden')), ' ', message);
      this.el.classList.add('form-group--error');
    } else {
      if (this.errorEl) { this.errorEl.remove(); this.errorEl = null; }
      this.el.classList.remove('form-group--error');
    }
    const target = this.describedElement();
    if (target) {
      const d = this.describedBy();
      if (d) target.setAttribute('aria-describedby', d); else target.removeAttribute('aria-describedby');
      if (message) target.setAttribute('aria-invalid', 'true'); else target.removeAttribute('aria-invalid');
      target.classList.toggle('input--error', Boolean(message));
    }
  }

  // The error message goes right above the control, below label and hint (GOV.UK).
  errorAnchor() { return this.input; }

  update(view) {
    const old = this.view;
    this.view = view;
    if (old.visible !== view.visible) this.el.hidden = !view.visible;
    if (old.required !== view.required && this.labelEl) this.labelEl.textContent = this.labelText(view);
    this.syncValue(view);
    this.refreshError();
  }

  syncValue() {}

  focus() { if (this.input) this.input.focus(); }
}

class TextField extends FieldBase {
  constructor(view, ctx) {
    super(view, ctx);
    const spec = TEXT_INPUTS[view.type] || TEXT_INPUTS.text;
    this.labelEl = h('label', { class: 'label', for: this.id }, this.labelText(view));
    this.input = h('input', {
      class: `input ${spec.width || ''}`.trim(), id: this.id, name: view.path, type: spec.type,
      inputmode: spec.inputmode, autocomplete: spec.autocomplete || 'off', spellcheck: spec.spellcheck,
    });
    this.input.value = view.answer === null || view.answer === undefined ? '' : String(view.answer);
    this.input.addEventListener('input', () => ctx.typed(this.path, this.input.value));
    this.input.addEventListener('change', () => ctx.committed(this.path, this.input.value));
    this.input.addEventListener('blur', () => ctx.left(this.path));
    this.el.append(this.labelEl, this.hintEl || '', this.input);
    this.refreshError(true);
  }

  syncValue(view) {
    // Never rewrite the input the citizen is in: it would move the caret.
    if (document.activeElement === this.input) return;
    const text = view.answer === null || view.answer === undefined ? '' : String(view.answer);
    if (this.input.value !== text) this.input.value = text;
  }
}

class TextareaField extends TextField {
  constructor(view, ctx) {
    super({ ...view, type: 'text' }, ctx);
    this.view = view;
    this.el.dataset.type = view.type;
    const area = h('textarea', { class: 'textarea', id: this.id, name: view.path, rows: '5', spellcheck: 'true' });
    // Not this.input.value: a text input drops the answer's line breaks.
    area.value = view.answer === null || view.answer === undefined ? '' : String(view.answer);
    area.addEventListener('input', () => ctx.typed(this.path, area.value));
    area.addEventListener('change', () => ctx.committed(this.path, area.value));
    area.addEventListener('blur', () => ctx.left(this.path));
    this.input.replaceWith(area);
    this.input = area;
    this.refreshError(true);
  }
}

// A filter box over a long list of options, for choice and multichoice fields whose
// view says "search": true. Presentation only: it decides which options are shown, never
// what is answered. Matching ignores case; every word typed must appear in the option's
// label. How many match is shown under the box and announced (polite, once typing
// pauses). `apply(matches)` shows the options for which matches(label) is true (and any
// chosen one) and returns how many matched.
const FILTER_ANNOUNCE_MS = 300;

class OptionFilter {
  constructor(fieldId, lang, total, apply, { controls = null, context = null } = {}) {
    this.lang = lang;
    this.total = total;
    this.apply = apply;
    this.id = `${fieldId}-filter`;
    this.timer = null;
    this.input = h('input', { class: 'input w-20 option-filter__input', id: this.id, type: 'search', autocomplete: 'off',
      spellcheck: 'false', 'aria-controls': controls, 'aria-describedby': `${this.id}-status` });
    this.status = h('p', { class: 'hint option-filter__status', id: `${this.id}-status`, role: 'status' });
    // Outside a fieldset the box's name says which list it filters (the visible words
    // come first: WCAG 2.5.3).
    const label = h('label', { class: 'label label--s', for: this.id }, t(lang, 'filterLabel'),
      context ? h('span', { class: 'visually-hidden' }, `: ${context}`) : null);
    this.el = h('div', { class: 'option-filter' }, label, this.input, this.status);
    this.input.addEventListener('input', () => this.run());
    // Enter in the box filters; it does not submit the step.
    this.input.addEventListener('keydown', (e) => { if (e.key === 'Enter') e.preventDefault(); });
  }

  active() { return this.input.value.trim() !== ''; }

  matches(label) {
    const terms = this.input.value.toLocaleLowerCase(this.lang).split(/\s+/).filter(Boolean);
    if (!terms.length) return true;
    const text = String(label).toLocaleLowerCase(this.lang);
    return terms.every((term) => text.includes(term));
  }

  // Re-applies the filter (after typing, or when the chosen answer changed).
  run({ quiet = false } = {}) {
    const count = this.apply((label) => this.matches(label));
    if (quiet) return count;
    clearTimeout(this.timer);
    const text = !this.active() ? t(this.lang, 'filterAll', { total: this.total })
      : count === 0 ? t(this.lang, 'filterNone') : t(this.lang, 'filterCount', { count, total: this.total });
    this.timer = setTimeout(() => { this.status.textContent = text; }, FILTER_ANNOUNCE_MS);
    return count;
  }
}

// Radios (choice, yes/no) and checkboxes (multichoice) in a fieldset with a legend.
class OptionsField extends FieldBase {
  constructor(view, ctx, kind) {
    super(view, ctx);
    this.kind = kind; // 'radio' | 'checkbox'
    this.fieldset = h('fieldset', { class: 'fieldset', id: `${this.id}-fieldset` });
    this.labelEl = h('legend', { class: 'fieldset__legend' }, this.labelText(view));
    this.list = h('div', { class: kind === 'radio' ? `radios${view.type === 'yesno' ? ' radios--inline' : ''}` : 'checkboxes' });
    this.inputs = [];
    this.items = [];
    this.options(view).forEach((o, i) => {
      // The first option's input has the field's own id: error links go there (GOV.UK).
      const id = i === 0 ? this.id : `${this.id}-${i}`;
      const input = h('input', { class: `${kind}__input`, id, name: view.path, type: kind, value: o.key });
      input.addEventListener('change', () => {
        ctx.committed(this.path, this.answerFromInputs());
        if (this.filter && this.filter.active()) this.filter.run({ quiet: true });
      });
      this.inputs.push(input);
      const item = h('div', { class: `${kind}__item` }, input, h('label', { class: `${kind}__label`, for: id }, o.label));
      this.items.push({ el: item, input, label: o.label });
      this.list.append(item);
    });
    this.input = this.inputs[0];
    this.filter = null;
    if (view.search && view.type !== 'yesno') {
      this.list.id = `${this.id}-options`;
      this.filter = new OptionFilter(this.id, ctx.lang, this.items.length, (matches) => {
        let count = 0;
        for (const item of this.items) {
          const match = matches(item.label);
          if (match) count += 1;
          // A chosen option stays chosen, and shown, whatever the filter.
          item.el.hidden = !match && !item.input.checked;
        }
        return count;
      }, { controls: this.list.id });
    }
    this.fieldset.append(this.labelEl, this.hintEl || '', this.filter ? this.filter.el : '', this.list);
    this.el.append(this.fieldset);
    this.syncValue(view, true);
    this.refreshError(true);
  }

  options(view) {
    if (view.type === 'yesno') return [{ key: 'true', label: t(this.ctx.lang, 'yes') }, { key: 'false', label: t(this.ctx.lang, 'no') }];
    return (view.options || []).map((o) => ({ key: o.value, label: o.label }));
  }

  answerFromInputs() {
    if (this.kind === 'checkbox') return this.inputs.filter((i) => i.checked).map((i) => i.value);
    const checked = this.inputs.find((i) => i.checked);
    if (!checked) return null;
    return this.view.type === 'yesno' ? checked.value === 'true' : checked.value;
  }

  syncValue(view, force = false) {
    if (!force && this.inputs.includes(document.activeElement)) return;
    const a = view.answer;
    const chosen = new Set(Array.isArray(a) ? a.map(String) : a === null || a === undefined ? [] : [String(a)]);
    for (const input of this.inputs) {
      const want = chosen.has(input.value);
      if (input.checked !== want) input.checked = want;
    }
    if (this.filter && this.filter.active()) this.filter.run({ quiet: true });
  }

  describedElement() { return this.fieldset; }
  errorAnchor() { return this.filter ? this.filter.el : this.list; }

  // The first option, or the filter box when the filter hides it.
  focus() {
    if (this.filter && this.input.closest('[hidden]')) this.filter.input.focus();
    else if (this.input) this.input.focus();
  }

  refreshError(force = false) {
    super.refreshError(force);
    // aria-invalid belongs on the inputs of a group, not on the fieldset.
    this.fieldset.removeAttribute('aria-invalid');
    for (const input of this.inputs) {
      if (this.errorShown) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
    }
  }
}

class SelectField extends FieldBase {
  constructor(view, ctx) {
    super(view, ctx);
    this.labelEl = h('label', { class: 'label', for: this.id }, this.labelText(view));
    this.placeholder = h('option', { value: '' }, t(ctx.lang, 'choose'));
    this.optionEls = (view.options || []).map((o) => h('option', { value: o.value }, o.label));
    this.input = h('select', { class: 'select', id: this.id, name: view.path }, this.placeholder, this.optionEls);
    this.input.value = this.answerText(view);
    this.input.addEventListener('change', () => ctx.committed(this.path, this.input.value));
    this.filter = null;
    if (view.search) {
      // Narrows the list to the matching options; the chosen one always stays in it.
      this.filter = new OptionFilter(this.id, ctx.lang, this.optionEls.length, (matches) => {
        const chosen = this.input.value;
        let count = 0;
        const keep = this.optionEls.filter((o) => {
          const match = matches(o.textContent);
          if (match) count += 1;
          return match || (chosen !== '' && o.value === chosen);
        });
        this.input.replaceChildren(this.placeholder, ...keep);
        this.input.value = chosen;
        return count;
      }, { controls: this.id, context: view.label });
    }
    this.el.append(this.labelEl, this.hintEl || '', this.filter ? this.filter.el : '', this.input);
    this.refreshError(true);
  }

  answerText(view) {
    return view.answer === null || view.answer === undefined ? '' : String(view.answer);
  }

  errorAnchor() { return this.filter ? this.filter.el : this.input; }

  syncValue(view) {
    if (document.activeElement === this.input) return;
    const v = this.answerText(view);
    if (this.input.value === v) return;
    // A new answer from the engine (not typed here) that the filter hides: show it.
    if (this.filter && v !== '' && !this.optionEls.some((o) => o.value === v && o.parentNode === this.input)) {
      this.input.value = '';
      const wanted = this.optionEls.find((o) => o.value === v);
      if (wanted) this.input.append(wanted);
    }
    this.input.value = v;
  }
}

// A file input. Choosing files hashes them with WebCrypto and answers with the
// engine's attachment metadata [{name, type, size, sha256}]; the bytes stay in
// ctx.files (by hash) until the submission is sent.
class AttachmentField extends FieldBase {
  constructor(view, ctx) {
    super(view, ctx);
    this.labelEl = h('label', { class: 'label', for: this.id }, this.labelText(view));
    const max = view.max_files || 1;
    this.input = h('input', { class: 'file-upload', id: this.id, name: view.path, type: 'file',
      accept: (view.accept || []).join(',') || null, multiple: max > 1 });
    this.input.addEventListener('change', () => this.chosen());
    this.status = h('p', { class: 'file-status', role: 'status' });
    this.list = h('ul', { class: 'file-list' });
    this.el.append(this.labelEl, this.hintEl || '', this.input, this.status, this.list);
    this.renderList(view);
    this.refreshError(true);
  }

  async chosen() {
    const files = [...this.input.files];
    if (files.length === 0) return;
    this.status.textContent = t(this.ctx.lang, 'fileReading');
    const answer = [];
    for (const file of files) {
      const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
      const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
      this.ctx.files.set(sha256, file);
      answer.push({ name: file.name, type: file.type || 'application/octet-stream', size: file.size, sha256 });
    }
    this.status.textContent = '';
    // Clear the native control: the list below shows what is chosen, and choosing the
    // same file again after removing it must fire "change" again.
    this.input.value = '';
    this.ctx.committed(this.path, answer);
  }

  renderList(view) {
    const files = Array.isArray(view.answer) ? view.answer : [];
    this.list.replaceChildren(...files.map((f, i) => {
      const missing = !this.ctx.files.has(f.sha256);
      return h('li', { class: 'file-list__item' },
        h('span', {}, t(this.ctx.lang, 'fileChosen', { name: f.name, size: formatBytes(this.ctx.lang, f.size) })),
        ' ',
        h('button', { type: 'button', class: 'button button--secondary button--small',
          onclick: () => {
            const rest = files.filter((_, j) => j !== i);
            this.ctx.committed(this.path, rest.length ? rest : null);
            this.input.focus();
          } }, t(this.ctx.lang, 'removeFile', { name: f.name })),
        missing ? h('p', { class: 'warning-inline' }, t(this.ctx.lang, 'fileMissingBytes', { name: f.name })) : null);
    }));
  }

  syncValue(view) { this.renderList(view); }
}

// Read-only and calculated values: shown as text, announced when they change.
class ValueField extends FieldBase {
  constructor(view, ctx) {
    super(view, ctx);
    this.labelEl = h('span', { class: 'label', id: `${this.id}-label` }, view.label);
    this.output = h('output', { class: 'readonly-value', id: this.id, 'aria-labelledby': `${this.id}-label`,
      'aria-describedby': this.hintEl ? this.hintEl.id : null }, displayValue(view, ctx.lang));
    this.input = null;
    this.el.classList.add('form-group--readonly');
    this.el.append(this.labelEl, this.hintEl || '', h('div', {}, this.output));
  }

  syncValue(view) {
    const text = displayValue(view, this.ctx.lang);
    if (this.output.textContent !== text) this.output.textContent = text;
  }

  refreshError() {}
  focus() { this.output.setAttribute('tabindex', '-1'); this.output.focus(); }
}

class InfoField {
  constructor(view) {
    this.path = view.path;
    this.view = view;
    this.el = h('div', { class: 'inset-text', 'data-path': view.path, 'data-type': 'info', id: `${inputId(view.path)}-group` },
      paragraphs(view.text || ''));
    this.el.hidden = !view.visible;
  }

  update(view) {
    if (this.view.visible !== view.visible) this.el.hidden = !view.visible;
    this.view = view;
  }

  refreshError() {}
  focus() {}
}

// A repeat group: one fieldset per row, add and remove buttons. Rows are rebuilt only
// when their number changes (add/remove renumbers every later row's paths); answers in
// a row arrive as changes to their own paths and update in place.
class GroupField extends FieldBase {
  constructor(view, ctx) {
    super(view, ctx);
    this.fieldset = h('fieldset', { class: 'fieldset repeat-group', id: this.id, tabindex: '-1' });
    this.labelEl = h('legend', { class: 'fieldset__legend fieldset__legend--m' }, view.label);
    this.rowsEl = h('div', { class: 'repeat-group__rows' });
    this.addButton = h('button', { type: 'button', class: 'button button--secondary', 'data-action': 'add-row',
      onclick: () => ctx.addRow(this.path) }, t(ctx.lang, 'addRow', { item: this.itemLabel(view).toLowerCase() }));
    this.fieldset.append(this.labelEl, this.hintEl || '', this.rowsEl, this.addButton);
    this.el.append(this.fieldset);
    this.children = [];
    this.buildRows(view);
    this.refreshError(true);
  }

  itemLabel(view) { return view.item_label || view.label; }

  buildRows(view) {
    for (const child of this.children) this.ctx.unregister(child);
    this.children = [];
    const item = this.itemLabel(view);
    const removable = view.can_remove_row;  // the engine's: never below min_items
    this.rowsEl.replaceChildren(...view.rows.map((row, i) => {
      const n = i + 1;
      const legend = h('legend', { class: 'fieldset__legend fieldset__legend--s' }, t(this.ctx.lang, 'rowHeading', { item, n }));
      const rowEl = h('fieldset', { class: 'fieldset repeat-group__row', id: `${this.id}-row-${i}`, 'data-row': String(i) }, legend);
      for (const cell of row) {
        const node = createField(cell, this.ctx);
        this.children.push(node);
        this.ctx.register(node);
        rowEl.append(node.el);
      }
      if (removable) {
        rowEl.append(h('button', { type: 'button', class: 'button button--secondary button--small', 'data-action': 'remove-row',
          onclick: () => this.ctx.removeRow(this.path, i) }, t(this.ctx.lang, 'removeRow', { item: item.toLowerCase(), n })));
      }
      return rowEl;
    }));
    this.addButton.hidden = !view.can_add_row;
  }

  update(view) {
    const old = this.view;
    this.view = view;
    if (old.visible !== view.visible) this.el.hidden = !view.visible;
    if ((old.rows || []).length !== (view.rows || []).length) this.buildRows(view);
    else this.addButton.hidden = !view.can_add_row;
    this.refreshError();
  }

  // The first input of row i (or the add button when there is no such row).
  focusRow(i) {
    const first = this.children.find((c) => c.path.startsWith(`${this.path}/${i}/`) && c.input && !c.el.hidden);
    if (first) first.focus();
    else if (!this.addButton.hidden) this.addButton.focus();
    else this.fieldset.focus();
  }

  describedElement() { return this.fieldset; }
  errorAnchor() { return this.rowsEl; }
  refreshError(force = false) {
    super.refreshError(force);
    this.fieldset.removeAttribute('aria-invalid');
  }
  focus() { this.fieldset.focus(); }
}

export function createField(view, ctx) {
  switch (view.type) {
    case 'info': return new InfoField(view, ctx);
    case 'group': return new GroupField(view, ctx);
    default: break;
  }
  if (view.calculated || view.readonly) return new ValueField(view, ctx);
  switch (view.type) {
    case 'textarea': return new TextareaField(view, ctx);
    case 'yesno': return new OptionsField(view, ctx, 'radio');
    case 'multichoice': return new OptionsField(view, ctx, 'checkbox');
    case 'choice':
      return (view.options || []).length > MAX_RADIOS ? new SelectField(view, ctx) : new OptionsField(view, ctx, 'radio');
    case 'attachment': return new AttachmentField(view, ctx);
    default: return new TextField(view, ctx);
  }
}

//-----------------------------------------------------------------------------
// [SECTION] STEP
//-----------------------------------------------------------------------------

// The fields of one step. `handlers` connects it to the engine:
//   answer(path, value) → changes | null   (value null = clear)
//   addRow(group) → changes, removeRow(group, index) → changes
//   rowsChanged(group)                      (optional: after rows were added or removed
//                                            and the nodes follow the new paths)
//   announce(text)                          (polite status message)
// After every engine call the returned changes are applied to only the nodes named.
export class StepView {
  constructor(view, { lang, handlers, files, attempted = false, touched = new Set() }) {
    this.lang = lang;
    this.handlers = handlers;
    this.files = files; // Map sha256 → File, shared across steps and languages
    this.attempted = attempted; // Continue was pressed on this step: show every error
    this.touched = touched; // paths the citizen has answered and left
    this.typing = null; // the path being typed in: its new errors wait until it is left
    this.lastSent = new Map(); // path → the text last given to the engine
    this.nodes = new Map(); // path → component
    this.el = h('div', { class: 'step-fields' });
    for (const fieldView of view.fields) {
      const node = createField(fieldView, this);
      this.register(node);
      this.el.append(node.el);
    }
  }

  register(node) { this.nodes.set(node.path, node); }
  unregister(node) { this.nodes.delete(node.path); }

  shouldShowError(path) {
    return this.attempted || this.touched.has(path);
  }

  // Applies the engine's changed field views to their nodes: the only DOM work per
  // keystroke, proportional to what changed.
  apply(changes) {
    if (!changes) return;
    for (const c of changes.fields) {
      const node = this.nodes.get(c.path);
      if (node) node.update(c.view);
    }
  }

  // An input event: tell the engine now (calculations and visibility follow as you
  // type); errors of this field wait until it is left.
  typed(path, text) {
    this.typing = path;
    this.send(path, text);
  }

  // A change event (the field was left with a new value, or a radio/checkbox/file was
  // chosen): from now on this field's errors are shown.
  committed(path, value) {
    if (this.typing === path) this.typing = null;
    this.touched.add(path);
    this.send(path, value);
    const node = this.nodes.get(path);
    if (node) node.refreshError();
  }

  left(path) {
    if (this.typing !== path) return;
    this.typing = null;
    const node = this.nodes.get(path);
    if (node) node.refreshError();
  }

  send(path, value) {
    const empty = value === null || value === '' || (Array.isArray(value) && value.length === 0);
    const next = empty ? null : value;
    const key = JSON.stringify(next);
    // Skip what the engine already has (a change event after the input events that
    // already sent the same text).
    const node = this.nodes.get(path);
    const known = this.lastSent.has(path) ? this.lastSent.get(path) : JSON.stringify(node ? node.view.answer ?? null : undefined);
    if (known === key) return;
    this.lastSent.set(path, key);
    this.apply(this.handlers.answer(path, next));
  }

  addRow(group) {
    const changes = this.handlers.addRow(group);
    this.apply(changes);
    this.rowsChanged(group);
    const node = this.nodes.get(group);
    if (node) {
      const rows = node.view.rows.length;
      node.focusRow(rows - 1);
      this.handlers.announce(t(this.lang, 'rowAdded', { item: node.itemLabel(node.view), n: rows }));
    }
  }

  removeRow(group, index) {
    const node = this.nodes.get(group);
    const item = node ? node.itemLabel(node.view) : '';
    // Later rows move up one: so do the marks of which of their fields were touched.
    const prefix = `${group}/`;
    const moved = [];
    for (const p of [...this.touched]) {
      if (!p.startsWith(prefix)) continue;
      this.touched.delete(p);
      const [row, ...rest] = p.slice(prefix.length).split('/');
      if (Number(row) > index) moved.push(`${prefix}${Number(row) - 1}/${rest.join('/')}`);
    }
    for (const p of moved) this.touched.add(p);
    for (const p of [...this.lastSent.keys()]) if (p.startsWith(prefix)) this.lastSent.delete(p);
    this.apply(this.handlers.removeRow(group, index));
    this.rowsChanged(group);
    if (node) {
      // Focus the row that took its place, else the one before, else the Add button.
      node.focusRow(Math.min(index, node.view.rows.length - 1));
      this.handlers.announce(t(this.lang, 'rowRemoved', { item, n: index + 1 }));
    }
  }

  rowsChanged(group) {
    if (this.handlers.rowsChanged) this.handlers.rowsChanged(group);
  }

  // Continue was pressed: every error on the step is shown.
  showAllErrors() {
    this.attempted = true;
    this.typing = null;
    for (const node of this.nodes.values()) node.refreshError();
  }

  focusPath(path) {
    const node = this.nodes.get(path);
    if (!node) return false;
    node.focus();
    // Scroll the question (label or legend) into view, not just the input (GOV.UK).
    const label = node.labelEl || node.el;
    if (label && label.scrollIntoView) label.scrollIntoView({ block: 'start' });
    return true;
  }
}

//-----------------------------------------------------------------------------
// [SECTION] ERROR SUMMARY
//-----------------------------------------------------------------------------

// The GOV.UK error summary: role=alert, "There is a problem", one link per error to
// its field. `linkFor(error)` → { href, onActivate } or null (then the message is text).
// An error with `lang` other than the page's (the server's message, in the language the
// application was sent in) is marked so, for screen readers (WCAG 3.1.2).
export function errorSummary(lang, errors, linkFor) {
  const items = errors.map((e) => {
    const link = linkFor(e);
    const attrs = { lang: e.lang && e.lang !== lang ? e.lang : null };
    if (!link) return h('li', attrs, e.message);
    return h('li', attrs, h('a', { href: link.href, onclick: (ev) => { ev.preventDefault(); link.onActivate(); } }, e.message));
  });
  return h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', 'aria-labelledby': 'error-summary-title', id: 'error-summary' },
    h('h2', { class: 'error-summary__title', id: 'error-summary-title' }, t(lang, 'errorSummaryTitle')),
    h('div', { class: 'error-summary__body' }, h('ul', { class: 'list error-summary__list' }, items)));
}

//-----------------------------------------------------------------------------
// [SECTION] ANSWER SUMMARY
//-----------------------------------------------------------------------------

// The engine's summary (view_summary) as GOV.UK summary lists, one per step.
// `changeLink(stepId, path, label)` → element or null (no change links on a receipt).
export function answerSummary(lang, summary, changeLink, headingLevel = 2) {
  const hs = (level) => `h${Math.min(level, 6)}`;
  const row = (stepId, f) => h('div', { class: 'summary-list__row', 'data-path': f.path },
    h('dt', { class: 'summary-list__key' }, f.label),
    h('dd', { class: `summary-list__value${f.value === '' ? ' summary-list__value--empty' : ''}` },
      f.value === '' ? t(lang, 'notAnswered') : f.value),
    // No change link for what the citizen cannot change (a calculated answer): it would
    // open a step on a field that cannot be edited.
    changeLink && !f.readonly ? h('dd', { class: 'summary-list__actions' }, changeLink(stepId, f.path, f.label)) : null);
  const list = (stepId, fields) => {
    const out = [];
    let plain = [];
    const flush = () => { if (plain.length) out.push(h('dl', { class: 'summary-list' }, plain)); plain = []; };
    for (const f of fields) {
      if (!f.rows) { plain.push(row(stepId, f)); continue; }
      flush();
      out.push(h(hs(headingLevel + 1), { class: 'heading-s' }, f.label));
      f.rows.forEach((r, i) => {
        out.push(h(hs(headingLevel + 2), { class: 'heading-xs' }, t(lang, 'rowHeading', { item: f.item_label || f.label, n: i + 1 })));
        out.push(h('dl', { class: 'summary-list' }, r.map((cell) => row(stepId, cell))));
      });
    }
    flush();
    return out;
  };
  return h('div', { class: 'answer-summary' }, summary.steps.map((s) => h('section', { class: 'answer-summary__step', 'data-step': s.id },
    h(hs(headingLevel), { class: 'heading-m' }, s.title), list(s.id, s.fields))));
}

//-----------------------------------------------------------------------------
// [SECTION] LANGUAGE SWITCH
//-----------------------------------------------------------------------------

// A list of links, each language named in itself (lang on the link, so a screen reader
// pronounces it right); the current one is marked aria-current. `choose(lang)` switches
// in place; without JS the link (?lang=xx) still works.
export function languageSwitch(current, languages, choose) {
  return h('ul', { class: 'language-switch__list' }, languages.map((lang) => {
    const url = new URL(location.href);
    url.searchParams.set('lang', lang);
    url.hash = '';
    return h('li', { class: 'language-switch__item' },
      h('a', { class: 'language-switch__link', href: url.pathname + url.search, lang, hreflang: lang,
        'aria-current': lang === current ? 'true' : null,
        onclick: (e) => { e.preventDefault(); choose(lang); } }, languageName(lang)));
  }));
}
