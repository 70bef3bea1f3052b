// Time for the server: the receipt clock (UTC) and "today" for the engine (the
// municipality's local date). Injectable so tests can fix the date rules see.
#pragma once
#include <functional>
#include <string>

namespace blankett {

// Now in UTC, RFC 3339 with milliseconds: "2026-08-15T10:12:03.123Z". Timestamps of this
// fixed format compare as strings (receipts, key files, audit entries).
std::string utc_now();

// Now in UTC for file names: "20261123-193000".
std::string utc_file_stamp();

// "YYYY-MM-DD" of the machine's local time zone (set TZ=Europe/Stockholm in production).
std::string local_today();

// The year of an RFC 3339 timestamp ("2026-08-15T…" → 2026); 0 if it has none.
int year_of(const std::string& timestamp);

using TodayFn = std::function<std::string()>;

}  // namespace blankett
