// today() in the browser is the server's day: a device in another time zone must not make
// the citizen's engine pass (or refuse) what the server then refuses (or would accept).
// The server runs in Pacific/Kiritimati (UTC+14) and the browser in Pacific/Pago_Pago
// (UTC-11): 25 hours apart, so their dates always differ. The same form has a calculated
// answer, which the check page must not offer to change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, launchBrowser, webDir } from './harness.mjs';

const SERVER_ZONE = 'Pacific/Kiritimati';
const DEVICE_ZONE = 'Pacific/Pago_Pago';

let server;
let browser;

before(async () => {
  server = await startServer({ forms: path.join(webDir, 'tests/fixtures/day-forms'), env: { TZ: SERVER_ZONE } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const dateIn = (timeZone, now) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);

// The calculated answer today_is (= today()) as the engine has it: the draft the app keeps.
async function engineToday(page) {
  return page.evaluate(() => {
    const field = document.getElementById('f-today_is');
    return field ? (field.value ?? field.textContent) : null;
  });
}

test('the form says in which zone the server counts days', async () => {
  const res = await fetch(`${server.baseUrl}/api/forms/dagens-datum`);
  assert.equal((await res.json()).time_zone, SERVER_ZONE);
});

test("the browser's engine counts today() in the server's zone, not the device's", async () => {
  const context = await browser.newContext({ timezoneId: DEVICE_ZONE, locale: 'en-GB' });
  const page = await context.newPage();
  try {
    const now = new Date();
    const serverDay = dateIn(SERVER_ZONE, now);
    assert.notEqual(serverDay, dateIn(DEVICE_ZONE, now), 'the two zones are a day apart');
    assert.notEqual(await page.evaluate(() => new Date().getTimezoneOffset()), 0, 'the device is in its own zone');

    await page.goto(`${server.baseUrl}/f/dagens-datum?lang=en`);
    await page.waitForSelector('main:not([aria-busy])');
    const shown = await engineToday(page);
    assert.ok(shown, 'the calculated date is on the page');
    // The page shows the date in the citizen's language; compare the day it names.
    const [year, month, day] = serverDay.split('-').map(Number);
    const expected = new Date(Date.UTC(year, month - 1, day));
    const spelled = [
      serverDay,
      new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' }).format(expected),
      new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(expected),
    ];
    assert.ok(spelled.some((s) => shown.includes(s)), `shown "${shown}" is not the server's day ${serverDay}`);
  } finally {
    await context.close();
  }
});

test('the check page offers no change link for a calculated answer', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${server.baseUrl}/f/dagens-datum?lang=en`);
    await page.waitForSelector('main:not([aria-busy])');
    await page.click('#continue');
    await page.waitForSelector('#check-heading');
    const changeLinks = (path) => page.locator(`.summary-list__row[data-path="${path}"] a[data-change]`).count();
    assert.equal(await changeLinks('today_is'), 0, 'today() cannot be changed');
    assert.equal(await changeLinks('note'), 1, 'what the citizen typed can');
  } finally {
    await page.close();
  }
});
