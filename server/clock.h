// Time for the server: the receipt clock (UTC) and "today" for the engine (the
// municipality's local date). Injectable so tests can fix the date rules see.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace blankett {

// Now in UTC, RFC 3339 with milliseconds: "2026-08-15T10:12:03.123Z". Timestamps of this
// fixed format compare as strings (receipts, key files, audit entries).
std::string utc_now();
// Now as milliseconds since 1970-01-01T00:00:00Z: utc_now() without the text.
int64_t utc_now_ms();

// Milliseconds since 1970-01-01T00:00:00Z of a timestamp in utc_now()'s format. The
// fraction may be left out or have any number of digits (beyond milliseconds is cut
// off): "2026-08-15T10:12:03Z" also reads. nullopt for anything else: another offset
// ("+02:00"), a date that does not exist (2026-02-30), 24:00, or trailing text.
std::optional<int64_t> parse_utc_ms(std::string_view timestamp);
// utc_now()'s format of milliseconds since the epoch: parse_utc_ms(format_utc_ms(ms)) == ms.
std::string format_utc_ms(int64_t ms);

// Now in UTC for file names: "20261123-193000".
std::string utc_file_stamp();

// "YYYY-MM-DD" of the machine's local time zone (set TZ=Europe/Stockholm in production).
std::string local_today();

// The IANA name of the zone local_today() counts days in ("Europe/Stockholm"), sent to
// the browser with each form so that its engine means the same day by today() as the
// server does; "" when the zone has no such name (a POSIX rule in TZ, a copied zone file).
std::string local_time_zone_name();
// local_time_zone_name() from what it reads: the TZ variable (nullptr: unset), where
// /etc/localtime links to ("" if it is no link or missing: then localtime_missing says
// which) and the first line of /etc/timezone ("" if none). As glibc: TZ first, TZ=""
// is UTC, no zone file at all is UTC.
std::string time_zone_name_from(const char* tz_variable, const std::string& localtime_link, bool localtime_missing,
                                const std::string& timezone_file);

// The year of an RFC 3339 timestamp ("2026-08-15T…" → 2026); 0 if it has none.
int year_of(const std::string& timestamp);

using TodayFn = std::function<std::string()>;

}  // namespace blankett
