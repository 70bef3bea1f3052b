// The timestamp format every stored time uses (clock.h): reading and writing it.
#include "clock.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <random>

namespace blankett {
namespace {

TEST(ClockTest, ReadsAndWritesUtcNowsFormat) {
  EXPECT_EQ(parse_utc_ms("1970-01-01T00:00:00.000Z"), 0);
  EXPECT_EQ(parse_utc_ms("2026-08-15T10:12:03.123Z"), int64_t{1786788723123});
  EXPECT_EQ(format_utc_ms(1786788723123), "2026-08-15T10:12:03.123Z");
  EXPECT_EQ(format_utc_ms(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(parse_utc_ms(format_utc_ms(-1)), -1);
  const std::string now = utc_now();
  ASSERT_TRUE(parse_utc_ms(now).has_value()) << now;
  EXPECT_EQ(format_utc_ms(*parse_utc_ms(now)), now);
}

// The format is computed with the runtime's calendar; the C library's gmtime_r agrees on
// every millisecond tried, leap days and centuries included.
TEST(ClockTest, AgreesWithTheCLibraryFrom1900To2200) {
  std::mt19937_64 random(20261204);
  std::uniform_int_distribution<int64_t> any_ms(-2208988800000LL, 7258118400000LL);
  std::vector<int64_t> samples = {951782400000LL /* 2000-02-29 */, 4107456000000LL /* 2100-02-28 */,
                                  4107542400000LL /* 2100-03-01 */, 1709164800000LL /* 2024-02-29 */};
  for (int i = 0; i < 20000; ++i) samples.push_back(any_ms(random));
  for (int64_t ms : samples) {
    const int64_t floor_secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    const std::time_t secs = static_cast<std::time_t>(floor_secs);
    std::tm tm{};
    ASSERT_NE(gmtime_r(&secs, &tm), nullptr);
    char expected[64];
    std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms - floor_secs * 1000));
    ASSERT_EQ(format_utc_ms(ms), expected) << ms;
    ASSERT_EQ(parse_utc_ms(expected), ms) << expected;
  }
}

TEST(ClockTest, TheFractionIsOptionalAndCutAtMilliseconds) {
  EXPECT_EQ(parse_utc_ms("2026-08-15T08:00:00Z"), parse_utc_ms("2026-08-15T08:00:00.000Z"));
  EXPECT_EQ(parse_utc_ms("2026-08-15T08:00:00.5Z"), *parse_utc_ms("2026-08-15T08:00:00Z") + 500);
  EXPECT_EQ(parse_utc_ms("2026-08-15T08:00:00.123456Z"), *parse_utc_ms("2026-08-15T08:00:00Z") + 123);
}

TEST(ClockTest, RefusesEverythingElse) {
  for (const char* bad : {"", "yesterday", "2026-08-15", "2026-08-15T08:00:00+02:00", "2026-08-15T08:00:00.Z",
                          "2026-02-30T08:00:00Z", "2026-13-01T08:00:00Z", "2026-08-15T24:00:00Z", "2026-08-15T08:60:00Z",
                          "2026-08-15T08:00:00Zjunk", "2026-08-15 08:00:00Z", "+026-08-15T08:00:00Z"}) {
    EXPECT_FALSE(parse_utc_ms(bad).has_value()) << bad;
  }
}

TEST(ClockTest, NowInMillisecondsIsNowAsText) {
  const int64_t before = utc_now_ms();
  const std::optional<int64_t> text = parse_utc_ms(utc_now());
  const int64_t after = utc_now_ms();
  ASSERT_TRUE(text.has_value());
  EXPECT_LE(before, *text);
  EXPECT_LE(*text, after);
}

TEST(ClockTest, TheZoneNameComesFromTzFirstThenTheSystemsZoneFile) {
  EXPECT_EQ(time_zone_name_from("Europe/Stockholm", "/usr/share/zoneinfo/UTC", false, "UTC"), "Europe/Stockholm");
  EXPECT_EQ(time_zone_name_from(":America/Argentina/Buenos_Aires", "", false, ""), "America/Argentina/Buenos_Aires");
  EXPECT_EQ(time_zone_name_from("/usr/share/zoneinfo/Europe/Oslo", "", false, ""), "Europe/Oslo");
  EXPECT_EQ(time_zone_name_from("", "/usr/share/zoneinfo/Europe/Oslo", false, ""), "UTC");  // glibc: TZ="" is UTC
  EXPECT_EQ(time_zone_name_from(nullptr, "/usr/share/zoneinfo/Europe/Stockholm", false, "Etc/UTC"), "Europe/Stockholm");
  EXPECT_EQ(time_zone_name_from(nullptr, "../usr/share/zoneinfo/posix/Etc/GMT+1", false, ""), "Etc/GMT+1");
  EXPECT_EQ(time_zone_name_from(nullptr, "", false, "Europe/Helsinki"), "Europe/Helsinki");  // a copied zone file
  EXPECT_EQ(time_zone_name_from(nullptr, "", true, ""), "UTC");  // no zone file at all: glibc counts in UTC
}

TEST(ClockTest, AZoneWithoutItsFileIsNoName) {
  // glibc would count days in UTC for it; the browser must not be sent to another zone.
  const char* before = std::getenv("TZ");
  const std::string saved = before != nullptr ? before : "";
  setenv("TZ", "Nowhere/Atlantis", 1);
  EXPECT_EQ(local_time_zone_name(), "");
  setenv("TZ", "Europe/Stockholm", 1);  // tzdata comes with scripts/setup
  EXPECT_EQ(local_time_zone_name(), "Europe/Stockholm");
  if (before != nullptr) setenv("TZ", saved.c_str(), 1);
  else unsetenv("TZ");
}

TEST(ClockTest, WhatIsNoZoneNameGivesNoName) {
  // A POSIX rule is a zone, but no browser takes it as a name: the app then counts days
  // on the device (docs/api.md).
  EXPECT_EQ(time_zone_name_from("CET-1CEST,M3.5.0,M10.5.0/3", "", false, ""), "");
  EXPECT_EQ(time_zone_name_from("/etc/my-zone", "", false, ""), "");
  EXPECT_EQ(time_zone_name_from(nullptr, "/etc/my-zone", false, "Europe/Stockholm"), "");
  EXPECT_EQ(time_zone_name_from(nullptr, "", false, "Europe/Stockholm; rm -rf"), "");
  EXPECT_EQ(time_zone_name_from("Europe//Stockholm", "", false, ""), "");
  EXPECT_EQ(time_zone_name_from("Europe/", "", false, ""), "");
  EXPECT_EQ(time_zone_name_from(nullptr, "", false, ""), "");  // a copied zone file and nothing that names it
}

}  // namespace
}  // namespace blankett
