// Cases: pagination, filters and search, status changes with their history and audit
// entries, the export stream, the integration cursor and the statistics.
#include "case_store.h"

#include <algorithm>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "audit_log.h"
#include "blankett/submission.h"
#include "store_testing.h"

namespace blankett {
namespace {

using nlohmann::json;

struct NewCase {
  std::string form_id = "skolskjuts";
  std::string name;
  std::string number;  // "YYYYMMDD-NNNN"
  std::string received_at = "2026-08-10T09:00:00.000Z";
  std::string draft_started_at;
};

class CaseStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<Store>(must_open_store(dir_.file("blankett.db")));
    for (const char* id : {"skolskjuts", "kulturskola", "bygglov"}) {
      const std::string definition = std::string(R"({"id":")") + id + "\"}";
      versions_[id] = sha256_of(definition);
      ASSERT_TRUE(put_form_version(*store_, FormVersion{id, versions_[id], definition, ""}).ok());
    }
    add_user(7, "Karin Handläggare");
    add_user(8, "Olle Handläggare");
  }

  void add_user(int64_t id, const std::string& name) {
    Result<sql::Statement> s = sql::prepare(store_->db.get(),
        "INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (?1, ?2, ?3, 'x', '2026-01-01')");
    ASSERT_TRUE(s.ok());
    sql::bind_int64(s.value(), 1, id);
    sql::bind_text(s.value(), 2, "user" + std::to_string(id));
    sql::bind_text(s.value(), 3, name);
    ASSERT_TRUE(sql::run(s.value()).ok());
  }

  // Appends a submission and its case as the writer does (insert_submission).
  int64_t add_case(const NewCase& c) {
    const ChainHead head = chain_head(*store_).value();
    StoredSubmission row;
    row.seq = head.seq + 1;
    row.reference = (c.form_id == "skolskjuts" ? "SKOL" : c.form_id == "kulturskola" ? "KULT" : "BYGG") + std::string("-2026-") +
                    std::to_string(1000000 + row.seq).substr(1);
    row.form_id = c.form_id;
    row.version = versions_[c.form_id];
    row.idempotency_key = "key-" + std::to_string(row.seq);
    row.canonical = R"({"answers":{"n":)" + std::to_string(row.seq) + "}}";
    row.submission_sha256 = sha256_of(row.canonical);
    row.received_at = c.received_at;
    row.receipt = R"({"sequence":)" + std::to_string(row.seq) + "}";
    row.receipt_sha256 = sha256_of(row.receipt);
    row.previous_receipt_sha256 = head.receipt_sha256;
    CaseIntake intake;
    intake.applicant_name = c.name;
    intake.applicant_number = c.number;
    intake.draft_started_at = c.draft_started_at;
    Result<bool> done = insert_submission(*store_, row, {}, intake);
    EXPECT_TRUE(done.ok()) << (done.ok() ? "" : to_string(done.errors().front()));
    return row.seq;
  }

  // Many cases in one transaction: 1,000 commits with synchronous=FULL would take a while.
  std::vector<int64_t> add_cases(int n, const std::function<NewCase(int)>& make) {
    Result<sql::Transaction> txn = sql::Transaction::begin(store_->db.get());
    EXPECT_TRUE(txn.ok());
    std::vector<int64_t> seqs;
    for (int i = 0; i < n; ++i) seqs.push_back(add_case(make(i)));
    EXPECT_TRUE(txn.value().commit().ok());
    return seqs;
  }

  std::vector<int64_t> seqs_of(const CaseFilter& f, int limit = 500) {
    Result<CasePage> page = list_cases(*store_, f, 0, limit);
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : to_string(page.errors().front()));
    std::vector<int64_t> out;
    if (page.ok()) for (const CaseSummary& c : page.value().cases) out.push_back(c.seq);
    return out;
  }

  std::vector<int64_t> search(const std::string& query, std::vector<std::string> forms = {"skolskjuts", "kulturskola", "bygglov"}) {
    CaseFilter f;
    f.form_ids = std::move(forms);
    f.search = query;
    return seqs_of(f);
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::map<std::string, std::string> versions_;
};

CaseFilter forms(std::vector<std::string> ids) {
  CaseFilter f;
  f.form_ids = std::move(ids);
  return f;
}

TEST(CaseSearchTerms, AreLowerCasedNameWordsBothNumberFormsAndTheReference) {
  EXPECT_EQ(case_search_terms("SKOL-2026-000001", "Åsa Öberg-Ärlig", "19811218-9875"),
            (std::vector<std::string>{"198112189875", "8112189875", "skol-2026-000001", "ärlig", "åsa", "öberg"}));
  EXPECT_EQ(case_search_terms("R-1", "  ÉMILE  ÜBEL ØSTERGAARD ÆBLE anna ANNA ", ""),
            (std::vector<std::string>{"anna", "r-1", "æble", "émile", "østergaard", "übel"}));
  EXPECT_EQ(case_search_terms("", "", "811218-9875"), (std::vector<std::string>{"8112189875"}));
  EXPECT_TRUE(case_search_terms("", "", "").empty());
}

TEST(CaseStatuses, NamesParseAndTransitions) {
  using S = CaseStatus;
  for (S s : {S::new_case, S::in_progress, S::awaiting_completion, S::decided, S::closed}) {
    EXPECT_EQ(parse_case_status(case_status_name(s)), s);
  }
  EXPECT_STREQ(case_status_name(S::new_case), "new");
  EXPECT_FALSE(parse_case_status("open").has_value());
  const std::set<std::pair<S, S>> allowed = {
      {S::new_case, S::in_progress},         {S::in_progress, S::awaiting_completion}, {S::in_progress, S::decided},
      {S::awaiting_completion, S::in_progress}, {S::awaiting_completion, S::decided},  {S::decided, S::closed},
      {S::decided, S::in_progress}};
  for (S from : {S::new_case, S::in_progress, S::awaiting_completion, S::decided, S::closed}) {
    for (S to : {S::new_case, S::in_progress, S::awaiting_completion, S::decided, S::closed}) {
      EXPECT_EQ(case_transition_allowed(from, to), allowed.count({from, to}) == 1)
          << case_status_name(from) << " → " << case_status_name(to);
    }
  }
}

TEST_F(CaseStoreTest, PaginationReturnsEveryCaseOnceNewestFirst) {
  const char* form_of[] = {"skolskjuts", "kulturskola", "bygglov"};
  const std::vector<int64_t> all = add_cases(1000, [&](int i) {
    NewCase c;
    c.form_id = form_of[i % 3];
    return c;
  });
  std::vector<int64_t> expected;
  for (int64_t seq : all) {
    if ((seq - 1) % 3 != 2) expected.push_back(seq);  // skolskjuts and kulturskola
  }
  std::reverse(expected.begin(), expected.end());

  std::vector<int64_t> seen;
  int64_t before = 0;
  int pages = 0;
  const CaseFilter f = forms({"skolskjuts", "kulturskola"});
  do {
    Result<CasePage> page = list_cases(*store_, f, before, 37);
    ASSERT_TRUE(page.ok());
    ASSERT_LE(page.value().cases.size(), 37u);
    for (const CaseSummary& c : page.value().cases) seen.push_back(c.seq);
    before = page.value().next_before;
    ++pages;
  } while (before != 0 && pages < 100);
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(pages, static_cast<int>((expected.size() + 36) / 37));

  // A limit outside 1..500 is clamped; nobody's forms: no cases.
  EXPECT_EQ(seqs_of(f, 10000).size(), 500u);
  EXPECT_EQ(seqs_of(f, 0).size(), 1u);
  EXPECT_TRUE(seqs_of(forms({})).empty());
}

TEST_F(CaseStoreTest, ReadsOneCaseWithItsApplicant) {
  const int64_t seq = add_case({"kulturskola", "Åsa Öberg", "19811218-9875", "2026-08-10T09:00:00.000Z", ""});
  Result<std::optional<CaseSummary>> c = get_case(*store_, "KULT-2026-000001");
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.value().has_value());
  EXPECT_EQ(c.value()->seq, seq);
  EXPECT_EQ(c.value()->form_id, "kulturskola");
  EXPECT_EQ(c.value()->status, CaseStatus::new_case);
  EXPECT_EQ(c.value()->applicant_name, "Åsa Öberg");
  EXPECT_EQ(c.value()->applicant_number, "19811218-9875");
  EXPECT_EQ(c.value()->received_at, "2026-08-10T09:00:00.000Z");
  EXPECT_EQ(c.value()->updated_at, "2026-08-10T09:00:00.000Z");
  EXPECT_EQ(c.value()->assignee, 0);
  EXPECT_FALSE(get_case(*store_, "KULT-2026-999999").value().has_value());
}

TEST_F(CaseStoreTest, FiltersByFormStatusDateAndAssignee) {
  const int64_t a = add_case({"skolskjuts", "Anna Svensson", "", "2026-08-01T08:00:00.000Z", ""});
  const int64_t b = add_case({"skolskjuts", "Bo Ek", "", "2026-08-02T23:59:59.999Z", ""});
  const int64_t c = add_case({"kulturskola", "Cia Berg", "", "2026-08-03T00:00:00.000Z", ""});
  const int64_t d = add_case({"bygglov", "Dan Holm", "", "2026-08-04T12:00:00.000Z", ""});
  ASSERT_TRUE(change_case_status(*store_, b, CaseStatus::in_progress, 7, "").ok());
  ASSERT_TRUE(change_case_status(*store_, c, CaseStatus::in_progress, 7, "").ok());
  ASSERT_TRUE(assign_case(*store_, c, 8, 7).ok());
  ASSERT_TRUE(assign_case(*store_, a, 7, 7).ok());

  EXPECT_EQ(seqs_of(forms({"skolskjuts"})), (std::vector<int64_t>{b, a}));
  EXPECT_EQ(seqs_of(forms({"skolskjuts", "kulturskola", "bygglov"})), (std::vector<int64_t>{d, c, b, a}));

  CaseFilter f = forms({"skolskjuts", "kulturskola", "bygglov"});
  f.status = CaseStatus::in_progress;
  EXPECT_EQ(seqs_of(f), (std::vector<int64_t>{c, b}));
  f.status = CaseStatus::new_case;
  EXPECT_EQ(seqs_of(f), (std::vector<int64_t>{d, a}));

  f = forms({"skolskjuts", "kulturskola", "bygglov"});
  f.received_from = "2026-08-02";
  f.received_to = "2026-08-03";  // inclusive: the whole of the 3rd
  EXPECT_EQ(seqs_of(f), (std::vector<int64_t>{c, b}));
  f.received_from = "2026-08-04";
  f.received_to = "";
  EXPECT_EQ(seqs_of(f), (std::vector<int64_t>{d}));
  f.received_from = "2026-08-05";  // after every case
  EXPECT_TRUE(seqs_of(f).empty());
  f.received_from = "";
  f.received_to = "2026-07-31";  // before every case
  EXPECT_TRUE(seqs_of(f).empty());
  f.received_to = "2026-08-01";
  EXPECT_EQ(seqs_of(f), (std::vector<int64_t>{a}));
  f.search = "svensson";  // with a search too
  EXPECT_EQ(seqs_of(f), (std::vector<int64_t>{a}));
  f.received_from = "2026-08-02";
  f.received_to = "";
  EXPECT_TRUE(seqs_of(f).empty());
  f.search = "";
  f.received_from = "2026-02-30";
  Result<CasePage> bad = list_cases(*store_, f, 0, 10);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.errors().front().code, "case.bad_date");

  f = forms({"skolskjuts", "kulturskola", "bygglov"});
  f.assignee = 8;
  const std::vector<int64_t> olles = seqs_of(f);
  EXPECT_EQ(olles, (std::vector<int64_t>{c}));
  f.form_ids = {"skolskjuts"};  // Olle's case is not in the forms the caller may see
  EXPECT_TRUE(seqs_of(f).empty());

  Result<CasePage> page = list_cases(*store_, forms({"kulturskola"}), 0, 10);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page.value().cases[0].assignee, 8);
  EXPECT_EQ(page.value().cases[0].assignee_name, "Olle Handläggare");
  EXPECT_EQ(page.value().cases[0].status, CaseStatus::in_progress);
}

TEST_F(CaseStoreTest, SearchFindsReferencesNamesAndPersonalNumbers) {
  const int64_t asa = add_case({"skolskjuts", "Åsa Öberg-Lind", "19811218-9875", "2026-08-01T08:00:00.000Z", ""});
  const int64_t anna = add_case({"skolskjuts", "Anna Annasdotter Lindqvist", "20100101-1234", "2026-08-01T08:00:00.000Z", ""});
  const int64_t bo = add_case({"kulturskola", "Bo Lind", "20121212-1212", "2026-08-01T08:00:00.000Z", ""});
  add_case({"bygglov", "Erik Lind", "", "2026-08-01T08:00:00.000Z", ""});

  // References, whole or a prefix, in any case.
  EXPECT_EQ(search("SKOL-2026-000001"), (std::vector<int64_t>{asa}));
  EXPECT_EQ(search("kult-2026"), (std::vector<int64_t>{bo}));
  // Name words by prefix, Swedish letters in any case, each case once.
  EXPECT_EQ(search("ÅSA"), (std::vector<int64_t>{asa}));
  EXPECT_EQ(search("öb"), (std::vector<int64_t>{asa}));
  EXPECT_EQ(search("anna"), (std::vector<int64_t>{anna}));  // "anna" and "annasdotter": one row
  EXPECT_EQ(search("lind", {"skolskjuts", "kulturskola"}), (std::vector<int64_t>{bo, anna, asa}));
  // Every word must match.
  EXPECT_EQ(search("lind bo"), (std::vector<int64_t>{bo}));
  EXPECT_EQ(search("Åsa Lind"), (std::vector<int64_t>{asa}));
  EXPECT_EQ(search("Öberg-Lind"), (std::vector<int64_t>{asa}));
  EXPECT_TRUE(search("åsa bo").empty());
  // Personal numbers in the four ways people type them, and a date of birth.
  for (const char* pnr : {"19811218-9875", "198112189875", "811218-9875", "8112189875", "19811218"}) {
    EXPECT_EQ(search(pnr), (std::vector<int64_t>{asa})) << pnr;
  }
  // Only the forms the caller may see.
  EXPECT_TRUE(search("erik", {"skolskjuts", "kulturskola"}).empty());
  EXPECT_TRUE(search("nobody").empty());
  // Blank searches are no filter; punctuation is no SQL.
  EXPECT_EQ(search("   ").size(), 4u);
  EXPECT_TRUE(search("' OR 1=1 --").empty());
  EXPECT_TRUE(search("%").empty());

  // With the other filters and pages.
  ASSERT_TRUE(change_case_status(*store_, anna, CaseStatus::in_progress, 7, "").ok());
  CaseFilter f = forms({"skolskjuts", "kulturskola"});
  f.search = "lind";
  f.status = CaseStatus::new_case;
  EXPECT_EQ(seqs_of(f), (std::vector<int64_t>{bo, asa}));
  f.status.reset();
  Result<CasePage> first = list_cases(*store_, f, 0, 2);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.value().cases.size(), 2u);
  EXPECT_EQ(first.value().next_before, anna);
  Result<CasePage> second = list_cases(*store_, f, first.value().next_before, 2);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second.value().cases.size(), 1u);
  EXPECT_EQ(second.value().cases[0].seq, asa);
  EXPECT_EQ(second.value().next_before, 0);
}

TEST_F(CaseStoreTest, SearchByAPrefixOfManyWordsStillFindsEachCaseOnce) {
  // 20 different surnames that start with "z": more terms than a word is looked up by, so
  // "z" is matched on the cases' rows instead.
  std::vector<int64_t> all = add_cases(20, [](int i) {
    NewCase c;
    c.name = "Zelda Z" + std::string(1, static_cast<char>('a' + i)) + "berg";
    return c;
  });
  std::reverse(all.begin(), all.end());
  add_case({"skolskjuts", "Anna Svensson", "", "2026-08-10T09:00:00.000Z", ""});
  EXPECT_EQ(search("z"), all);         // "zelda" and "zaberg" both match: still one row each
  EXPECT_EQ(search("z zelda"), all);   // the rare word drives, "z" is checked on its rows
  EXPECT_EQ(search("zelda z"), all);
  EXPECT_EQ(search("z zc"), (std::vector<int64_t>{all[17]}));
  EXPECT_TRUE(search("z anna").empty());
  // Ten references start with this: ten walks, merged newest first.
  EXPECT_EQ(search("skol-2026-00001"), std::vector<int64_t>(all.begin() + 1, all.begin() + 11));
  CaseFilter f = forms({"skolskjuts"});
  f.search = "z";
  std::vector<int64_t> paged;
  int64_t before = 0;
  do {
    CasePage page = list_cases(*store_, f, before, 7).value();
    for (const CaseSummary& c : page.cases) paged.push_back(c.seq);
    before = page.next_before;
  } while (before != 0);
  EXPECT_EQ(paged, all);
}

TEST_F(CaseStoreTest, StatusChangesFollowTheRulesAndAreRecorded) {
  const int64_t seq = add_case({"skolskjuts", "Åsa Öberg", "19811218-9875", "2026-08-10T09:00:00.000Z", ""});
  Result<CaseSummary> refused = change_case_status(*store_, seq, CaseStatus::decided, 7, "");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.errors().front().code, "case.bad_transition");

  Result<CaseSummary> started = change_case_status(*store_, seq, CaseStatus::in_progress, 7, "2026-08-10T09:00:00.000Z");
  ASSERT_TRUE(started.ok()) << to_string(started.errors().front());
  EXPECT_EQ(started.value().status, CaseStatus::in_progress);
  EXPECT_GT(started.value().updated_at, "2026-08-10T09:00:00.000Z");

  // Someone else changed the case since this caller read it.
  Result<CaseSummary> stale = change_case_status(*store_, seq, CaseStatus::decided, 8, "2026-08-10T09:00:00.000Z");
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.errors().front().code, "case.stale");

  // Two changes in a row always move updated_at, so the stale check can tell them apart.
  Result<CaseSummary> waiting = change_case_status(*store_, seq, CaseStatus::awaiting_completion, 8, started.value().updated_at);
  ASSERT_TRUE(waiting.ok());
  Result<CaseSummary> back = change_case_status(*store_, seq, CaseStatus::in_progress, 8, waiting.value().updated_at);
  ASSERT_TRUE(back.ok());
  EXPECT_GT(back.value().updated_at, waiting.value().updated_at);

  Result<CaseSummary> missing = change_case_status(*store_, 999, CaseStatus::in_progress, 7, "");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.errors().front().code, "case.not_found");

  ASSERT_TRUE(add_case_note(*store_, seq, "Ringde vårdnadshavaren, 0701234567", 7).ok());
  EXPECT_EQ(add_case_note(*store_, seq, "  \n ", 7).errors().front().code, "case.bad_note");
  EXPECT_EQ(add_case_note(*store_, seq, std::string(10001, 'x'), 7).errors().front().code, "case.bad_note");
  std::string ten_thousand_letters;
  for (int i = 0; i < 10000; ++i) ten_thousand_letters += "ö";  // characters, not bytes
  EXPECT_TRUE(add_case_note(*store_, seq, ten_thousand_letters, 7).ok());
  ASSERT_TRUE(assign_case(*store_, seq, 8, 7).ok());
  EXPECT_EQ(assign_case(*store_, seq, 99, 7).errors().front().code, "case.bad_assignee");
  Result<CaseSummary> unassigned = assign_case(*store_, seq, 0, 8);
  ASSERT_TRUE(unassigned.ok());
  EXPECT_EQ(unassigned.value().assignee, 0);

  // The history, oldest first, with display names.
  Result<std::vector<CaseEvent>> history = case_history(*store_, seq);
  ASSERT_TRUE(history.ok());
  std::vector<std::string> kinds;
  for (const CaseEvent& e : history.value()) kinds.push_back(e.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"status", "status", "status", "note", "note", "assign", "assign"}));
  EXPECT_EQ(history.value()[0].user_name, "Karin Handläggare");
  EXPECT_EQ(history.value()[0].detail, (json{{"from", "new"}, {"to", "in_progress"}}));
  EXPECT_EQ(history.value()[1].user_id, 8);
  EXPECT_EQ(history.value()[3].detail, (json{{"text", "Ringde vårdnadshavaren, 0701234567"}}));
  EXPECT_EQ(history.value()[5].detail, (json{{"from", nullptr}, {"to", 8}}));
  EXPECT_EQ(history.value()[6].detail, (json{{"from", 8}, {"to", nullptr}}));

  // Each change has its audit entry; a note's text never reaches the audit log.
  Result<std::vector<AuditEntry>> audit = list_audit(*store_, 0, 100);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit.value().size(), 7u);
  const AuditEntry& first = audit.value().back();
  EXPECT_EQ(first.actor, "user:7");
  EXPECT_EQ(first.action, "case.status");
  EXPECT_EQ(first.target, "case:SKOL-2026-000001");
  EXPECT_EQ(first.detail, (json{{"from", "new"}, {"to", "in_progress"}}));
  for (const AuditEntry& e : audit.value()) {
    EXPECT_EQ(e.detail.dump().find("0701234567"), std::string::npos);
    EXPECT_EQ(e.detail.dump().find("Åsa"), std::string::npos);
  }
  EXPECT_EQ(audit.value()[3].action, "case.note");
  EXPECT_TRUE(verify_audit_chain(*store_).value().empty());
}

TEST_F(CaseStoreTest, AFailedChangeLeavesNoTrace) {
  const int64_t seq = add_case({"skolskjuts", "Bo Ek", "", "2026-08-10T09:00:00.000Z", ""});
  ASSERT_FALSE(change_case_status(*store_, seq, CaseStatus::closed, 7, "").ok());
  ASSERT_FALSE(assign_case(*store_, seq, 99, 7).ok());
  EXPECT_TRUE(case_history(*store_, seq).value().empty());
  EXPECT_TRUE(list_audit(*store_, 0, 10).value().empty());
  EXPECT_EQ(get_case(*store_, "SKOL-2026-000001").value()->updated_at, "2026-08-10T09:00:00.000Z");
}

TEST_F(CaseStoreTest, ExportStreamsEveryMatchingCaseWithItsSubmission) {
  const char* form_of[] = {"skolskjuts", "kulturskola", "bygglov"};
  add_cases(2500, [&](int i) {
    NewCase c;
    c.form_id = form_of[i % 3];
    c.name = i % 2 ? "Anna Lind" : "Bo Ek";
    return c;
  });
  CaseFilter f = forms({"skolskjuts", "bygglov"});
  std::vector<int64_t> seen;
  bool canonical_ok = true;
  Result<int64_t> n = for_each_case(*store_, f, [&](const CaseSummary& c, const CaseAnswers& answers) {
    seen.push_back(c.seq);
    canonical_ok = canonical_ok && answers.canonical == R"({"answers":{"n":)" + std::to_string(c.seq) + "}}";
    canonical_ok = canonical_ok && answers.version == 1 && answers.seq == c.seq && answers.reference == c.reference;
    return true;
  });
  ASSERT_TRUE(n.ok());
  std::vector<int64_t> expected;
  for (int64_t seq = 2500; seq >= 1; --seq) {
    if ((seq - 1) % 3 != 1) expected.push_back(seq);
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(n.value(), static_cast<int64_t>(expected.size()));
  EXPECT_TRUE(canonical_ok);

  // With a search, across pages; and stopping early.
  f.search = "anna";
  int64_t annas = 0;
  ASSERT_TRUE(for_each_case(*store_, f, [&](const CaseSummary& c, const CaseAnswers&) {
                EXPECT_EQ(c.applicant_name, "Anna Lind");
                ++annas;
                return true;
              }).ok());
  EXPECT_EQ(annas, static_cast<int64_t>(std::count_if(expected.begin(), expected.end(), [](int64_t s) { return s % 2 == 0; })));
  // Stopping: in the first page, and in a later one.
  f.search = "";
  for (int64_t stop_at : {int64_t{1}, int64_t{1500}}) {
    int64_t calls = 0;
    Result<int64_t> visited = for_each_case(*store_, f, [&](const CaseSummary&, const CaseAnswers&) { return ++calls < stop_at; });
    ASSERT_TRUE(visited.ok());
    EXPECT_EQ(visited.value(), stop_at);
    EXPECT_EQ(calls, stop_at);
  }
}

TEST_F(CaseStoreTest, CasesAfterIsTheIntegrationCursor) {
  add_cases(10, [](int i) {
    NewCase c;
    c.form_id = i % 2 ? "kulturskola" : "skolskjuts";
    return c;
  });
  Result<std::vector<FeedCase>> first = cases_after(*store_, "skolskjuts", 0, 3);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first.value().size(), 3u);
  EXPECT_EQ(first.value()[0].summary.seq, 1);
  EXPECT_EQ(first.value()[0].position, 1) << "a case without later versions is at its own seq";
  EXPECT_EQ(first.value()[2].summary.seq, 5);
  Result<std::vector<FeedCase>> rest = cases_after(*store_, "skolskjuts", 5, 100);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest.value().size(), 2u);
  EXPECT_EQ(rest.value()[0].summary.seq, 7);
  EXPECT_EQ(rest.value()[1].summary.seq, 9);
  EXPECT_TRUE(cases_after(*store_, "skolskjuts", 9, 100).value().empty());
}

TEST_F(CaseStoreTest, StatisticsCountIsoWeeksRejectionsAndTheMedianFillTime) {
  // 2026-08-15 is a Saturday in ISO week 33; 2026-01-01 is a Thursday in week 1 of 2026,
  // and 2025-12-29 (Monday) starts that week.
  add_case({"skolskjuts", "", "", "2026-08-10T09:00:00.000Z", "2026-08-10T08:50:00.000Z"});  // W33, 600 s
  add_case({"skolskjuts", "", "", "2026-08-15T23:00:00.000Z", "2026-08-15T22:40:00Z"});      // W33, 1200 s
  add_case({"skolskjuts", "", "", "2026-08-09T09:00:00.000Z", "2026-08-09T08:59:00.000Z"});  // W32, 60 s
  add_case({"skolskjuts", "", "", "2026-08-03T09:00:00.000Z", "2026-08-03T10:00:00.000Z"});  // W32, draft after: ignored
  add_case({"skolskjuts", "", "", "2026-07-01T09:00:00.000Z", "2026-07-01T08:00:00.000Z"});  // before the weeks asked
  add_case({"kulturskola", "", "", "2026-08-10T09:00:00.000Z", "2026-08-10T07:00:00.000Z"});  // another form
  ASSERT_TRUE(count_rejection(*store_, "skolskjuts", "2026-08-11").ok());
  ASSERT_TRUE(count_rejection(*store_, "skolskjuts", "2026-08-11").ok());
  ASSERT_TRUE(count_rejection(*store_, "skolskjuts", "2026-07-28").ok());  // W31
  ASSERT_TRUE(count_rejection(*store_, "kulturskola", "2026-08-11").ok());
  EXPECT_EQ(count_rejection(*store_, "skolskjuts", "yesterday").errors().front().code, "case.bad_date");

  Result<FormStats> stats = form_stats(*store_, "skolskjuts", 3, "2026-08-15");
  ASSERT_TRUE(stats.ok()) << to_string(stats.errors().front());
  const FormStats& s = stats.value();
  ASSERT_EQ(s.weeks.size(), 3u);
  EXPECT_EQ(s.weeks[0].week, "2026-W31");
  EXPECT_EQ(s.weeks[1].week, "2026-W32");
  EXPECT_EQ(s.weeks[2].week, "2026-W33");
  EXPECT_EQ(s.weeks[0].submissions, 0);
  EXPECT_EQ(s.weeks[0].rejections, 1);
  EXPECT_EQ(s.weeks[1].submissions, 2);
  EXPECT_EQ(s.weeks[2].submissions, 2);
  EXPECT_EQ(s.weeks[2].rejections, 2);
  EXPECT_EQ(s.submissions, 4);
  EXPECT_EQ(s.rejections, 3);
  EXPECT_DOUBLE_EQ(s.rejected_share, 3.0 / 7.0);
  ASSERT_TRUE(s.median_fill_seconds.has_value());
  EXPECT_NEAR(*s.median_fill_seconds, 600, 0.01);

  Result<FormStats> new_year = form_stats(*store_, "skolskjuts", 2, "2026-01-01");
  ASSERT_TRUE(new_year.ok());
  EXPECT_EQ(new_year.value().weeks[0].week, "2025-W52");
  EXPECT_EQ(new_year.value().weeks[1].week, "2026-W01");
  EXPECT_FALSE(new_year.value().median_fill_seconds.has_value());
  EXPECT_EQ(form_stats(*store_, "skolskjuts", 2, "2021-01-03").value().weeks[1].week, "2020-W53");
  EXPECT_EQ(form_stats(*store_, "skolskjuts", 3, "15/8").errors().front().code, "case.bad_date");
}

}  // namespace
}  // namespace blankett
