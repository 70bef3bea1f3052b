#include "publications.h"

#include <utility>

#include "accounts.h"
#include "audit_log.h"
#include "blankett/submission.h"
#include "clock.h"
#include "sessions.h"

namespace blankett {

namespace {

using nlohmann::json;


Error publish_error(const char* code, std::string message) { return Error{code, "", 0, 0, std::move(message)}; }

constexpr const char* kColumns =
    "SELECT p.id, p.form_id, p.version, p.state, COALESCE(p.uploaded_by, 0), COALESCE(u.display_name, ''), "
    "p.uploaded_at, COALESCE(p.decided_by, 0), COALESCE(d.display_name, ''), COALESCE(p.decided_at, '') "
    "FROM publications p LEFT JOIN users u ON u.id = p.uploaded_by LEFT JOIN users d ON d.id = p.decided_by ";

Publication read_publication(const sql::Statement& s) {
  Publication p;
  p.id = sql::column_int64(s, 0);
  p.form_id = sql::column_text(s, 1);
  p.version = sql::column_text(s, 2);
  p.state = sql::column_text(s, 3);
  p.uploaded_by = sql::column_int64(s, 4);
  p.uploaded_by_name = sql::column_text(s, 5);
  p.uploaded_at = sql::column_text(s, 6);
  p.decided_by = sql::column_int64(s, 7);
  p.decided_by_name = sql::column_text(s, 8);
  p.decided_at = sql::column_text(s, 9);
  return p;
}

Result<std::vector<Publication>> read_all(sql::Statement& s) {
  std::vector<Publication> out;
  for (;;) {
    Result<bool> row = sql::step(s);
    if (!row) return row.errors();
    if (!row.value()) return out;
    out.push_back(read_publication(s));
  }
}

Result<std::optional<Publication>> read_one(sql::Statement& s) {
  Result<bool> row = sql::step(s);
  if (!row) return row.errors();
  if (!row.value()) return std::optional<Publication>();
  return std::optional<Publication>(read_publication(s));
}

// SQL for the id of the most recently decided publication of a form that was ever
// published; current if its state is still "published". `form_expr` is a fixed SQL
// expression ("?1" or a column), never data. Ties in decided_at cannot happen
// (decision_time).
std::string latest_decided_sql(const char* form_expr) {
  return std::string("SELECT q.id FROM publications q WHERE q.form_id = ") + form_expr +
         " AND q.state IN ('published', 'unpublished') ORDER BY q.decided_at DESC, q.id DESC LIMIT 1";
}

// The decision time for a new publication of the form: now, or 1 ms after the form's
// latest decision if the clock has not moved past it (same millisecond, clock stepped
// back), so that "most recently decided" is always the latest approval.
Result<std::string> decision_time(Store& store, std::string_view form_id) {
  Result<sql::Statement> s = prepare(
      store,
      "SELECT CASE WHEN m IS NULL OR ?2 > m THEN ?2 ELSE strftime('%Y-%m-%dT%H:%M:%fZ', m, '+0.001 seconds') END "
      "FROM (SELECT MAX(decided_at) AS m FROM publications WHERE form_id = ?1 AND state IN ('published', 'unpublished'))");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, form_id);
  sql::bind_text(s.value(), 2, utc_now());
  Result<bool> row = sql::step(s.value());
  if (!row) return row.errors();
  return sql::column_text(s.value(), 0);
}

// The user if enabled and holding one of the roles; else "publish.forbidden".
Result<User> acting_user(Store& store, int64_t user_id, std::initializer_list<Role> any_of, const char* what) {
  Result<std::optional<User>> user = get_user(store, user_id);
  if (!user) return user.errors();
  if (!user.value() || user.value()->disabled) {
    return Errors{publish_error("publish.forbidden", std::string("only an enabled account may ") + what)};
  }
  for (Role r : any_of) {
    if (user.value()->has(r)) return *user.value();
  }
  std::string roles;
  for (Role r : any_of) roles += std::string(roles.empty() ? "" : " or ") + role_name(r);
  return Errors{publish_error("publish.forbidden", std::string("only a form ") + roles + " may " + what)};
}

Result<bool> audit(Store& store, int64_t user_id, const char* action, const std::string& form_id, json detail) {
  AuditEntry entry;
  entry.actor = user_id == 0 ? "system" : "user:" + std::to_string(user_id);
  entry.action = action;
  entry.target = "form:" + form_id;
  entry.detail = std::move(detail);
  Result<AuditEntry> appended = append_audit(store, std::move(entry), true);
  if (!appended) return appended.errors();
  return true;
}

Result<bool> set_preview_hash(Store& store, int64_t id, const std::string& token) {
  Result<sql::Statement> s = prepare(store, "UPDATE publications SET preview_token_sha256 = ?2 WHERE id = ?1 AND state = 'draft'");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, id);
  sql::bind_text(s.value(), 2, sha256_of(token));
  return sql::run(s.value());
}

// A draft that may be decided: exists and is still a draft.
Result<Publication> open_draft(Store& store, int64_t id) {
  Result<std::optional<Publication>> p = get_publication(store, id);
  if (!p) return p.errors();
  if (!p.value()) return Errors{publish_error("publish.not_found", "there is no publication " + std::to_string(id))};
  if (p.value()->state != "draft") {
    return Errors{publish_error("publish.not_draft", "publication " + std::to_string(id) + " is already " + p.value()->state)};
  }
  return *p.value();
}

Result<Publication> reread(Store& store, int64_t id) {
  Result<std::optional<Publication>> p = get_publication(store, id);
  if (!p) return p.errors();
  if (!p.value()) return Errors{publish_error("publish.not_found", "there is no publication " + std::to_string(id))};
  return *p.value();
}

// Ends a draft as "published" or "rejected" by `user_id`, in the open transaction.
Result<bool> decide(Store& store, int64_t id, const char* state, int64_t user_id, const std::string& at) {
  Result<sql::Statement> s = prepare(store,
                                     "UPDATE publications SET state = ?2, decided_by = ?3, decided_at = ?4, "
                                     "preview_token_sha256 = NULL WHERE id = ?1 AND state = 'draft'");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, id);
  sql::bind_text(s.value(), 2, state);
  sql::bind_int64(s.value(), 3, user_id);
  sql::bind_text(s.value(), 4, at);
  Result<bool> done = sql::run(s.value());
  if (!done) return done;
  if (sqlite3_changes(store.db.get()) != 1) {
    return Errors{publish_error("publish.not_draft", "publication " + std::to_string(id) + " was decided meanwhile")};
  }
  return true;
}

}  // namespace

json definition_diff(const json& published, const json& draft) { return json::diff(published, draft); }

int publication_error_status(const Error& e) {
  if (e.code == "publish.four_eyes" || e.code == "publish.forbidden") return 403;
  if (e.code == "publish.not_found" || e.code == "user.not_found") return 404;
  if (e.code == "publish.not_draft" || e.code == "publish.not_published") return 409;
  if (e.code.rfind("storage.", 0) == 0) return 500;
  return 422;  // the compiler's problems with the uploaded form
}

Result<std::optional<Publication>> get_publication(Store& store, int64_t id) {
  Result<sql::Statement> s = prepare(store, std::string(kColumns) + "WHERE p.id = ?1");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, id);
  return read_one(s.value());
}

Result<std::vector<Publication>> list_publications(Store& store, std::string_view form_id) {
  Result<sql::Statement> s = prepare(store, std::string(kColumns) + "WHERE p.form_id = ?1 ORDER BY p.id DESC");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, form_id);
  return read_all(s.value());
}

Result<std::vector<std::string>> list_publication_forms(Store& store) {
  Result<sql::Statement> s = prepare(store, "SELECT DISTINCT form_id FROM publications ORDER BY form_id");
  if (!s) return s.errors();
  std::vector<std::string> out;
  for (;;) {
    Result<bool> row = sql::step(s.value());
    if (!row) return row.errors();
    if (!row.value()) return out;
    out.push_back(sql::column_text(s.value(), 0));
  }
}

Result<std::vector<Publication>> list_drafts(Store& store) {
  Result<sql::Statement> s = prepare(store, std::string(kColumns) + "WHERE p.state = 'draft' ORDER BY p.id");
  if (!s) return s.errors();
  return read_all(s.value());
}

Result<std::vector<Publication>> current_published(Store& store) {
  Result<sql::Statement> s = prepare(store, std::string(kColumns) + "WHERE p.state = 'published' AND p.id IN (SELECT (" +
                                                latest_decided_sql("f.form_id") +
                                                ") FROM (SELECT DISTINCT form_id FROM publications) f) ORDER BY p.form_id");
  if (!s) return s.errors();
  return read_all(s.value());
}

Result<std::optional<Publication>> current_publication(Store& store, std::string_view form_id) {
  Result<sql::Statement> s =
      prepare(store, std::string(kColumns) + "WHERE p.state = 'published' AND p.id = (" + latest_decided_sql("?1") + ")");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, form_id);
  return read_one(s.value());
}

Result<bool> was_published(Store& store, std::string_view form_id, std::string_view version) {
  Result<sql::Statement> s = prepare(store,
                                     "SELECT 1 FROM publications WHERE form_id = ?1 AND version = ?2 "
                                     "AND state IN ('published', 'unpublished') LIMIT 1");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, form_id);
  sql::bind_text(s.value(), 2, version);
  return sql::step(s.value());
}

Result<UploadResult> upload_version(Store& store, std::string_view definition_text, Uploader uploader) {
  Result<User> user = acting_user(store, uploader.user_id, {Role::developer}, "upload form versions");
  if (!user) return user.errors();
  Result<FormPtr> compiled = compile_form(definition_text);
  if (!compiled) return compiled.errors();
  UploadResult out;
  out.form = compiled.value();
  const std::string id = form_id(*out.form);
  const std::string version = form_version(*out.form);

  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  Result<bool> stored = put_form_version(store, FormVersion{id, version, form_definition(*out.form).dump(), ""});
  if (!stored) return stored.errors();

  Result<std::optional<Publication>> current = current_publication(store, id);
  if (!current) return current.errors();
  if (current.value()) {
    out.previous_version = current.value()->version;
    if (out.previous_version == version) {
      out.publication = *current.value();  // nothing to approve: already what citizens get
      return out;
    }
    Result<std::optional<FormVersion>> previous = get_form_version(store, id, out.previous_version);
    if (!previous) return previous.errors();
    if (previous.value()) {
      out.diff = definition_diff(json::parse(previous.value()->definition, nullptr, false), form_definition(*out.form));
    }
  }

  Result<sql::Statement> existing = prepare(store,
                                            "SELECT id FROM publications WHERE form_id = ?1 AND version = ?2 "
                                            "AND uploaded_by = ?3 AND state = 'draft' ORDER BY id LIMIT 1");
  if (!existing) return existing.errors();
  sql::bind_text(existing.value(), 1, id);
  sql::bind_text(existing.value(), 2, version);
  sql::bind_int64(existing.value(), 3, uploader.user_id);
  Result<bool> found = sql::step(existing.value());
  if (!found) return found.errors();
  int64_t publication_id = found.value() ? sql::column_int64(existing.value(), 0) : 0;
  sql::reset(existing.value());

  out.preview_token = random_token();
  if (publication_id != 0) {
    Result<bool> renewed = set_preview_hash(store, publication_id, out.preview_token);
    if (!renewed) return renewed.errors();
  } else {
    Result<sql::Statement> insert = prepare(store,
                                            "INSERT INTO publications (form_id, version, state, uploaded_by, uploaded_at, "
                                            "preview_token_sha256) VALUES (?1, ?2, 'draft', ?3, ?4, ?5)");
    if (!insert) return insert.errors();
    sql::bind_text(insert.value(), 1, id);
    sql::bind_text(insert.value(), 2, version);
    sql::bind_int64(insert.value(), 3, uploader.user_id);
    sql::bind_text(insert.value(), 4, utc_now());
    sql::bind_text(insert.value(), 5, sha256_of(out.preview_token));
    Result<bool> inserted = sql::run(insert.value());
    if (!inserted) return inserted.errors();
    publication_id = sqlite3_last_insert_rowid(store.db.get());
    out.created = true;
  }
  json detail = {{"publication", publication_id}, {"version", version}, {"repeat", !out.created}};
  if (uploader.token_id != 0) detail["token"] = uploader.token_id;
  Result<bool> audited = audit(store, uploader.user_id, "form.upload", id, std::move(detail));
  if (!audited) return audited.errors();
  Result<bool> committed = txn.value().commit();
  if (!committed) return committed.errors();
  Result<Publication> p = reread(store, publication_id);
  if (!p) return p.errors();
  out.publication = std::move(p).value();
  return out;
}

Result<Publication> approve(Store& store, int64_t publication_id, int64_t approver_user_id) {
  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  Result<Publication> draft = open_draft(store, publication_id);
  if (!draft) return draft.errors();
  // Four eyes: whatever roles the uploader holds, someone else must look at the change.
  if (draft.value().uploaded_by == approver_user_id) {
    return Errors{publish_error("publish.four_eyes",
                                "the person who uploaded a version cannot approve it: another form owner must")};
  }
  Result<User> approver = acting_user(store, approver_user_id, {Role::owner}, "approve a form version");
  if (!approver) return approver.errors();
  const Publication& d = draft.value();
  Result<std::optional<Publication>> previous = current_publication(store, d.form_id);
  if (!previous) return previous.errors();
  Result<std::string> at = decision_time(store, d.form_id);
  if (!at) return at.errors();
  Result<bool> decided = decide(store, d.id, "published", approver_user_id, at.value());
  if (!decided) return decided.errors();
  Result<bool> approved = audit(store, approver_user_id, "form.approve", d.form_id,
                                {{"publication", d.id}, {"version", d.version}, {"uploaded_by", d.uploaded_by}});
  if (!approved) return approved.errors();
  const json before = previous.value() ? json(previous.value()->version) : json(nullptr);
  Result<bool> published = audit(store, approver_user_id, "form.publish", d.form_id,
                                 {{"publication", d.id}, {"version", d.version}, {"previous_version", before}});
  if (!published) return published.errors();
  Result<bool> committed = txn.value().commit();
  if (!committed) return committed.errors();
  return reread(store, d.id);
}

Result<Publication> reject(Store& store, int64_t publication_id, int64_t user_id) {
  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  Result<Publication> draft = open_draft(store, publication_id);
  if (!draft) return draft.errors();
  Result<User> user = acting_user(store, user_id, {Role::owner}, "reject a form version");
  if (!user) return user.errors();
  Result<bool> decided = decide(store, publication_id, "rejected", user_id, utc_now());
  if (!decided) return decided.errors();
  Result<bool> audited = audit(store, user_id, "form.reject", draft.value().form_id,
                               {{"publication", publication_id}, {"version", draft.value().version}});
  if (!audited) return audited.errors();
  Result<bool> committed = txn.value().commit();
  if (!committed) return committed.errors();
  return reread(store, publication_id);
}

Result<Publication> unpublish(Store& store, std::string_view form_id, int64_t user_id) {
  Result<User> user = acting_user(store, user_id, {Role::owner}, "unpublish a form");
  if (!user) return user.errors();
  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  Result<std::optional<Publication>> current = current_publication(store, form_id);
  if (!current) return current.errors();
  if (!current.value()) {
    return Errors{publish_error("publish.not_published", "the form '" + std::string(form_id) + "' is not published")};
  }
  const Publication& p = *current.value();
  Result<sql::Statement> s = prepare(store, "UPDATE publications SET state = 'unpublished' WHERE id = ?1 AND state = 'published'");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, p.id);
  Result<bool> done = sql::run(s.value());
  if (!done) return done.errors();
  Result<bool> audited = audit(store, user_id, "form.unpublish", p.form_id, {{"publication", p.id}, {"version", p.version}});
  if (!audited) return audited.errors();
  Result<bool> committed = txn.value().commit();
  if (!committed) return committed.errors();
  return reread(store, p.id);
}

Result<bool> publish_from_folder(Store& store, std::string_view form_id, std::string_view version) {
  // Under the write lock, so that two servers starting together publish a version once.
  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  Result<bool> before = was_published(store, form_id, version);
  if (!before) return before.errors();
  if (before.value()) return false;  // a restart, or a version an owner later replaced
  Result<std::string> at = decision_time(store, form_id);
  if (!at) return at.errors();
  Result<sql::Statement> insert = prepare(store,
                                          "INSERT INTO publications (form_id, version, state, uploaded_at, decided_at) "
                                          "VALUES (?1, ?2, 'published', ?3, ?3)");
  if (!insert) return insert.errors();
  sql::bind_text(insert.value(), 1, form_id);
  sql::bind_text(insert.value(), 2, version);
  sql::bind_text(insert.value(), 3, at.value());
  Result<bool> inserted = sql::run(insert.value());
  if (!inserted) return inserted.errors();
  const int64_t id = sqlite3_last_insert_rowid(store.db.get());
  Result<bool> audited = audit(store, 0, "form.publish", std::string(form_id),
                               {{"publication", id}, {"version", version}, {"source", "forms folder"}});
  if (!audited) return audited.errors();
  Result<bool> committed = txn.value().commit();
  if (!committed) return committed.errors();
  return true;
}

Result<std::optional<Publication>> find_preview(Store& store, std::string_view raw_token) {
  if (raw_token.empty()) return std::optional<Publication>();
  Result<sql::Statement> s =
      prepare(store, std::string(kColumns) + "WHERE p.preview_token_sha256 = ?1 AND p.state = 'draft'");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, sha256_of(raw_token));
  return read_one(s.value());
}

Result<std::string> renew_preview_token(Store& store, int64_t publication_id, int64_t user_id) {
  Result<User> user = acting_user(store, user_id, {Role::developer, Role::owner}, "make a preview link");
  if (!user) return user.errors();
  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) return txn.errors();
  Result<Publication> draft = open_draft(store, publication_id);
  if (!draft) return draft.errors();
  const std::string token = random_token();
  Result<bool> set = set_preview_hash(store, publication_id, token);
  if (!set) return set.errors();
  Result<bool> audited = audit(store, user_id, "form.preview_link", draft.value().form_id,
                               {{"publication", publication_id}, {"version", draft.value().version}});
  if (!audited) return audited.errors();
  Result<bool> committed = txn.value().commit();
  if (!committed) return committed.errors();
  return token;
}

}  // namespace blankett
