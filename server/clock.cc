#include "clock.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace blankett {

std::string utc_now() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t seconds = system_clock::to_time_t(now);
  const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[64];  // roomy enough for any int the compiler imagines in the fields
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  return text;
}

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
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  const std::time_t secs = timegm(&tm);
  // timegm rolls 2026-02-30 over into March: such a date does not exist.
  if (tm.tm_mday != d || tm.tm_mon != mo - 1) return std::nullopt;
  return static_cast<int64_t>(secs) * 1000 + ms;
}

std::string format_utc_ms(int64_t ms) {
  const int64_t floor_secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  const std::time_t secs = static_cast<std::time_t>(floor_secs);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char text[64];  // roomy enough for any int the compiler imagines in the fields
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms - floor_secs * 1000));
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
