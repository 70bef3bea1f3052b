#include "login_throttle.h"

#include <algorithm>

namespace blankett {

namespace {

// Past this many remembered keys, quiet ones are dropped: a guesser cycling through
// made-up usernames must not grow the maps without bound.
constexpr size_t kPruneAbove = 10000;

int ceil_seconds(LoginThrottle::Clock::duration d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  return static_cast<int>((ms + 999) / 1000);
}

}  // namespace

int LoginThrottle::wait_for(Entry& e, Clock::time_point now) {
  if (e.failures > 0 && now - e.last_failure >= policy_.forget_after) e = Entry{};
  if (e.blocked_until <= now) return 0;
  return std::max(1, ceil_seconds(e.blocked_until - now));
}

// One more failure: past the free ones, the wait doubles each time (30 s, 60 s, 120 s…)
// up to max_wait.
void LoginThrottle::record(Entry& e, int free_failures, Clock::time_point now) {
  if (e.failures > 0 && now - e.last_failure >= policy_.forget_after) e = Entry{};
  ++e.failures;
  e.last_failure = now;
  const int over = e.failures - free_failures;
  if (over < 0) return;
  auto wait = policy_.first_wait;
  for (int i = 0; i < over && wait < policy_.max_wait; ++i) wait *= 2;
  wait = std::min(wait, policy_.max_wait);
  e.blocked_until = now + wait;
}

void LoginThrottle::forget_quiet(std::map<std::string, Entry>& entries, Clock::time_point now) {
  if (entries.size() <= kPruneAbove) return;
  for (auto it = entries.begin(); it != entries.end();) {
    const bool quiet = now - it->second.last_failure >= policy_.forget_after && it->second.blocked_until <= now;
    it = quiet ? entries.erase(it) : std::next(it);
  }
}

int LoginThrottle::retry_after_seconds(const std::string& account, const std::string& address, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  int wait = 0;
  if (auto it = accounts_.find(account); it != accounts_.end()) wait = std::max(wait, wait_for(it->second, now));
  if (auto it = addresses_.find(address); it != addresses_.end()) wait = std::max(wait, wait_for(it->second, now));
  return wait;
}

void LoginThrottle::failed(const std::string& account, const std::string& address, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  record(accounts_[account], policy_.free_failures, now);
  record(addresses_[address], policy_.address_free_failures, now);
  forget_quiet(accounts_, now);
  forget_quiet(addresses_, now);
}

void LoginThrottle::succeeded(const std::string& account, Clock::time_point) {
  std::lock_guard<std::mutex> lock(mutex_);
  accounts_.erase(account);
}

}  // namespace blankett
