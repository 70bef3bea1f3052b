// API tokens for machines: integration tokens (read-only, one form, for business systems
// pulling cases) and publish tokens (a form developer's, for `blankett publish`). The raw
// token is shown once at creation; the store keeps its SHA-256. Revocable. Docs:
// docs/integration.md, docs/publishing.md.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "blankett/error.h"
#include "store.h"
#include "httplib_fwd.h"

namespace blankett {

struct ApiToken {
  int64_t id = 0;
  std::string kind;     // "integration" or "publish"
  std::string form_id;  // integration: the form it reads; publish: ""
  int64_t user_id = 0;  // who created it (publish: whose uploads it makes)
  std::string label;
  std::string created_at;
  std::string revoked_at;  // "" while valid
};

struct NewApiToken {
  std::string token;  // "blk_" + random_token(): shown once, never stored
  ApiToken info;
};

// Errors: "token.bad_kind", "token.bad_form" (integration needs a form id; publish none),
// "token.bad_label" (1–100 characters).
Result<NewApiToken> create_api_token(Store& store, std::string_view kind, std::string_view form_id, int64_t user_id,
                                     std::string_view label);
// The valid (not revoked) token with these raw bytes, or nullopt.
Result<std::optional<ApiToken>> check_api_token(Store& store, std::string_view raw_token);
Result<bool> revoke_api_token(Store& store, int64_t id);  // "token.not_found"
Result<std::vector<ApiToken>> list_api_tokens(Store& store);

// The raw token of "Authorization: Bearer <token>", or "".
std::string bearer_token(const httplib::Request& req);

}  // namespace blankett
