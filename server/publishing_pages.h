// The publishing workflow over HTTP (publications.h; docs/publishing.md):
//
//   POST /api/publish                      a draft from a publish token (blankett publish)
//   GET  /p/{token}                        the citizen app for a draft: the private preview
//   GET  /api/previews/{token}             the draft's definition for that app
//   GET  /admin/forms                      forms, pending drafts, upload, publish tokens
//   POST /admin/forms/upload               upload a draft (developers)
//   POST /admin/publish-token              a personal publish token, shown once (developers)
//   GET  /admin/forms/{form}               the form's publications: who, when, which state
//   POST /admin/forms/{form}/unpublish     take the form offline (owners)
//   GET  /admin/publications/{id}          one version: the diff, approve / reject
//   POST /admin/publications/{id}/approve  publish it (an owner who did not upload it)
//   POST /admin/publications/{id}/reject   refuse it (owners)
//   POST /admin/publications/{id}/preview  a new preview link for a draft
//
// Approvals and unpublishing take effect in the catalog at once.
#pragma once
#include "app_context.h"
#include "httplib_fwd.h"

namespace blankett {

void register_publishing_routes(httplib::Server& http, AppContext& app);

}  // namespace blankett
