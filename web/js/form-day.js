// The day a form's rules mean by today(): the date in the municipality's time zone, which
// the server sends with the form (`time_zone`, docs/api.md). The server checks a
// submission against its own date; if the browser's engine counted days on the device,
// a citizen abroad (or a device set to another zone) around midnight would pass every
// step and be refused on sending, with an error the page could not show.
// Without a zone (a server whose zone has no name) the device's date is the best guess.

const pad = (n) => String(n).padStart(2, '0');

function deviceDate(now) {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

// "YYYY-MM-DD" of `now` in timeZone (an IANA name such as "Europe/Stockholm").
export function formToday(timeZone, now = new Date()) {
  if (!timeZone) return deviceDate(now);
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(now);
    const part = (type) => parts.find((p) => p.type === type).value;
    return `${part('year')}-${part('month')}-${part('day')}`;
  } catch (e) {
    // A zone this browser does not know: the device's date rather than no form at all.
    console.warn(`time zone ${timeZone}: ${e}`);
    return deviceDate(now);
  }
}
