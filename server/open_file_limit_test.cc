#include "open_file_limit.h"

#include <sys/resource.h>

#include <gtest/gtest.h>

namespace blankett {
namespace {

// Lowers the soft limit as a login shell would leave it, then raises it: the soft limit
// becomes the hard one, which the process could not exceed anyway.
TEST(OpenFileLimit, TheSoftLimitIsRaisedToTheHardOne) {
  const OpenFileLimit before = open_file_limit();
  ASSERT_GT(before.hard, 0u);
  rlimit lowered{static_cast<rlim_t>(before.hard < 256 ? before.hard : 256), static_cast<rlim_t>(before.hard)};
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lowered), 0);
  EXPECT_EQ(open_file_limit().soft, static_cast<uint64_t>(lowered.rlim_cur));

  EXPECT_EQ(raise_open_file_limit(), "");
  const OpenFileLimit after = open_file_limit();
  EXPECT_EQ(after.soft, before.hard);
  EXPECT_EQ(after.hard, before.hard);
  EXPECT_EQ(raise_open_file_limit(), "");  // already there
  EXPECT_EQ(open_file_limit().soft, before.hard);
}

}  // namespace
}  // namespace blankett
