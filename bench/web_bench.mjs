// Browser benchmark (scripts/bench web): the citizen app in Debian's headless Chromium on
// the 5,000-field generated form (bench/generated_form.cc, written out by
// build/bench/write_generated_form), served by a real `blankett serve`.
//
// Prints one JSON line:
//   {"bench":"web","wasm_bytes":…,"wasm_gzip_bytes":…,"first_render_ms":…,"keystroke_p99_ms":…,…}
// first_render_ms: from navigation start to the first form control in <main>, in a fresh
//   browser context (nothing cached, no service worker yet): median of RUNS. The server
//   draws the first step into the page (inert until the engine has opened).
// live_step_ms: the same visits until that step is the engine's, live (can be typed in).
// warm_render_ms: the same on a later visit (service worker and caches in place).
// keystroke_*_ms: a real key press in the field "Hub" (read by ~10% of the rules), from
//   the key's keydown time stamp (when the browser made the event, so the renderer's queue
//   counts) to the DOM updated: the page's input listeners have run and style and layout
//   are up to date (forced by a listener that runs after the page's), or the last DOM
//   mutation in <main> before the next key if that is later (work an app defers).
// keystroke_next_task_*_ms: from the input event until a task posted from its first
//   listener runs (and forces style and layout). This is how keystrokes were measured
//   until 2026-12-04. Chromium runs its own queued work first (the key's keyup, a frame),
//   so it is an upper bound that includes time after the DOM was updated.
// keystroke_frame_*_ms: from the input event to the next animation frame.
// Usage: node bench/web_bench.mjs [fields=5000]   (normally through scripts/bench web)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startServer, launchBrowser } from '../web/tests/harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fields = Number(process.argv[2] || 5000);
const RUNS = Number(process.env.BENCH_RUNS || 5);
const KEY_ROUNDS = Number(process.env.BENCH_KEY_ROUNDS || 100);

const wasm = readFileSync(join(root, 'web/engine/blankett_engine.wasm'));
const formsDir = mkdtempSync(join(tmpdir(), 'blankett-web-bench-'));
execFileSync(join(root, 'build/bench/write_generated_form'), [String(fields), formsDir]);
const formId = `generated-${fields}`;

// Installed before any page script runs.
function instrument() {
  window.__bench = { firstRender: null, live: null, keys: [], lastMutation: 0 };
  const controls = 'main input, main select, main textarea';
  const inForm = (node) => {
    const element = node.nodeType === 1 ? node : node.parentElement;
    return Boolean(element && element.closest('main'));
  };
  new MutationObserver((records) => {
    // What the citizen sees change: the form in <main> (not bookkeeping attributes on
    // <html> or the draft-saving status line).
    if (records.some((r) => inForm(r.target))) {
      window.__bench.lastMutation = performance.now();
      // Belongs to the latest keystroke (never to an earlier one: its window has closed).
      if (window.__bench.current) window.__bench.current.lastMutation = window.__bench.lastMutation;
    }
    if (window.__bench.firstRender === null && document.querySelector(controls)) {
      window.__bench.firstRender = performance.now();
    }
    if (window.__bench.live === null && document.querySelector('main:not([aria-busy]) form.step-form:not([inert]) input')) {
      window.__bench.live = performance.now();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  // Every keydown is noted: the input event that follows belongs to it.
  addEventListener('keydown', (e) => { window.__bench.keydownAt = e.timeStamp; }, true);
  addEventListener('input', () => {
    const inputAt = performance.now();
    const start = window.__bench.keydownAt ?? inputAt;
    window.__bench.keydownAt = null;
    const key = { start, inputAt, updated: 0, lastMutation: 0 };
    window.__bench.current = key;
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      document.body.getBoundingClientRect();
      const taskEnd = performance.now();
      requestAnimationFrame(() => {
        const frame = performance.now();
        setTimeout(() => {
          // (If a page listener stopped the event before the window, the posted task's end.)
          window.__bench.keys.push({ dom: Math.max(key.updated || taskEnd, key.lastMutation) - key.start,
            nextTask: taskEnd - key.inputAt, frame: frame - key.inputAt });
        }, 200);
      });
    };
    channel.port2.postMessage(0);
  }, true);
  // Registered before any page script, at the window in the bubble phase: runs after the
  // field's own listeners (the page's).
  addEventListener('input', () => {
    document.body.getBoundingClientRect();  // style and layout are part of "updated"
    window.__bench.current.updated = performance.now();
  });
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

const server = await startServer({ forms: formsDir });
const browser = await launchBrowser();
try {
  const firsts = [];
  const lives = [];
  let page;
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext();
    await context.addInitScript(instrument);
    page = await context.newPage();
    await page.goto(`${server.baseUrl}/f/${formId}`);
    await page.waitForFunction(() => window.__bench.firstRender !== null, null, { timeout: 60000 });
    firsts.push(await page.evaluate(() => window.__bench.firstRender));
    await page.waitForFunction(() => window.__bench.live !== null, null, { timeout: 60000 });
    lives.push(await page.evaluate(() => window.__bench.live));
    if (run < RUNS - 1) await context.close();
  }
  // Later visits in the last context, once its service worker has cached the shell.
  await page.waitForFunction(() => document.documentElement.dataset.offlineReady === 'true', null, { timeout: 60000 });
  const warms = [];
  for (let run = 0; run < RUNS; run++) {
    await page.goto(`${server.baseUrl}/f/${formId}`);
    await page.waitForFunction(() => window.__bench.firstRender !== null, null, { timeout: 60000 });
    warms.push(await page.evaluate(() => window.__bench.firstRender));
  }

  // Keystrokes in the last page: values alternate across the rules' thresholds (4..25),
  // so most keys flip ~10% of the form's rules.
  // Its label reads "Hub (optional)" (not required): match the start.
  const hub = page.getByLabel(/^Hub\b/);
  await hub.click();
  // Keys 60 ms apart: a fast typist (over 15 keys a second). Back-to-back synthetic keys
  // would queue behind one another in the renderer and measure the queue, not the app.
  for (let round = 0; round < KEY_ROUNDS; round++) {
    await page.keyboard.press('Control+A');
    await page.keyboard.type('3');
    await page.waitForTimeout(60);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('27', { delay: 60 });
    await page.waitForTimeout(60);
  }
  await page.waitForTimeout(300);
  const keys = await page.evaluate(() => window.__bench.keys);
  if (keys.length < KEY_ROUNDS * 3) throw new Error(`only ${keys.length} keystrokes were measured`);
  console.log(JSON.stringify({
    bench: 'web',
    wasm_bytes: wasm.length,
    wasm_gzip_bytes: gzipSync(wasm, { level: 9 }).length,
    first_render_ms: Number(percentile(firsts, 0.5).toFixed(1)),
    live_step_ms: Number(percentile(lives, 0.5).toFixed(1)),
    warm_render_ms: Number(percentile(warms, 0.5).toFixed(1)),
    keystroke_p50_ms: Number(percentile(keys.map((k) => k.dom), 0.5).toFixed(2)),
    keystroke_p99_ms: Number(percentile(keys.map((k) => k.dom), 0.99).toFixed(2)),
    keystroke_max_ms: Number(Math.max(...keys.map((k) => k.dom)).toFixed(2)),
    keystroke_next_task_p50_ms: Number(percentile(keys.map((k) => k.nextTask), 0.5).toFixed(2)),
    keystroke_next_task_p99_ms: Number(percentile(keys.map((k) => k.nextTask), 0.99).toFixed(2)),
    keystroke_frame_p50_ms: Number(percentile(keys.map((k) => k.frame), 0.5).toFixed(2)),
    keystroke_frame_p99_ms: Number(percentile(keys.map((k) => k.frame), 0.99).toFixed(2)),
    first_render_runs_ms: firsts.map((t) => Number(t.toFixed(1))),
    warm_render_runs_ms: warms.map((t) => Number(t.toFixed(1))),
    keystrokes: keys.length,
    fields,
  }));
} finally {
  await browser.close();
  await server.stop();
  rmSync(formsDir, { recursive: true, force: true });
}
