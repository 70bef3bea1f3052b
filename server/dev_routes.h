// The developer routes of `blankett serve --dev` (docs/preview.md, "In the browser"):
// the WebAssembly preview's page and assets, a form folder's files for the preview, and
// saving scenarios and drafts the developer made in the preview.
//
//   GET  /preview/{id}                     the preview page (preview.html of preview_dir)
//   GET  /preview/assets/{file}            preview_dir/{file} (.mjs, .wasm, .js, .css)
//   GET  /api/dev/forms/{id}/files         form.json, tests/*.json, drafts/*.json as text;
//                                          ETag = their SHA-256, 304 on If-None-Match
//   POST /api/dev/forms/{id}/scenarios     body: a scenario or draft (a JSON object),
//   POST /api/dev/forms/{id}/drafts        written to tests/ or drafts/ as
//                                          ?file=<name>.json exactly (409 if it exists), or
//                                          <?name=slug>-<UTC time>.json (-2, -3… if taken);
//                                          never over an existing file
//
// Registered only with --dev; without it every one of these paths is a 404. Every read
// and write stays inside --forms: ids and names are checked against fixed patterns, and
// the resolved folders (symlinks followed) must lie inside the forms folder.
#pragma once
#include <string>

#include "httplib_fwd.h"

namespace blankett {

struct DevRoutesOptions {
  std::string forms_dir;    // where form folders are read and scenarios/drafts written
  std::string preview_dir;  // the WASM preview's build output (blankett_preview.*, preview.html)
};

// Adds the routes above to `http`. Call before any catch-all route: cpp-httplib matches
// routes in the order they were added.
void register_dev_routes(httplib::Server& http, const DevRoutesOptions& options);

}  // namespace blankett
