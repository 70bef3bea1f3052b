// `blankett audit verify [--data ./data]`: walks the receipt chain in the database and
// reports every row that was changed, removed or reordered: each stored receipt must be
// signed by one of the server's keys, match its row, hash to the stored receipt hash,
// name the previous receipt's hash, and commit to the SHA-256 of the stored submission
// bytes; sequence numbers must run 1, 2, 3… without gaps.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "blankett/error.h"

namespace blankett {

struct AuditReport {
  long long rows = 0;
  std::string head_receipt_sha256;  // compare with a copy kept elsewhere to detect truncation
  Errors problems;                  // pointer "/submissions/<seq>", code audit.*
};

// Reads <data_dir>/blankett.db and <data_dir>/keys/*.pub; never writes.
Result<AuditReport> audit_chain(const std::string& data_dir);

// The command: exit 0 when the chain is intact, 1 with the problems, 2 on usage errors.
int audit_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace blankett
