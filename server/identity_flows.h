// Rows of identity_flows (migrations.cc, schema 4): one identification from its start
// to the act it was for. The state and the browser cookie are stored only as their
// SHA-256, so a copy of the database resumes no flow. Times are unix seconds.
// Used by identity.cc and its pages; docs/identity.md.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "blankett/error.h"
#include "store.h"

namespace blankett {

// How long the round trip to the provider may take, and how long an identity proved
// then serves the page it was for.
inline constexpr int64_t kIdentityRoundTripSeconds = 10 * 60;
inline constexpr int64_t kIdentityValidSeconds = 30 * 60;

struct IdentityFlow {
  int64_t id = 0;
  std::string state_sha256;
  std::string browser_sha256;
  std::string purpose;    // "sign", "complete"
  std::string target;     // SHA-256 of the signing or completion token
  std::string return_to;  // a path on this server
  std::string provider;   // "dev", "oidc"
  std::string nonce;
  std::string code_verifier;
  std::string csrf_token;
  int64_t created_at = 0;
  int64_t expires_at = 0;  // the round trip's end; once identified, the identity's end
  // Filled in once identified:
  bool identified = false;
  std::string subject;
  std::string personal_number;
  std::string name;
  int64_t identified_at = 0;
  bool ended = false;
};

// Inserts the flow (its id is ignored) and returns the new id. In the same transaction
// removes every flow past its expiry at `flow.created_at`, and the flow the browser had
// before (`previous_browser_sha256`, "" for none): a browser holds one flow at a time.
Result<int64_t> insert_identity_flow(Store& store, const IdentityFlow& flow, const std::string& previous_browser_sha256);

// The flow with this state hash, whatever its condition (the caller checks browser,
// provider, expiry, use); nullopt when there is none.
Result<std::optional<IdentityFlow>> find_identity_flow_by_state(Store& store, const std::string& state_sha256);

// Stores the identity on a flow that is neither identified nor ended, and moves its
// expiry to now + kIdentityValidSeconds. False (nothing changed) when the flow was
// already identified or ended, or is gone: a state is used once.
Result<bool> record_flow_identity(Store& store, int64_t flow_id, const std::string& subject,
                                  const std::string& personal_number, const std::string& name, int64_t now);

// Marks the flow ended at `now`. True when this call ended it.
Result<bool> end_identity_flow(Store& store, int64_t flow_id, int64_t now);

// The browser's identified, unended flow for (purpose, target), identified less than
// kIdentityValidSeconds before `now`; nullopt otherwise.
Result<std::optional<IdentityFlow>> find_identified_flow(Store& store, const std::string& browser_sha256,
                                                         const std::string& purpose, const std::string& target, int64_t now);

}  // namespace blankett
