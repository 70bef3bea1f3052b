// The browser preview's loader (served by `blankett serve --dev` at /preview/{form-id}):
// starts the WebAssembly module (blankett_preview.mjs, Dear ImGui on WebGL2), feeds it the
// form folder's files and keeps feeding it while the developer edits them, and carries
// its saves to the server.
//
//   GET  /api/dev/forms/{id}/files        polled every 500 ms with If-None-Match: a 304
//                                         costs nothing; a 200 goes to the module
//   POST /api/dev/forms/{id}/scenarios    a scenario or draft the developer saved in the
//   POST /api/dev/forms/{id}/drafts       preview, as ?file=<the name the model chose>
//                                         (the server never overwrites: 409)
//
// The module and this script talk through plain exported C functions (no embind: its
// `new Function` is refused by the CSP). For tests, window.blankettPreview.debug()
// returns what ImGui last drew (the canvas has no DOM to query).
import createBlankettPreview from './blankett_preview.mjs';

const POLL_MS = 500;
const formId = decodeURIComponent(location.pathname.split('/')[2] || '');
const statusEl = document.getElementById('preview-status');
const canvas = document.getElementById('preview-canvas');

function setStatus(text, state) {
  statusEl.textContent = text;
  statusEl.dataset.state = state;
}

// Calls an exported C function that takes one string (copied into the module's heap).
function callWithString(module, fn, text, ...rest) {
  const size = module.lengthBytesUTF8(text) + 1;
  const ptr = module._malloc(size);
  try {
    module.stringToUTF8(text, ptr, size);
    return fn(ptr, ...rest);
  } finally {
    module._free(ptr);
  }
}

// Creates tests/<file> or drafts/<file> through the dev server and returns the HTTP
// status (201 created, 409 the name exists, 0 unreachable). Synchronous on purpose: the
// module's PreviewFiles::create must answer whether the file was written (the model
// then tries the next name), and a local POST of a few KB takes milliseconds.
function createFile(folder, file, content) {
  const endpoint = folder === 'drafts' ? 'drafts' : 'scenarios';
  const xhr = new XMLHttpRequest();
  try {
    xhr.open('POST', `/api/dev/forms/${encodeURIComponent(formId)}/${endpoint}?file=${encodeURIComponent(file)}`, false);
    xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.send(content);
  } catch (e) {
    console.warn(`preview: cannot save ${folder}/${file}: ${e.message}`);
    return 0;
  }
  if (xhr.status !== 201) console.warn(`preview: ${folder}/${file} not saved: HTTP ${xhr.status} ${xhr.responseText}`);
  return xhr.status;
}

let etag = null;
let polling = false;
async function poll(module) {
  if (polling) return;
  polling = true;
  try {
    const res = await fetch(`/api/dev/forms/${encodeURIComponent(formId)}/files`, {
      headers: etag ? { 'If-None-Match': etag } : {}, cache: 'no-store',
    });
    if (res.status === 304) return;
    const text = await res.text();
    if (res.ok) {
      etag = res.headers.get('ETag');
      setStatus('', 'ready');
    } else {
      etag = null;
      setStatus(`No form '${formId}' under --forms (HTTP ${res.status})`, 'error');
    }
    // The module shows an error listing ({"error": …}) as well as files.
    callWithString(module, module._blankett_preview_set_files, text);
  } catch (e) {
    setStatus(`Server unreachable: ${e.message}`, 'error');
  } finally {
    polling = false;
  }
}

async function start() {
  if (!formId) {
    setStatus('No form id in the address: open /preview/{form-id}', 'error');
    return;
  }
  // The native preview's font, copied next to the build (wasm.cmake); without it the
  // module falls back to ImGui's built-in font.
  const font = await fetch('/preview/assets/DejaVuSans.ttf')
    .then((res) => (res.ok ? res.arrayBuffer() : null))
    .catch(() => null);
  const module = await createBlankettPreview({
    canvas,
    blankettFont: font,
    print: (line) => console.log(line),
    printErr: (line) => console.warn(line),
    // Called by the module (EM_JS js_create_file) when the developer saves.
    blankettCreateFile: (folder, file, content) => {
      const status = createFile(folder, file, content);
      if (status === 201) setTimeout(() => poll(module), 0); // the new file's listing
      return status;
    },
  });
  window.blankettPreview = {
    formId,
    // What the preview last drew: { frames, form_id, selected_field, inspector_title, … }.
    debug: () => JSON.parse(module.UTF8ToString(module._blankett_preview_debug())),
  };
  await poll(module);
  setInterval(() => poll(module), POLL_MS);
  canvas.focus();
}

start().catch((e) => {
  console.error(e);
  setStatus(`The preview failed to start: ${e.message}`, 'error');
});
