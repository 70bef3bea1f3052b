#include "audit_command.h"

#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "audit_log.h"
#include "blankett/submission.h"
#include "files.h"
#include "receipt.h"
#include "signing_keys.h"
#include "sqlite_db.h"
#include "store.h"

namespace blankett {

const char kAuditUsage[] =
    "usage: blankett audit verify [--data DIR]\n"
    "       blankett audit list [--limit N] [--data DIR]\n";

namespace {

using nlohmann::json;

Result<std::vector<PublicKey>> read_public_keys(const std::string& keys_dir) {
  std::vector<PublicKey> keys;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(keys_dir, ec)) {
    if (entry.path().extension() != ".pub") continue;
    const std::optional<std::string> text = read_file(entry.path().string());
    const json j = text ? json::parse(*text, nullptr, false) : json();
    Result<std::vector<PublicKey>> parsed = parse_public_keys(j);
    if (!parsed.ok()) return parsed.errors();
    keys.insert(keys.end(), parsed.value().begin(), parsed.value().end());
  }
  if (keys.empty()) return Errors{Error{"audit.no_keys", "", 0, 0, "no public keys (*.pub) in " + keys_dir}};
  return keys;
}

// Whether the database has the audit log yet (schema version 2): a read-only audit
// cannot migrate an older database, and an older one has nothing to check.
Result<bool> has_audit_log(sqlite3* db) {
  Result<sql::Statement> s = sql::prepare(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'");
  if (!s.ok()) return s.errors();
  return sql::step(s.value());
}

// Checks the audit log's chain into `report`.
Result<bool> audit_log_chain(Store& store, AuditReport& report) {
  report.audit_head_sha256 = std::string(64, '0');
  Result<bool> present = has_audit_log(store.db.get());
  if (!present.ok() || !present.value()) return present;
  int64_t checked = 0;
  Result<std::vector<AuditProblem>> problems = verify_audit_chain(store, &checked);
  if (!problems.ok()) return problems.errors();
  report.audit_entries = checked;
  for (const AuditProblem& p : problems.value()) {
    report.audit_log_problems.push_back(Error{"audit.log_broken", "/audit_log/" + std::to_string(p.seq), 0, 0, p.message});
  }
  Result<std::vector<AuditEntry>> head = list_audit(store, 0, 1);
  if (!head.ok()) return head.errors();
  if (!head.value().empty()) report.audit_head_sha256 = head.value().front().entry_sha256;
  return true;
}

// The database, read-only, as a Store (no migration: an audit never writes).
Result<Store> open_read_only_store(const std::string& data_dir) {
  const std::string db_path = data_dir + "/blankett.db";
  if (!std::filesystem::exists(db_path)) return Errors{Error{"audit.no_database", "", 0, 0, "no database at " + db_path}};
  Result<sql::Db> db = sql::open_db_read_only(db_path);
  if (!db.ok()) return db.errors();
  Store store{std::move(db).value(), nullptr};
  store.statements = std::make_unique<sql::StatementCache>(store.db.get());
  return store;
}

const char* const kUsage = kAuditUsage;

int list_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string data_dir = "./data";
  long long limit = 50;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--data" && i + 1 < args.size()) {
      data_dir = args[++i];
    } else if (args[i] == "--limit" && i + 1 < args.size()) {
      const std::string& n = args[++i];
      limit = n.size() <= 6 && n.find_first_not_of("0123456789") == std::string::npos ? std::stoll(n) : 0;
      if (limit < 1) {
        err << "audit list: --limit takes a number from 1 to 999999\n";
        return 2;
      }
    } else {
      err << kUsage;
      return 2;
    }
  }
  Result<Store> store = open_read_only_store(data_dir);
  if (!store.ok()) {
    for (const Error& e : store.errors()) err << "audit: " << to_string(e) << "\n";
    return 1;
  }
  Result<bool> present = has_audit_log(store.value().db.get());
  if (present.ok() && !present.value()) {
    out << "audit: the database has no audit log yet (start `blankett serve` once to upgrade it)\n";
    return 0;
  }
  Result<std::vector<AuditEntry>> entries = list_audit(store.value(), 0, static_cast<int>(limit));
  if (!entries.ok()) {
    for (const Error& e : entries.errors()) err << "audit: " << to_string(e) << "\n";
    return 1;
  }
  // Newest first, one line each: seq, time, who, what, on what, details (ids and codes).
  for (const AuditEntry& e : entries.value()) {
    out << e.seq << "  " << e.at << "  " << e.actor << "  " << e.action << "  " << (e.target.empty() ? "-" : e.target)
        << "  " << e.detail.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
  }
  if (entries.value().empty()) out << "audit: the audit log is empty\n";
  return 0;
}

}  // namespace

Result<AuditReport> audit_chain(const std::string& data_dir) {
  Result<Store> store = open_read_only_store(data_dir);
  if (!store.ok()) return store.errors();
  Result<std::vector<PublicKey>> keys = read_public_keys(data_dir + "/keys");
  if (!keys.ok()) return keys.errors();
  Result<sql::Statement> stmt = sql::prepare(store.value().db.get(),
      "SELECT seq, reference, form_id, version, canonical, submission_sha256, received_at, receipt, receipt_sha256, "
      "previous_receipt_sha256 FROM submissions ORDER BY seq");
  if (!stmt.ok()) return stmt.errors();

  AuditReport report;
  std::string previous = kNoPreviousReceipt;
  long long expected_seq = 1;
  while (true) {
    Result<bool> row = sql::step(stmt.value());
    if (!row.ok()) return row.errors();
    if (!row.value()) break;
    const sql::Statement& s = stmt.value();
    const long long seq = sql::column_int64(s, 0);
    const std::string where = "/submissions/" + std::to_string(seq);
    const std::string reference = sql::column_text(s, 1);
    auto problem = [&](const std::string& code, const std::string& what) {
      report.problems.push_back(Error{code, where, 0, 0, (reference.empty() ? "" : reference + ": ") + what});
    };
    ++report.rows;
    if (seq != expected_seq) {
      problem("audit.gap", "expected submission " + std::to_string(expected_seq) + " here: rows were removed or renumbered");
    }
    expected_seq = seq + 1;
    const std::string canonical = sql::column_blob(s, 4);
    const std::string submission_sha256 = sql::column_text(s, 5);
    if (sha256_of(canonical) != submission_sha256) problem("audit.submission_changed", "the stored submission does not match its hash");
    const json receipt = json::parse(sql::column_text(s, 7), nullptr, false);
    if (receipt.is_discarded()) {
      problem("audit.receipt_changed", "the stored receipt is not JSON");
      previous = sql::column_text(s, 8);
      continue;
    }
    Result<bool> verified = verify_receipt(receipt, keys.value());
    if (!verified.ok()) problem("audit.bad_signature", "the receipt does not verify: " + verified.errors().front().message);
    const std::string receipt_hash = receipt_sha256(receipt);
    if (receipt_hash != sql::column_text(s, 8)) problem("audit.receipt_changed", "the stored receipt does not match its hash");
    if (receipt.value("submission_sha256", "") != submission_sha256 || receipt.value("reference", "") != reference ||
        receipt.value("form_id", "") != sql::column_text(s, 2) || receipt.value("form_version", "") != sql::column_text(s, 3) ||
        receipt.value("received_at", "") != sql::column_text(s, 6) || receipt.value("sequence", -1LL) != seq) {
      problem("audit.row_changed", "the row's columns differ from what its receipt signed");
    }
    if (receipt.value("previous_receipt_sha256", "") != previous || sql::column_text(s, 9) != previous) {
      problem("audit.chain_broken", "does not follow the previous receipt: rows were changed, removed or reordered before it");
    }
    previous = receipt_hash;
  }
  report.head_receipt_sha256 = previous;
  Result<bool> log = audit_log_chain(store.value(), report);
  if (!log.ok()) return log.errors();
  return report;
}

int audit_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string data_dir = "./data";
  if (!args.empty() && args[0] == "list") return list_command(args, out, err);
  if (args.empty() || args[0] != "verify") {
    err << kUsage;
    return 2;
  }
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--data" && i + 1 < args.size()) {
      data_dir = args[++i];
    } else {
      err << kUsage;
      return 2;
    }
  }
  Result<AuditReport> report = audit_chain(data_dir);
  if (!report.ok()) {
    for (const Error& e : report.errors()) err << "audit: " << to_string(e) << "\n";
    return 1;
  }
  const AuditReport& r = report.value();
  auto plural = [](size_t n) { return n == 1 ? "" : "s"; };
  for (const Error& e : r.problems) out << to_string(e) << "\n";
  if (!r.problems.empty()) {
    out << "audit: " << r.rows << " submissions, " << r.problems.size() << " problem" << plural(r.problems.size())
        << ": the chain is NOT intact\n";
  } else {
    out << "audit: " << r.rows << " submissions, chain intact, head " << r.head_receipt_sha256 << "\n";
  }
  for (const Error& e : r.audit_log_problems) out << to_string(e) << "\n";
  if (!r.audit_log_problems.empty()) {
    out << "audit: " << r.audit_entries << " audit log entries, " << r.audit_log_problems.size() << " problem"
        << plural(r.audit_log_problems.size()) << ": the audit log is NOT intact\n";
  } else {
    out << "audit: " << r.audit_entries << " audit log entries, chain intact, head " << r.audit_head_sha256 << "\n";
  }
  if (!r.problems.empty() || !r.audit_log_problems.empty()) return 1;
  out << "(compare the heads with copies kept outside this database to detect removed latest rows)\n";
  return 0;
}

}  // namespace blankett
