// Calendar dates as whole days since 1970-01-01 (proleptic Gregorian), so that
// comparing and subtracting dates is integer arithmetic and identical in WASM and native.
// Pure functions: the rules' date arithmetic, also used by the server (case dates, ISO
// weeks) so that there is one calendar.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace blankett {

struct Date {
  int32_t days = 0;  // days since 1970-01-01; negative before
  friend bool operator==(Date a, Date b) { return a.days == b.days; }
  friend bool operator!=(Date a, Date b) { return a.days != b.days; }
  friend bool operator<(Date a, Date b) { return a.days < b.days; }
};

// True for a real calendar date in years 1..9999.
bool valid_ymd(int year, int month, int day);
// REQUIRES: valid_ymd(year, month, day).
Date date_from_ymd(int year, int month, int day);
// The calendar date of `d`; never fails.
void ymd_from_date(Date d, int* year, int* month, int* day);

// Strict "YYYY-MM-DD" with a real calendar date and year 1000..9999.
// Returns false (and leaves *out unchanged) for anything else.
bool parse_iso_date(std::string_view text, Date* out);
// "YYYY-MM-DD" of `d` (zero-padded; years outside 0..9999 print as they are).
std::string format_iso_date(Date d);

// Whole years from `birth` until `on` (the age on that day); negative if `on` < `birth`.
int whole_years_between(Date birth, Date on);

}  // namespace blankett
