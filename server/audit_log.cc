// The audit log's chain: appending at the head and walking it. The database refuses
// UPDATE, DELETE and an INSERT that does not continue the chain (migrations.cc); the
// hashes let `blankett audit verify` find what someone did after dropping those triggers.
#include "audit_log.h"

#include <limits>
#include <optional>

#include "blankett/submission.h"
#include "clock.h"

namespace blankett {

namespace {

using nlohmann::json;


constexpr const char* kColumns = "seq, at, actor, action, target, detail, previous_sha256, entry_sha256";

// Reads one row of kColumns. A detail that is not a JSON object is kept as its text in a
// string, so that verification can still report the row instead of failing on it.
AuditEntry read_entry(const sql::Statement& s) {
  AuditEntry e;
  e.seq = sql::column_int64(s, 0);
  e.at = sql::column_text(s, 1);
  e.actor = sql::column_text(s, 2);
  e.action = sql::column_text(s, 3);
  e.target = sql::column_text(s, 4);
  const std::string detail = sql::column_text(s, 5);
  json parsed = json::parse(detail, nullptr, false);
  e.detail = parsed.is_object() ? std::move(parsed) : json(detail);
  e.previous_sha256 = sql::column_text(s, 6);
  e.entry_sha256 = sql::column_text(s, 7);
  return e;
}

Error bad_entry(const std::string& what) { return Error{"audit.bad_entry", "", 0, 0, what}; }

}  // namespace

std::string audit_entry_sha256(const AuditEntry& entry) {
  // nlohmann's object keeps its keys sorted, so dump() is the canonical form; it throws
  // on text that is not UTF-8 (callers check with the try in append_audit).
  const json canonical = {{"seq", entry.seq},         {"at", entry.at},         {"actor", entry.actor},
                          {"action", entry.action},   {"target", entry.target}, {"detail", entry.detail},
                          {"previous_sha256", entry.previous_sha256}};
  return sha256_of(canonical.dump());
}

Result<AuditEntry> append_audit(Store& store, AuditEntry entry, bool in_transaction) {
  if (entry.actor.empty() || entry.action.empty()) return Errors{bad_entry("an audit entry needs an actor and an action")};
  if (!entry.detail.is_object()) return Errors{bad_entry("an audit entry's detail must be a JSON object")};
  sqlite3* db = store.db.get();
  std::optional<sql::Transaction> txn;
  if (!in_transaction) {
    Result<sql::Transaction> begun = sql::Transaction::begin(db);
    if (!begun) return begun.errors();
    txn.emplace(std::move(begun).value());
  }
  Result<sql::Statement> head = prepare(store, "SELECT seq, entry_sha256 FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (!head) return head.errors();
  Result<bool> row = sql::step(head.value());
  if (!row) return row.errors();
  entry.seq = row.value() ? sql::column_int64(head.value(), 0) + 1 : 1;
  entry.previous_sha256 = row.value() ? sql::column_text(head.value(), 1) : std::string(64, '0');
  if (entry.at.empty()) entry.at = utc_now();
  std::string detail;
  try {
    entry.entry_sha256 = audit_entry_sha256(entry);
    detail = entry.detail.dump();
  } catch (const json::exception&) {
    return Errors{bad_entry("an audit entry must be UTF-8 text")};
  }
  Result<sql::Statement> insert = prepare(
      store, std::string("INSERT INTO audit_log (") + kColumns + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!insert) return insert.errors();
  sql::Statement& s = insert.value();
  sql::bind_int64(s, 1, entry.seq);
  sql::bind_text(s, 2, entry.at);
  sql::bind_text(s, 3, entry.actor);
  sql::bind_text(s, 4, entry.action);
  sql::bind_text(s, 5, entry.target);
  sql::bind_text(s, 6, detail);
  sql::bind_text(s, 7, entry.previous_sha256);
  sql::bind_text(s, 8, entry.entry_sha256);
  Result<bool> inserted = sql::run(s);
  if (!inserted) return inserted.errors();
  if (txn) {
    Result<bool> committed = txn->commit();
    if (!committed) return committed.errors();
  }
  return entry;
}

Result<std::vector<AuditEntry>> list_audit(Store& store, int64_t before_seq, int limit) {
  Result<sql::Statement> s =
      prepare(store, std::string("SELECT ") + kColumns + " FROM audit_log WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, before_seq > 0 ? before_seq : std::numeric_limits<int64_t>::max());
  sql::bind_int64(s.value(), 2, limit > 0 ? limit : 0);
  std::vector<AuditEntry> out;
  for (;;) {
    Result<bool> row = sql::step(s.value());
    if (!row) return row.errors();
    if (!row.value()) return out;
    out.push_back(read_entry(s.value()));
  }
}

Result<std::vector<AuditProblem>> verify_audit_chain(Store& store, int64_t* entries_checked) {
  Result<sql::Statement> s = prepare(store, std::string("SELECT ") + kColumns + " FROM audit_log ORDER BY seq");
  if (!s) return s.errors();
  std::vector<AuditProblem> problems;
  std::string previous(64, '0');  // entry_sha256 of the entry before, as stored
  int64_t expected_seq = 1;
  int64_t checked = 0;
  for (;;) {
    Result<bool> row = sql::step(s.value());
    if (!row) return row.errors();
    if (!row.value()) break;
    const AuditEntry e = read_entry(s.value());
    ++checked;
    const std::string n = std::to_string(e.seq);
    if (e.seq != expected_seq) {
      problems.push_back({e.seq, "entry " + n + " follows entry " + std::to_string(expected_seq - 1) +
                                     ": entries were removed or renumbered before it"});
    }
    expected_seq = e.seq + 1;
    std::string hash;
    try {
      hash = e.detail.is_object() ? audit_entry_sha256(e) : "";
    } catch (const json::exception&) {
      hash = "";  // not UTF-8: it cannot have been written by append_audit
    }
    if (hash != e.entry_sha256) problems.push_back({e.seq, "entry " + n + " was changed: its hash does not match"});
    if (e.previous_sha256 != previous) {
      problems.push_back({e.seq, "entry " + n + " does not follow the entry before it: entries were changed, "
                                 "removed or reordered"});
    }
    previous = e.entry_sha256;
  }
  if (entries_checked != nullptr) *entries_checked = checked;
  return problems;
}

}  // namespace blankett
