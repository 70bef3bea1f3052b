// `blankett audit verify [--data ./data]`: walks the receipt chain in the database and
// reports every row that was changed, removed or reordered: each stored receipt must be
// signed by one of the server's keys, match its row, hash to the stored receipt hash,
// name the previous receipt's hash, and commit to the SHA-256 of the stored submission
// bytes; sequence numbers must run 1, 2, 3… without gaps. It then walks the audit log's
// own chain (audit_log.h) the same way.
// `blankett audit list [--limit N] [--data ./data]`: the latest audit log entries.
// Docs: docs/audit.md.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "blankett/error.h"

namespace blankett {

// What `blankett audit --help` prints (main.cc).
extern const char kAuditUsage[];

struct AuditReport {
  long long rows = 0;
  std::string head_receipt_sha256;  // compare with a copy kept elsewhere to detect truncation
  Errors problems;                  // pointer "/submissions/<seq>", code audit.*
  // The audit log (audit_log.h): every entry's hash and link, seq without gaps.
  long long audit_entries = 0;
  std::string audit_head_sha256;    // entry_sha256 of the newest entry; 64 zeros when empty
  Errors audit_log_problems;        // pointer "/audit_log/<seq>", code audit.log_broken
};

// Reads <data_dir>/blankett.db and <data_dir>/keys/*.pub; never writes. A database from
// before the audit log (schema version 1) has no entries to check.
Result<AuditReport> audit_chain(const std::string& data_dir);

// The command: `verify` exits 0 when both chains are intact, 1 with the problems; `list`
// exits 0, or 1 when the database cannot be read; both exit 2 on usage errors.
int audit_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace blankett
