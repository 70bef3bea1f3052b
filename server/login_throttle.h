// Slows down password guessing: after a few failed logins for one account, or from one
// address, further attempts are refused for a while that doubles with every failure.
// In memory (a restart forgets, which only helps a guesser as much as restarting the
// server would). Thread-safe. Docs: docs/accounts.md.
#pragma once
#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace blankett {

struct ThrottlePolicy {
  int free_failures = 5;                         // failures allowed before any wait
  // An address may be a whole office behind one NAT: it gets more failures before its
  // waits start, so one forgetful colleague does not lock out the others.
  int address_free_failures = 20;
  std::chrono::seconds first_wait{30};           // then 30 s, 60 s, 120 s, ...
  std::chrono::seconds max_wait{15 * 60};
  std::chrono::seconds forget_after{60 * 60};    // a quiet hour resets the count
};

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LoginThrottle(ThrottlePolicy policy = {}) : policy_(policy) {}

  // 0 if an attempt for (account, address) may be made now, else the seconds to wait.
  int retry_after_seconds(const std::string& account, const std::string& address, Clock::time_point now);
  void failed(const std::string& account, const std::string& address, Clock::time_point now);
  // A successful login clears the account's count (not the address's).
  void succeeded(const std::string& account, Clock::time_point now);

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point last_failure{};
    Clock::time_point blocked_until{};
  };
  int wait_for(Entry& e, Clock::time_point now);
  void record(Entry& e, int free_failures, Clock::time_point now);
  void forget_quiet(std::map<std::string, Entry>& entries, Clock::time_point now);
  ThrottlePolicy policy_;
  std::mutex mutex_;
  std::map<std::string, Entry> accounts_, addresses_;
};

}  // namespace blankett
