// The administrator's outbox page: e-mails and webhook deliveries with their attempts
// and errors, and a retry for each.
//   GET  /admin/outbox                           the latest 100 of each, newest first
//   POST /admin/outbox/mails/{id}/retry          a failed e-mail back to pending
//   POST /admin/outbox/deliveries/{id}/replay    a delivery made again
// Admins only; POSTs check CSRF and are audited. Docs: docs/notifications.md,
// docs/webhooks.md.
#pragma once
#include "app_context.h"
#include "httplib_fwd.h"

namespace blankett {

void register_admin_outbox_routes(httplib::Server& http, AppContext& app);

}  // namespace blankett
