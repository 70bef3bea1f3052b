#include "login_throttle.h"

#include <gtest/gtest.h>

namespace blankett {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

class LoginThrottleTest : public ::testing::Test {
 protected:
  LoginThrottle throttle_;
  LoginThrottle::Clock::time_point t0_ = LoginThrottle::Clock::now();

  void fail(int times, const std::string& account, const std::string& address, LoginThrottle::Clock::time_point at) {
    for (int i = 0; i < times; ++i) throttle_.failed(account, address, at);
  }
};

TEST_F(LoginThrottleTest, FiveFreeFailuresThenAWaitThatDoubles) {
  fail(4, "anna", "10.0.0.1", t0_);
  EXPECT_EQ(throttle_.retry_after_seconds("anna", "10.0.0.1", t0_), 0);
  fail(1, "anna", "10.0.0.1", t0_);
  EXPECT_EQ(throttle_.retry_after_seconds("anna", "10.0.0.1", t0_), 30);
  // The account is blocked from any address; other accounts are not.
  EXPECT_EQ(throttle_.retry_after_seconds("anna", "10.0.0.2", t0_ + seconds(10)), 20);
  EXPECT_EQ(throttle_.retry_after_seconds("bertil", "10.0.0.2", t0_), 0);
  EXPECT_EQ(throttle_.retry_after_seconds("anna", "10.0.0.1", t0_ + seconds(30)), 0);
  fail(1, "anna", "10.0.0.1", t0_ + seconds(30));
  EXPECT_EQ(throttle_.retry_after_seconds("anna", "10.0.0.1", t0_ + seconds(30)), 60);
  fail(1, "anna", "10.0.0.1", t0_ + seconds(90));
  EXPECT_EQ(throttle_.retry_after_seconds("anna", "10.0.0.1", t0_ + seconds(90)), 120);
}

TEST_F(LoginThrottleTest, WaitIsCappedAtFifteenMinutes) {
  auto t = t0_;
  for (int i = 0; i < 30; ++i) {
    t += minutes(16);
    throttle_.failed("anna", "10.0.0." + std::to_string(i), t);
  }
  // Each failure came after a wait, within the hour that keeps the count.
  EXPECT_EQ(throttle_.retry_after_seconds("anna", "10.0.0.99", t), 15 * 60);
}

TEST_F(LoginThrottleTest, AQuietHourForgets) {
  fail(5, "anna", "10.0.0.1", t0_);
  ASSERT_GT(throttle_.retry_after_seconds("anna", "10.0.0.1", t0_), 0);
  const auto later = t0_ + minutes(60);
  EXPECT_EQ(throttle_.retry_after_seconds("anna", "10.0.0.1", later), 0);
  fail(4, "anna", "10.0.0.1", later);  // the count starts again from zero
  EXPECT_EQ(throttle_.retry_after_seconds("anna", "10.0.0.1", later), 0);
}

TEST_F(LoginThrottleTest, SuccessClearsTheAccountButNotTheAddress) {
  fail(5, "anna", "10.0.0.1", t0_);
  throttle_.succeeded("anna", t0_);
  EXPECT_EQ(throttle_.retry_after_seconds("anna", "10.0.0.1", t0_), 0);
  // 15 more failures from the address, on other accounts: 20 in all blocks the address.
  for (int i = 0; i < 14; ++i) throttle_.failed("user" + std::to_string(i), "10.0.0.1", t0_);
  EXPECT_EQ(throttle_.retry_after_seconds("someone", "10.0.0.1", t0_), 0);
  throttle_.failed("user14", "10.0.0.1", t0_);
  EXPECT_EQ(throttle_.retry_after_seconds("someone", "10.0.0.1", t0_), 30);
  EXPECT_EQ(throttle_.retry_after_seconds("someone", "10.0.0.2", t0_), 0);
  throttle_.succeeded("someone", t0_);
  EXPECT_EQ(throttle_.retry_after_seconds("someone", "10.0.0.1", t0_), 30);
}

TEST_F(LoginThrottleTest, PolicyIsConfigurable) {
  LoginThrottle strict(ThrottlePolicy{1, 1, seconds(10), seconds(15), minutes(5)});
  strict.failed("anna", "a", t0_);
  EXPECT_EQ(strict.retry_after_seconds("anna", "b", t0_), 10);
  strict.failed("anna", "c", t0_ + seconds(10));
  EXPECT_EQ(strict.retry_after_seconds("anna", "b", t0_ + seconds(10)), 15);
}

}  // namespace
}  // namespace blankett
