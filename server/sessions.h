// Signed-in sessions: a random token in a cookie, stored only as its SHA-256, with an
// idle and an absolute expiry and its own CSRF token. Docs: docs/accounts.md.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "blankett/error.h"
#include "store.h"

namespace blankett {

struct SessionPolicy {
  int idle_seconds = 30 * 60;          // signed out after this long without a request
  int absolute_seconds = 10 * 60 * 60;  // and after this long whatever happens (a work day)
};

struct Session {
  std::string token;       // the cookie value: only known when created (the store has its hash)
  std::string token_sha256;
  int64_t user_id = 0;
  std::string csrf_token;  // sent back in forms and X-CSRF-Token headers
  std::string created_at, last_seen_at, expires_at;  // UTC RFC 3339 (clock.h)
};

// A new session for the user, created at `now` (utc_now() format).
Result<Session> create_session(Store& store, int64_t user_id, const std::string& now, const SessionPolicy& policy);

// The live session with this token at `now`, its last_seen_at moved to now; nullopt (and
// the row removed) if it is unknown, idle too long or past its absolute expiry, or the
// user is disabled.
Result<std::optional<Session>> resume_session(Store& store, std::string_view token, const std::string& now,
                                              const SessionPolicy& policy);

Result<bool> end_session(Store& store, std::string_view token);
Result<bool> end_sessions_of(Store& store, int64_t user_id);

// A fresh random token: 32 bytes from libsodium, base64url without padding (43 chars).
std::string random_token();

// Constant-time comparison for tokens.
bool tokens_equal(std::string_view a, std::string_view b);

}  // namespace blankett
