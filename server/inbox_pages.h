// The caseworker's inbox: GET /inbox (the cases, filtered, newest first), one case
// (/inbox/cases/{ref}: answers, attachments, receipt, status, assignment, notes,
// history), exports (a case as JSON or a printable page; cases as CSV or JSON Lines)
// and /inbox/stats. Caseworkers only, and only cases of their own forms: a case of
// another form answers 404 everywhere. Docs: docs/inbox.md.
#pragma once
#include "app_context.h"
#include "httplib_fwd.h"

namespace blankett {

void register_inbox_routes(httplib::Server& http, AppContext& app);

}  // namespace blankett
