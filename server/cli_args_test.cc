#include "cli_args.h"

#include <gtest/gtest.h>

namespace blankett {
namespace {

TEST(ParseCliInteger, WholeNumbersInRange) {
  EXPECT_EQ(parse_cli_integer("8080", 0, 65535), 8080);
  EXPECT_EQ(parse_cli_integer("0", 0, 65535), 0);
  EXPECT_EQ(parse_cli_integer("65535", 0, 65535), 65535);
  EXPECT_EQ(parse_cli_integer("-20", -20, 19), -20);
  EXPECT_EQ(parse_cli_integer("007", 0, 10), 7);
}

// What std::stoi let through: wrapping, trailing junk, leading space, other notations.
TEST(ParseCliInteger, RefusesAnythingElse) {
  for (const char* text : {"", "-", "8080x", "80 80", " 8080", "8080 ", "+8080", "1e3", "0x50", "8080.0",
                           "99999999999999999999999"}) {
    EXPECT_EQ(parse_cli_integer(text, -1000000, 1000000), std::nullopt) << text;
  }
  EXPECT_EQ(parse_cli_integer("84026", 0, 65535), std::nullopt);  // would wrap to 18490 in a uint16_t
  EXPECT_EQ(parse_cli_integer("-5", 0, 65535), std::nullopt);
  EXPECT_EQ(parse_cli_integer("-1", 1024, 1 << 30), std::nullopt);
}

}  // namespace
}  // namespace blankett
