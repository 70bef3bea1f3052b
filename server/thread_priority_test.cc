// Tests for thread_priority.h: the nice value is the calling thread's own.
#include "thread_priority.h"

#include <gtest/gtest.h>

#include <thread>

namespace blankett {
namespace {

TEST(ThreadPriority, ANiceValueBelongsToTheThreadThatSetsIt) {
  const int before = this_thread_nice();
  int inside = -100;
  std::string error = "not run";
  std::thread t([&] {
    error = set_this_thread_nice(before + 3);  // lowering one's priority is always allowed
    inside = this_thread_nice();
  });
  t.join();
  EXPECT_EQ(error, "");
  EXPECT_EQ(inside, before + 3);
  EXPECT_EQ(this_thread_nice(), before);  // the rest of the process is untouched
}

TEST(ThreadPriority, RaisingAPriorityWorksWithThePrivilegeAndOtherwiseSaysWhy) {
  std::string error = "not run";
  int inside = -100;
  std::thread t([&] {
    error = set_this_thread_nice(-5);
    inside = this_thread_nice();
  });
  t.join();
  if (error.empty()) {
    EXPECT_EQ(inside, -5);
  } else {
    // Without CAP_SYS_NICE (or RLIMIT_NICE): refused, and the thread kept its priority.
    EXPECT_NE(error.find("setpriority(-5)"), std::string::npos) << error;
    EXPECT_EQ(inside, this_thread_nice());
  }
}

}  // namespace
}  // namespace blankett
