#include "blankett/date.h"

#include <cstdio>

namespace blankett {
namespace {

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

}  // namespace

bool valid_ymd(int year, int month, int day) {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= days_in_month(year, month);
}

// Howard Hinnant's days_from_civil: exact for the whole proleptic Gregorian range.
Date date_from_ymd(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return Date{static_cast<int32_t>(era * 146097 + static_cast<int>(doe) - 719468)};
}

void ymd_from_date(Date date, int* year, int* month, int* day) {
  const int z = date.days + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int>(yoe) + era * 400 + (m <= 2);
  *month = static_cast<int>(m);
  *day = static_cast<int>(d);
}

bool parse_iso_date(std::string_view t, Date* out) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  int parts[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8}, lens[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (int i = 0; i < lens[p]; ++i) {
      const char c = t[starts[p] + i];
      if (c < '0' || c > '9') return false;
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  if (parts[0] < 1000 || !valid_ymd(parts[0], parts[1], parts[2])) return false;
  *out = date_from_ymd(parts[0], parts[1], parts[2]);
  return true;
}

std::string format_iso_date(Date d) {
  int y, m, day;
  ymd_from_date(d, &y, &m, &day);
  char buf[48];  // room for any int, to keep the compiler's format check quiet
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, day);
  return buf;
}

int whole_years_between(Date birth, Date on) {
  int by, bm, bd, oy, om, od;
  ymd_from_date(birth, &by, &bm, &bd);
  ymd_from_date(on, &oy, &om, &od);
  int years = oy - by;
  if (om < bm || (om == bm && od < bd)) --years;
  return years;
}

}  // namespace blankett
