// The timestamp format every stored time uses (clock.h): reading and writing it.
#include "clock.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace blankett
