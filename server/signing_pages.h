// The signer's pages: /sign/{token} (identify, see exactly what was submitted, sign, get
// a receipt) and the caseworker's reminder and deadline actions on a case. docs/signers.md.
#pragma once
#include "app_context.h"
#include "httplib_fwd.h"

namespace blankett {

// GET /sign/{token}, POST /sign/{token}/identify, POST /sign/{token}; and, through
// register_signer_action_routes, the caseworker's actions.
void register_signing_routes(httplib::Server& http, AppContext& app);

// POST /inbox/cases/{ref}/signers/{signer_id}/remind and POST
// /inbox/cases/{ref}/signing-deadline: a caseworker of the case's form, with CSRF
// (start_case_post). In inbox_signers_section.cc, beside the section that shows them.
void register_signer_action_routes(httplib::Server& http, AppContext& app);

}  // namespace blankett
