// The publishing workflow in the store (four eyes): a form developer uploads a version,
// which is a draft with a private preview link; a form owner who did not upload it
// approves it, and only then is it published. Every step writes an audit entry in the
// same transaction as the change. Published versions never change (form_versions is
// immutable); unpublishing and rejecting keep the rows, so the history stays.
//
// Which version of a form is current: among its publications that were ever published
// (state "published" or "unpublished"), the most recently decided one, if it is still
// "published". So a newer approval replaces the current version, and unpublishing the
// current version takes the form offline (older versions do not come back).
// Docs: docs/publishing.md.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/error.h"
#include "blankett/form.h"
#include "store.h"

namespace blankett {

struct Publication {
  int64_t id = 0;
  std::string form_id;
  std::string version;             // sha256 hex of the definition (form_versions)
  std::string state;               // "draft", "published", "rejected", "unpublished"
  int64_t uploaded_by = 0;         // user id; 0: the server's forms folder
  std::string uploaded_by_name;    // display name; "" for the forms folder
  std::string uploaded_at;         // UTC RFC 3339 (clock.h)
  int64_t decided_by = 0;          // who approved or rejected; 0: nobody (yet) or the forms folder
  std::string decided_by_name;
  std::string decided_at;          // "" while a draft
};

struct UploadResult {
  Publication publication;         // a draft, or the current publication when unchanged
  FormPtr form;                    // the compiled upload
  // The raw preview token, shown once ("/p/<token>"); only its SHA-256 is stored. A
  // repeated upload of the same draft gets a new one (the old link stops working).
  // "" when the version is already the current published one.
  std::string preview_token;
  bool created = false;            // false: an existing draft of the same uploader, or already current
  std::string previous_version;    // the current published version compared with; "" for a new form
  nlohmann::json diff = nlohmann::json::array();  // JSON Patch from previous to this (RFC 6902)
};

// Who caused an upload, for the audit log: the user, through the admin page (token 0) or
// a publish token.
struct Uploader {
  int64_t user_id = 0;
  int64_t token_id = 0;
};

// Compiles `definition_text` and stores it as a draft of its form with a fresh preview
// token. The uploader must be an enabled user with Role::developer ("publish.forbidden").
// A broken form is refused with every load problem (pointer, line), nothing stored.
// Idempotent per (form, version, uploader): the same upload again returns the same draft
// (created = false) with a new preview token. Uploading the current published version
// changes nothing and returns that publication (state "published", no token).
// Audit: "form.upload" (actor user:<id>, target form:<id>).
Result<UploadResult> upload_version(Store& store, std::string_view definition_text, Uploader uploader);
inline Result<UploadResult> upload_version(Store& store, std::string_view definition_text, int64_t uploader_user_id) {
  return upload_version(store, definition_text, Uploader{uploader_user_id, 0});
}

// Publishes a draft. The approver must be an enabled user with Role::owner
// ("publish.forbidden") who did not upload it ("publish.four_eyes"), and the publication
// must be a draft ("publish.not_found", "publish.not_draft"). Returns the publication,
// now "published" and current. Audit: "form.approve" and "form.publish", same transaction.
Result<Publication> approve(Store& store, int64_t publication_id, int64_t approver_user_id);

// Refuses a draft: an enabled owner (the uploader may withdraw their own draft if they
// are an owner). Its preview link stops working. Audit: "form.reject".
Result<Publication> reject(Store& store, int64_t publication_id, int64_t user_id);

// Takes the form offline: its current publication becomes "unpublished" (kept, with its
// approver). The form then has no current version until a new approval. An enabled owner
// only ("publish.forbidden"); "publish.not_published" if the form has no current version.
// Audit: "form.unpublish".
Result<Publication> unpublish(Store& store, std::string_view form_id, int64_t user_id);

// Publishes a version from the server's forms folder (uploaded_by NULL, actor "system")
// unless that version was ever published before. Returns true if it published it now.
// REQUIRES: the version is stored (put_form_version).
Result<bool> publish_from_folder(Store& store, std::string_view form_id, std::string_view version);

// Every publication of the form, newest first.
Result<std::vector<Publication>> list_publications(Store& store, std::string_view form_id);
// Every form that has a publication (in any state), by id.
Result<std::vector<std::string>> list_publication_forms(Store& store);
// Drafts of every form, oldest first.
Result<std::vector<Publication>> list_drafts(Store& store);
Result<std::optional<Publication>> get_publication(Store& store, int64_t id);
// The current publication of every form (see the top of this file), by form id.
Result<std::vector<Publication>> current_published(Store& store);
Result<std::optional<Publication>> current_publication(Store& store, std::string_view form_id);
// Whether the version was published at some point (and so may be served and submitted to).
Result<bool> was_published(Store& store, std::string_view form_id, std::string_view version);

// The draft whose preview token this is; nullopt for an unknown token or a decided draft.
Result<std::optional<Publication>> find_preview(Store& store, std::string_view raw_token);
// A new preview token for a draft (the previous link stops working); the raw token is
// returned once. Developers and owners. Audit: "form.preview_link".
Result<std::string> renew_preview_token(Store& store, int64_t publication_id, int64_t user_id);

// JSON Patch from the published definition to the new one ([] when equal).
nlohmann::json definition_diff(const nlohmann::json& published, const nlohmann::json& draft);

// The HTTP status for an error of this file: 403 four_eyes/forbidden, 404 not_found,
// 409 not_draft/not_published, 422 a form load problem, 500 storage.
int publication_error_status(const Error& error);

}  // namespace blankett
