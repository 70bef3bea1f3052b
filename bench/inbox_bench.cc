// Inbox benchmark: the caseworkers' lists on a database of 1,000,000 cases over 20 forms.
// Measures, in-process through case_store.h: the first page of the inbox (50 cases of a
// caseworker's 5 forms, no filter), a filtered search (status + date range + a name
// word), and streaming 100,000 cases through for_each_case into CSV lines. Prints one
// JSON object: medians of several runs.
//
// The database is made once (build/bench-data/inbox.db, or --db PATH) and reused while
// it holds the expected number of cases. It is written directly with prepared statements
// in large transactions: real submission bytes, real SHA-256 chain values (the schema's
// trigger checks the chain), real case rows and search terms; the receipts are UNSIGNED
// stand-ins (signing a million receipts would only measure Ed25519), which is why the
// output says "receipts": "unsigned". Never run `blankett audit verify` on it.
//
// Run: scripts/bench inbox   (or build/bench/inbox_bench [--db PATH] [--cases N])
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/submission.h"
#include "case_store.h"
#include "store.h"

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;
using namespace blankett;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

[[noreturn]] void die(const std::string& what, const Errors& errors) {
  std::cerr << "inbox_bench: " << what << ": " << (errors.empty() ? "" : to_string(errors.front())) << "\n";
  std::exit(1);
}

template <typename T>
T must(Result<T> r, const std::string& what) {
  if (!r.ok()) die(what, r.errors());
  return std::move(r).value();
}

// --- The generated municipality ------------------------------------------------------------

// 20 e-services, from busy to rare (weights roughly Zipf-like, as real traffic is).
const char* const kForms[20] = {
    "ekonomiskt-bistand", "skolskjuts",         "felanmalan",       "kulturskola",     "forskoleplats",
    "bygglov",            "fardtjanst",         "parkeringstillstand", "synpunkt",      "arbetsgivarintyg",
    "hemtjanst",          "bostadsanpassning",  "skolval",          "modersmal",       "ledighetsansokan",
    "avfallsabonnemang",  "serveringstillstand", "livsmedelsregistrering", "dodsbo",   "torghandel"};
// A caseworker of social services and schools: two busy forms, two middling, one rare.
const std::vector<std::string> kCaseworkerForms = {"ekonomiskt-bistand", "kulturskola", "bygglov", "hemtjanst", "dodsbo"};

const char* const kFirstNames[] = {
    "Anna", "Eva", "Maria", "Karin", "Sara", "Kristina", "Lena", "Emma", "Kerstin", "Ingrid", "Marie", "Malin",
    "Linnéa", "Åsa", "Elin", "Ida", "Sofia", "Julia", "Hanna", "Ebba", "Alice", "Maja", "Elsa", "Astrid",
    "Lars", "Mikael", "Anders", "Johan", "Erik", "Per", "Karl", "Peter", "Thomas", "Jan", "Daniel", "Fredrik",
    "Hans", "Andreas", "Stefan", "Mohammed", "Ali", "Oskar", "Lucas", "William", "Liam", "Noah", "Hugo", "Björn",
    "Göran", "Örjan", "Ahmed", "Fatima", "Yusuf", "Amira", "Zeynep", "Nils", "Olle", "Sven", "Gustav", "Axel"};
const char* const kSurnames[] = {
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
    "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Jönsson", "Lindberg", "Jakobsson",
    "Magnusson", "Lindström", "Olofsson", "Lindqvist", "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg",
    "Lind", "Lundgren", "Lundqvist", "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg",
    "Sjöberg", "Wallin", "Ali", "Engström", "Mohamed", "Eklund", "Danielsson", "Lundin", "Håkansson", "Björk",
    "Bergman", "Gunnarsson", "Holm", "Wikström", "Samuelsson", "Isaksson", "Fransson", "Bergqvist", "Nyström",
    "Holmberg", "Arvidsson", "Löfgren", "Söderberg", "Nyberg", "Öberg", "Åberg", "Hassan", "Yilmaz"};

constexpr int kCaseworkers = 40;

// The Luhn check digit of a Swedish personal identity number's first nine digits.
char luhn_digit(const std::string& nine) {
  int sum = 0;
  for (size_t i = 0; i < nine.size(); ++i) {
    int d = (nine[i] - '0') * (i % 2 == 0 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

std::string two(int n) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", n);
  return buf;
}

// "YYYY-MM-DDTHH:MM:SS.sssZ" for seconds since the epoch (UTC).
std::string timestamp(int64_t seconds) {
  const time_t t = static_cast<time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return buf;
}

struct Person {
  std::string name, number;
};

Person random_person(std::mt19937_64& rng) {
  auto pick = [&](const auto& list) { return list[rng() % (sizeof(list) / sizeof(list[0]))]; };
  Person p;
  p.name = std::string(pick(kFirstNames));
  if (rng() % 5 == 0) p.name += std::string(rng() % 2 ? " " : "-") + pick(kFirstNames);
  p.name += std::string(" ") + pick(kSurnames);
  const int year = 1935 + static_cast<int>(rng() % 85), month = 1 + static_cast<int>(rng() % 12), day = 1 + static_cast<int>(rng() % 28);
  const std::string birth = std::to_string(year) + two(month) + two(day);
  const std::string serial = std::to_string(100 + rng() % 900);
  const std::string nine = birth.substr(2) + serial;
  p.number = birth + "-" + serial + luhn_digit(nine);
  return p;
}

// Old cases are mostly closed; recent ones spread over the working statuses.
const char* random_status(std::mt19937_64& rng, int64_t age_days) {
  const unsigned r = static_cast<unsigned>(rng() % 100);
  if (age_days > 120) return r < 90 ? "closed" : r < 98 ? "decided" : "awaiting_completion";
  if (age_days > 30) return r < 40 ? "closed" : r < 70 ? "decided" : r < 85 ? "in_progress" : "awaiting_completion";
  return r < 35 ? "new" : r < 75 ? "in_progress" : r < 90 ? "awaiting_completion" : "decided";
}

void exec(Store& store, const char* sql) { must(sql::exec(store.db.get(), sql), sql); }

int64_t count_cases(Store& store) {
  sql::Statement s = must(sql::prepare(store.db.get(), "SELECT COUNT(*) FROM cases"), "count");
  must(sql::step(s), "count");
  return sql::column_int64(s, 0);
}

void generate(Store& store, int64_t cases) {
  std::mt19937_64 rng(20260815);
  exec(store, "PRAGMA synchronous = OFF");  // a benchmark fixture: durability is not measured here
  exec(store, "PRAGMA cache_size = -524288");

  // Form versions and caseworkers (the assignees).
  std::vector<std::string> versions;
  for (const char* id : kForms) {
    const std::string definition = json{{"id", id}, {"title", {{"sv", id}}}, {"fields", json::array()}}.dump();
    versions.push_back(sha256_of(definition));
    must(put_form_version(store, FormVersion{id, versions.back(), definition, "2023-01-01T00:00:00.000Z"}), "form");
  }
  {
    sql::Transaction txn = must(sql::Transaction::begin(store.db.get()), "begin");
    sql::Statement user = must(sql::prepare(store.db.get(),
        "INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (?1, ?2, ?3, '-', '2023-01-01')"), "user");
    for (int i = 1; i <= kCaseworkers; ++i) {
      sql::reset(user);
      const Person p = random_person(rng);
      sql::bind_int64(user, 1, i);
      sql::bind_text(user, 2, "handlaggare" + std::to_string(i));
      sql::bind_text(user, 3, p.name);
      must(sql::run(user), "user");
    }
    must(txn.commit(), "commit");
  }

  // Zipf-like weights over the forms.
  std::vector<double> cumulative;
  double total = 0;
  for (int i = 0; i < 20; ++i) cumulative.push_back(total += 1.0 / (i + 1.5));

  sqlite3* db = store.db.get();
  sql::Statement sub = must(sql::prepare(db,
      "INSERT INTO submissions (seq, reference, form_id, version, idempotency_key, canonical, submission_sha256, received_at, "
      "receipt, receipt_sha256, previous_receipt_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"), "prepare");
  sql::Statement cas = must(sql::prepare(db,
      "INSERT INTO cases (seq, form_id, reference, received_at, status, assignee, applicant_name, applicant_number, "
      "draft_started_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"), "prepare");
  sql::Statement term = must(sql::prepare(db, "INSERT OR IGNORE INTO case_terms (term, seq) VALUES (?1, ?2)"), "prepare");

  // Three years of cases up to 2026-08-15, received_at rising with seq as the writer's are.
  const int64_t end = 1786795200;  // 2026-08-15T12:00:00Z
  const int64_t start = end - 3 * 365 * 86400;
  std::string previous = kNoPreviousReceipt;
  const auto began = Clock::now();
  constexpr int64_t kBatch = 50000;
  for (int64_t first = 1; first <= cases; first += kBatch) {
    sql::Transaction txn = must(sql::Transaction::begin(db), "begin");
    for (int64_t seq = first; seq < first + kBatch && seq <= cases; ++seq) {
      const double u = std::uniform_real_distribution<double>(0, total)(rng);
      const size_t f = static_cast<size_t>(std::lower_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin());
      const int64_t received = start + (end - start) * seq / cases;
      const std::string received_at = timestamp(received);
      const std::string year = received_at.substr(0, 4);
      std::string prefix = kForms[f];
      prefix = prefix.substr(0, 4);
      for (char& c : prefix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      const std::string reference = prefix + "-" + year + "-" + std::to_string(1000000 + seq).substr(1);
      const Person p = random_person(rng);
      const json answers = {{"applicant", {{"name", p.name}, {"personal_number", p.number}}},
                            {"address", {{"street", "Storgatan " + std::to_string(1 + rng() % 80)}, {"postcode", "123 45"}, {"city", "Sundsvall"}}},
                            {"phone", "070-" + std::to_string(1000000 + rng() % 9000000)},
                            {"email", "person" + std::to_string(seq) + "@example.se"},
                            {"consent", true},
                            {"message", "Jag ansöker om " + std::string(kForms[f]) + ". Se bifogade uppgifter."}};
      // The shape of a real canonical submission (docs/receipts.md).
      const std::string canonical = json{{"answers", answers}, {"form", kForms[f]}, {"format", "blankett-submission/1"},
                                         {"version", versions[f]}}.dump();
      const std::string submission_sha = sha256_of(canonical);
      const std::string receipt = json{{"format", "blankett-receipt/1"}, {"form_id", kForms[f]}, {"form_version", versions[f]},
                                       {"key_id", "bench-unsigned"}, {"previous_receipt_sha256", previous},
                                       {"received_at", received_at}, {"reference", reference}, {"sequence", seq},
                                       {"signature", "unsigned"}, {"submission_sha256", submission_sha}}.dump();
      const std::string receipt_sha = sha256_of(receipt);

      sql::reset(sub);
      sql::bind_int64(sub, 1, seq);
      sql::bind_text(sub, 2, reference);
      sql::bind_text(sub, 3, kForms[f]);
      sql::bind_text(sub, 4, versions[f]);
      sql::bind_text(sub, 5, "bench-" + std::to_string(seq));
      sql::bind_blob(sub, 6, canonical);
      sql::bind_text(sub, 7, submission_sha);
      sql::bind_text(sub, 8, received_at);
      sql::bind_text(sub, 9, receipt);
      sql::bind_text(sub, 10, receipt_sha);
      sql::bind_text(sub, 11, previous);
      must(sql::run(sub), "submission " + std::to_string(seq));
      previous = receipt_sha;

      const int64_t age_days = (end - received) / 86400;
      const char* status = random_status(rng, age_days);
      sql::reset(cas);
      sql::bind_int64(cas, 1, seq);
      sql::bind_text(cas, 2, kForms[f]);
      sql::bind_text(cas, 3, reference);
      sql::bind_text(cas, 4, received_at);
      sql::bind_text(cas, 5, status);
      if (std::string(status) == "new") sql::bind_null(cas, 6);
      else sql::bind_int64(cas, 6, 1 + static_cast<int64_t>(rng() % kCaseworkers));
      sql::bind_text(cas, 7, p.name);
      sql::bind_text(cas, 8, p.number);
      if (rng() % 10 < 7) sql::bind_text(cas, 9, timestamp(received - 120 - static_cast<int64_t>(rng() % 2400)));
      else sql::bind_null(cas, 9);
      sql::bind_text(cas, 10, std::string(status) == "new" ? received_at : timestamp(received + 3600 + static_cast<int64_t>(rng() % 864000)));
      must(sql::run(cas), "case " + std::to_string(seq));
      for (const std::string& t : case_search_terms(reference, p.name, p.number)) {
        sql::reset(term);
        sql::bind_text(term, 1, t);
        sql::bind_int64(term, 2, seq);
        must(sql::run(term), "term");
      }
    }
    must(txn.commit(), "commit");
    std::cerr << "\rinbox_bench: generated " << std::min(first + kBatch - 1, cases) << " of " << cases << " cases ("
              << static_cast<int>(ms_since(began) / 1000) << " s)" << std::flush;
  }
  std::cerr << "\n";
  exec(store, "PRAGMA wal_checkpoint(TRUNCATE)");
  exec(store, "PRAGMA synchronous = FULL");
}

// One CSV line per case, quoted as RFC 4180 wants: the work a real export does per row.
void csv_cell(std::string& out, std::string_view cell) {
  out += '"';
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += "\",";
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = "build/bench-data/inbox.db";
  int64_t cases = 1000000;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--db" && i + 1 < argc) {
      path = argv[++i];
    } else if (a == "--cases" && i + 1 < argc) {
      cases = std::max<int64_t>(1000, std::stoll(argv[++i]));
    } else {
      std::cerr << "usage: inbox_bench [--db PATH] [--cases N]\n";
      return 2;
    }
  }
  std::filesystem::create_directories(std::filesystem::path(path).parent_path().empty() ? "." : std::filesystem::path(path).parent_path());

  bool reused = false;
  {
    std::unique_ptr<Store> existing;
    if (std::filesystem::exists(path)) {
      Result<Store> s = open_store(path);
      if (s.ok()) existing = std::make_unique<Store>(std::move(s).value());
      reused = existing && count_cases(*existing) == cases;
    }
    if (!reused) {
      existing.reset();
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
      Store store = must(open_store(path), "open " + path);
      generate(store, cases);
    }
  }
  Store store = must(open_store(path), "open " + path);
  sql::exec(store.db.get(), "PRAGMA cache_size = -262144");

  // 1. The inbox's first page: the newest 50 cases of the caseworker's 5 forms.
  CaseFilter inbox;
  inbox.form_ids = kCaseworkerForms;
  std::vector<double> first_page;
  for (int i = 0; i < 21; ++i) {
    const auto t = Clock::now();
    CasePage page = must(list_cases(store, inbox, 0, 50), "first page");
    first_page.push_back(ms_since(t));
    if (page.cases.size() != 50) die("first page has " + std::to_string(page.cases.size()) + " cases", {});
  }

  // 2. A filtered search: closed cases of the first half of 2025 with a surname.
  CaseFilter search = inbox;
  search.status = CaseStatus::closed;
  search.received_from = "2025-01-01";
  search.received_to = "2025-06-30";
  search.search = "johansson";
  std::vector<double> searches;
  size_t found = 0;
  for (int i = 0; i < 21; ++i) {
    const auto t = Clock::now();
    CasePage page = must(list_cases(store, search, 0, 50), "search");
    searches.push_back(ms_since(t));
    found = page.cases.size();
  }
  if (found == 0) die("the search found nothing", {});

  // Other shapes of the list, on stderr: what a caseworker also does, to catch a query
  // plan that only the three measured shapes would hide.
  auto timed = [&](const char* name, const CaseFilter& f, int64_t before) {
    std::vector<double> runs;
    size_t n = 0;
    for (int i = 0; i < 11; ++i) {
      const auto t = Clock::now();
      n = must(list_cases(store, f, before, 50), name).cases.size();
      runs.push_back(ms_since(t));
    }
    std::cerr << "inbox_bench: " << name << ": " << median(runs) << " ms (" << n << " cases)\n";
  };
  {
    CaseFilter f = inbox;
    f.status = CaseStatus::new_case;
    timed("status new", f, 0);
    f.status = CaseStatus::awaiting_completion;
    f.received_from = "2024-03-01";
    f.received_to = "2024-03-31";
    timed("status + one month two years ago", f, 0);
    f = inbox;
    f.received_from = "2024-01-01";
    timed("received since a date", f, 0);
    f = inbox;
    f.assignee = 17;
    timed("assigned to one caseworker", f, 0);
    f = inbox;
    f.search = "anna";
    timed("search a common first name, no filter", f, 0);
    f.search = "anna lind";
    timed("search two words", f, 0);
    f.search = "l";
    timed("search one letter", f, 0);
    f = inbox;
    f.search = must(list_cases(store, inbox, cases / 2, 1), "a case").cases.at(0).applicant_number;
    timed("search a personal number", f, 0);
    timed("a page deep in the list (seq < 500,000)", inbox, cases / 2);
  }

  // 3. Export: 100,000 cases as CSV lines into a sink that only counts.
  constexpr int64_t kExportRows = 100000;
  std::vector<double> rates;
  for (int run = 0; run < 5; ++run) {
    std::string line;
    size_t bytes = 0;
    int64_t rows = 0;
    const auto t = Clock::now();
    must(for_each_case(store, inbox, [&](const CaseSummary& c, const CaseAnswers& answers) {
           line.clear();
           csv_cell(line, c.reference);
           csv_cell(line, c.form_id);
           csv_cell(line, c.received_at);
           csv_cell(line, case_status_name(c.status));
           csv_cell(line, c.assignee_name);
           csv_cell(line, c.applicant_name);
           csv_cell(line, c.applicant_number);
           csv_cell(line, answers.canonical);
           line.back() = '\r';
           line += '\n';
           bytes += line.size();
           return ++rows < kExportRows;
         }), "export");
    const double seconds = ms_since(t) / 1000;
    if (rows != kExportRows || bytes == 0) die("the export stopped at " + std::to_string(rows) + " rows", {});
    rates.push_back(static_cast<double>(rows) / seconds);
  }

  const json result = {{"bench", "inbox"},
                       {"cases", cases},
                       {"first_page_ms", std::round(median(first_page) * 100) / 100},
                       {"search_ms", std::round(median(searches) * 100) / 100},
                       {"export_rows_per_s", std::round(median(rates))},
                       {"receipts", "unsigned"},
                       {"database", reused ? "reused" : "generated"}};
  std::cout << result.dump() << std::endl;
  return 0;
}
