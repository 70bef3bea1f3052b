// The audit log: who did what, when. Append-only (triggers refuse UPDATE and DELETE) and
// hash-chained like the receipts: each entry commits to the SHA-256 of the one before,
// so `blankett audit verify` finds a changed, removed or reordered row. Records logins,
// views of a case, status changes, exports, publications and user changes; never answers
// or other personal data beyond ids. Docs: docs/audit.md.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/error.h"
#include "store.h"

namespace blankett {

struct AuditEntry {
  int64_t seq = 0;
  std::string at;      // UTC RFC 3339 (clock.h)
  std::string actor;   // "user:<id>", "token:<id>", "cli", "system", "anonymous"
  std::string action;  // "login", "login.failed", "logout", "case.view", "case.status",
                       // "case.assign", "case.note", "case.export", "cases.export",
                       // "form.upload", "form.approve", "form.reject", "form.publish",
                       // "form.unpublish", "user.add", "user.change", "token.create", ...
  std::string target;  // "case:<reference>", "form:<id>", "user:<id>", "token:<id>", ""
  nlohmann::json detail = nlohmann::json::object();  // small; ids and codes, no answers
  std::string previous_sha256;
  std::string entry_sha256;
};

// SHA-256 (hex) of the entry's canonical JSON: every field but entry_sha256, keys sorted.
std::string audit_entry_sha256(const AuditEntry& entry);

// Appends one entry at the chain's head (fills seq, at when empty, previous_sha256 and
// entry_sha256) in its own write transaction, or inside the caller's open transaction
// when `in_transaction` (then the caller commits both together: a status change and its
// audit entry are stored together or not at all).
Result<AuditEntry> append_audit(Store& store, AuditEntry entry, bool in_transaction = false);

// Entries newest first, at most `limit`, with seq < before_seq (0: from the newest).
Result<std::vector<AuditEntry>> list_audit(Store& store, int64_t before_seq, int limit);

struct AuditProblem {
  int64_t seq = 0;
  std::string message;  // e.g. "entry 12 was changed: its hash does not match"
};
// Walks the whole chain: every entry's hash, every link, seq without gaps. Empty when ok.
Result<std::vector<AuditProblem>> verify_audit_chain(Store& store, int64_t* entries_checked = nullptr);

}  // namespace blankett
