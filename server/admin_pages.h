// The administrator's pages: users, their roles and forms, and form groups.
//   GET  /admin                       users table and the add-user form
//   POST /admin/users                 add a user
//   GET  /admin/users/{id}            one user: access, password, disable/enable
//   POST /admin/users/{id}/access     roles and scopes
//   POST /admin/users/{id}/password   a new password (ends the user's sessions)
//   POST /admin/users/{id}/status     disabled=1|0 (disabling ends the user's sessions)
//   GET  /admin/groups                form groups and the form to set one
//   POST /admin/groups                set (or, with no forms, remove) a group
// Admins only (403 for anyone else); every POST checks CSRF, answers with a redirect
// (POST-redirect-GET) or the page again with an error summary, and is audited.
// Docs: docs/accounts.md.
#pragma once
#include "app_context.h"
#include "httplib_fwd.h"

namespace blankett {

void register_admin_routes(httplib::Server& http, AppContext& app);

}  // namespace blankett
