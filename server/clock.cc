#include "clock.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sys/stat.h>
#include <unistd.h>

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

namespace {

// "Europe/Stockholm", "America/Argentina/Buenos_Aires", "Etc/GMT+1", "UTC": what browsers
// accept as a timeZone; POSIX rules ("CET-1CEST,M3.5.0,M10.5.0/3") are not names.
bool is_zone_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  bool segment_start = true;
  for (const char c : name) {
    const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    const bool other = (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-';
    if (c == '/') {
      if (segment_start) return false;
      segment_start = true;
    } else if (segment_start ? letter : (letter || other)) {
      segment_start = false;
    } else {
      return false;
    }
  }
  return !segment_start;
}

// The zone name in a zone file's path: ".../zoneinfo/Europe/Stockholm" → "Europe/Stockholm"
// (also under zoneinfo/posix/ and zoneinfo/right/); "" for a path outside zoneinfo.
std::string zone_of_path(const std::string& path) {
  const std::string marker = "zoneinfo/";
  const size_t at = path.rfind(marker);
  if (at == std::string::npos) return "";
  std::string name = path.substr(at + marker.size());
  for (const char* prefix : {"posix/", "right/"}) {
    if (name.rfind(prefix, 0) == 0) name = name.substr(std::string(prefix).size());
  }
  return is_zone_name(name) ? name : "";
}

std::string first_line_of(const char* path) {
  std::FILE* f = std::fopen(path, "r");
  if (f == nullptr) return "";
  char line[128] = {0};
  const bool read = std::fgets(line, sizeof line, f) != nullptr;
  std::fclose(f);
  if (!read) return "";
  std::string text = line;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

std::string time_zone_name_from(const char* tz_variable, const std::string& localtime_link, bool localtime_missing,
                                const std::string& timezone_file) {
  if (tz_variable != nullptr) {
    std::string tz = tz_variable;
    if (!tz.empty() && tz.front() == ':') tz.erase(0, 1);
    if (tz.empty()) return "UTC";
    if (tz.front() == '/') return zone_of_path(tz);
    return is_zone_name(tz) ? tz : "";
  }
  if (!localtime_link.empty()) return zone_of_path(localtime_link);
  if (localtime_missing) return "UTC";
  return is_zone_name(timezone_file) ? timezone_file : "";
}

std::string local_time_zone_name() {
  char link[512];
  const ssize_t n = readlink("/etc/localtime", link, sizeof link - 1);
  const std::string target = n > 0 ? std::string(link, static_cast<size_t>(n)) : "";
  struct stat st {};
  const bool missing = n <= 0 && lstat("/etc/localtime", &st) != 0;
  const std::string name = time_zone_name_from(std::getenv("TZ"), target, missing, first_line_of("/etc/timezone"));
  // glibc counts a zone it has no file for as UTC, silently: then the name would send the
  // browser to another day than the server's.
  const char* tzdir = std::getenv("TZDIR");
  const std::string file = std::string(tzdir != nullptr && *tzdir != '\0' ? tzdir : "/usr/share/zoneinfo") + "/" + name;
  if (name.empty() || name == "UTC" || stat(file.c_str(), &st) == 0) return name;
  return "";
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
