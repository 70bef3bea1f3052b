#include "clock.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "blankett/date.h"

namespace blankett {

// The calendar arithmetic is the runtime's (blankett/date.h), not gmtime_r/timegm: glibc
// takes a process-wide lock and re-reads TZ in each of those calls, and every submission
// asks for a few timestamps, on many threads at once.
int64_t utc_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string utc_now() { return format_utc_ms(utc_now_ms()); }

namespace {

// The decimal number in text[at, at + len), or -1 if any of it is not a digit.
int digits_at(std::string_view text, size_t at, size_t len) {
  if (at + len > text.size()) return -1;
  int v = 0;
  for (size_t i = at; i < at + len; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<int64_t> parse_utc_ms(std::string_view t) {
  if (t.size() < 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':') return std::nullopt;
  const int y = digits_at(t, 0, 4), mo = digits_at(t, 5, 2), d = digits_at(t, 8, 2);
  const int h = digits_at(t, 11, 2), mi = digits_at(t, 14, 2), s = digits_at(t, 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) {
    return std::nullopt;
  }
  int64_t ms = 0;
  size_t i = 19;
  if (t[i] == '.') {
    int n = 0;
    for (++i; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i, ++n) {
      if (n < 3) ms = ms * 10 + (t[i] - '0');
    }
    if (n == 0) return std::nullopt;
    for (; n < 3; ++n) ms *= 10;
  }
  if (i + 1 != t.size() || t[i] != 'Z') return std::nullopt;
  if (!valid_ymd(y, mo, d)) return std::nullopt;  // 2026-02-30 does not exist
  const int64_t days = date_from_ymd(y, mo, d).days;
  return ((days * 24 + h) * 60 + mi) * 60000 + s * 1000 + ms;
}

std::string format_utc_ms(int64_t ms) {
  constexpr int64_t kDayMs = 86400000;
  const int64_t days = ms >= 0 ? ms / kDayMs : (ms - (kDayMs - 1)) / kDayMs;
  const int64_t in_day = ms - days * kDayMs;
  int year = 0, month = 0, day = 0;
  ymd_from_date(Date{static_cast<int32_t>(days)}, &year, &month, &day);
  char text[64];  // roomy enough for any int the compiler imagines in the fields
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, month, day,
                static_cast<int>(in_day / 3600000), static_cast<int>(in_day / 60000 % 60),
                static_cast<int>(in_day / 1000 % 60), static_cast<int>(in_day % 1000));
  return text;
}

std::string utc_file_stamp() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &utc);
  return buf;
}

std::string local_today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &local);
  return buf;
}

int year_of(const std::string& timestamp) {
  if (timestamp.size() < 4) return 0;
  int year = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = timestamp[static_cast<size_t>(i)];
    if (c < '0' || c > '9') return 0;
    year = year * 10 + (c - '0');
  }
  return year;
}

}  // namespace blankett
