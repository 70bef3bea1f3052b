// The integration API: a read-only API for the municipality's business systems, which
// pull the cases of one form with an integration token (api_tokens.h) and a cursor:
//   GET /api/integration/forms/{form_id}/cases?after=<seq>&limit=<1..500>
//   GET /api/integration/forms/{form_id}/cases/{reference}
//   GET /api/integration/attachments/{sha256}
// "Authorization: Bearer <token>"; a missing, unknown or revoked token is 401
// "auth.required" (with WWW-Authenticate: Bearer), a token of another form 403
// "auth.forbidden". Pulls that return cases are audited ("cases.export").
// Also the admin page /admin/tokens: list, create (the raw token shown once) and revoke.
// Docs: docs/integration.md.
#pragma once
#include "app_context.h"
#include "httplib_fwd.h"

namespace blankett {

void register_integration_routes(httplib::Server& http, AppContext& app);

}  // namespace blankett
