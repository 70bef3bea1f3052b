// Browser benchmark (scripts/bench web): the citizen app in Debian's headless Chromium on
// the 5,000-field generated form (bench/generated_form.cc, written out by
// build/bench/write_generated_form), served by a real `blankett serve`.
//
// Prints one JSON line:
//   {"bench":"web","wasm_bytes":…,"wasm_gzip_bytes":…,"first_render_ms":…,"keystroke_p99_ms":…,…}
// first_render_ms: from navigation start to the first form control in <main>, in a fresh
//   browser context (nothing cached, no service worker yet): median of RUNS.
// keystroke_*_ms: from a real key press in the field "Hub" (read by ~10% of the rules) to
//   the DOM updated: the later of (a) the end of the task that handled the key (the input
//   event runs in the same task as keydown; a message posted from keydown runs after it,
//   and forces style and layout) and (b) the last DOM mutation within 200 ms of it (for
//   work an app defers to a frame).
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
  window.__bench = { firstRender: null, keys: [], lastMutation: 0 };
  const controls = 'main input, main select, main textarea';
  new MutationObserver(() => {
    window.__bench.lastMutation = performance.now();
    if (window.__bench.firstRender === null && document.querySelector(controls)) {
      window.__bench.firstRender = performance.now();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  addEventListener('keydown', (e) => {
    if (!/^[0-9]$/.test(e.key)) return;
    const start = e.timeStamp;
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      document.body.getBoundingClientRect();  // style and layout are part of "updated"
      const taskEnd = performance.now();
      setTimeout(() => {
        const mutated = window.__bench.lastMutation > start ? window.__bench.lastMutation : 0;
        window.__bench.keys.push(Math.max(taskEnd, mutated) - start);
      }, 200);
    };
    channel.port2.postMessage(0);
  }, true);
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

const server = await startServer({ forms: formsDir });
const browser = await launchBrowser();
try {
  const firsts = [];
  let page;
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext();
    await context.addInitScript(instrument);
    page = await context.newPage();
    await page.goto(`${server.baseUrl}/f/${formId}`);
    await page.waitForFunction(() => window.__bench.firstRender !== null, null, { timeout: 60000 });
    firsts.push(await page.evaluate(() => window.__bench.firstRender));
    if (run < RUNS - 1) await context.close();
  }

  // Keystrokes in the last page: values alternate across the rules' thresholds (4..25),
  // so most keys flip ~10% of the form's rules.
  const hub = page.getByLabel('Hub', { exact: true });
  await hub.click();
  for (let round = 0; round < KEY_ROUNDS; round++) {
    await page.keyboard.press('Control+A');
    await page.keyboard.type('3');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('27');
  }
  await page.waitForTimeout(300);
  const keys = await page.evaluate(() => window.__bench.keys);
  if (keys.length < KEY_ROUNDS * 3) throw new Error(`only ${keys.length} keystrokes were measured`);
  console.log(JSON.stringify({
    bench: 'web',
    wasm_bytes: wasm.length,
    wasm_gzip_bytes: gzipSync(wasm, { level: 9 }).length,
    first_render_ms: Number(percentile(firsts, 0.5).toFixed(1)),
    keystroke_p50_ms: Number(percentile(keys, 0.5).toFixed(2)),
    keystroke_p99_ms: Number(percentile(keys, 0.99).toFixed(2)),
    first_render_runs_ms: firsts.map((t) => Number(t.toFixed(1))),
    keystrokes: keys.length,
    fields,
  }));
} finally {
  await browser.close();
  await server.stop();
  rmSync(formsDir, { recursive: true, force: true });
}
