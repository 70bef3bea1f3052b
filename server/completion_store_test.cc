// Completion requests in the store: a request moves the case and queues its e-mail in
// one transaction; a reply written by the submission writer becomes the case's next
// version (numbered, chained to the receipt it amends), answers the request, resumes
// the case and queues the webhook; a second reply, a cancelled or an expired request
// fails that reply only.
#include "completion_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "audit_log.h"
#include "blankett/submission.h"
#include "case_store.h"
#include "clock.h"
#include "notifications.h"
#include "store_testing.h"
#include "submission_writer.h"
#include "webhooks.h"

namespace blankett {
namespace {

using nlohmann::json;

const std::string kDefinition = R"({"id":"bygglov","title":"Bygglov"})";
constexpr int64_t kCaseworker = 7;

std::string in_days(int days) { return format_utc_ms(parse_utc_ms(utc_now()).value() + int64_t{days} * 86400000); }

class CompletionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<Store>(must_open_store(dir_.file("blankett.db")));
    ASSERT_TRUE(put_form_version(*store_, FormVersion{"bygglov", sha256_of(kDefinition), kDefinition, ""}).ok());
    Result<sql::Statement> s = sql::prepare(store_->db.get(),
        "INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (?1, 'karin', 'Karin', 'x', '2026-01-01')");
    ASSERT_TRUE(s.ok());
    sql::bind_int64(s.value(), 1, kCaseworker);
    ASSERT_TRUE(sql::run(s.value()).ok());
    writer_ = std::make_unique<SubmissionWriter>(must_open_store(dir_.file("blankett.db")));
  }
  void TearDown() override { writer_.reset(); }

  // A new case through the writer, as the submissions API stores one.
  WriteResult add_case(const std::string& email = "sokande@example.se") {
    PendingSubmission p = pending("case-" + std::to_string(++keys_), R"({"answers":{"a":"första"}})");
    p.intake.applicant_email = email;
    const std::string reference = "BYGG-2026-" + std::to_string(100000 + keys_);
    p.make_receipt = [reference](const ChainPosition& at) -> Result<MadeReceipt> {
      const json receipt{{"reference", reference}, {"sequence", at.seq}, {"previous_receipt_sha256", at.previous_receipt_sha256}};
      return MadeReceipt{receipt.dump(), reference};
    };
    WriteResult r = writer_->submit(std::move(p)).get();
    EXPECT_EQ(r.status, WriteStatus::created) << (r.errors.empty() ? "" : to_string(r.errors.front()));
    return r;
  }

  PendingSubmission pending(const std::string& key, const std::string& canonical) {
    PendingSubmission p;
    p.form_id = "bygglov";
    p.version = sha256_of(kDefinition);
    p.idempotency_key = key;
    p.canonical = canonical;
    p.submission_sha256 = sha256_of(canonical);
    return p;
  }

  // A reply to `request` as the completion API writes one: the receipt names version
  // `version` of the case and the receipt it amends.
  PendingSubmission reply(const CompletionRequest& request, const std::string& case_reference, int version,
                          const std::string& amends, const std::string& answer) {
    PendingSubmission p = pending("reply-" + std::to_string(++keys_), R"({"answers":{"a":")" + answer + R"("}})");
    p.intake.amends = CaseAmendment{request.case_seq, request.id};
    const std::string reference = case_version_reference(case_reference, version);
    p.make_receipt = [reference, amends](const ChainPosition& at) -> Result<MadeReceipt> {
      const json receipt{{"reference", reference}, {"sequence", at.seq}, {"amends", amends}};
      return MadeReceipt{receipt.dump(), reference};
    };
    return p;
  }

  NewCompletionRequest new_request(int64_t case_seq, const std::string& expires_at = in_days(kCompletionDays)) {
    NewCompletionRequest r;
    r.case_seq = case_seq;
    r.fields = {"a", "documents"};
    r.labels = {"Svar A", "Bilagor"};
    r.message = "Skicka intyget från din läkare.";
    r.user_id = kCaseworker;
    r.token_sha256 = sha256_of("token-" + std::to_string(++keys_));
    r.expires_at = expires_at;
    r.link = "https://e-tjanst.kommun.se/complete/token-" + std::to_string(keys_);
    r.mail_subject = "Komplettera din ansökan";
    r.mail_body = "Öppna länken: " + r.link + "\n";
    return r;
  }

  CompletionRequest request(int64_t case_seq) {
    Result<CompletionRequest> made = create_completion_request(*store_, new_request(case_seq));
    EXPECT_TRUE(made.ok()) << (made.ok() ? "" : to_string(made.errors().front()));
    return made.ok() ? made.value() : CompletionRequest{};
  }

  CaseSummary case_of(const std::string& reference) { return *get_case(*store_, reference).value(); }

  std::string code_of(const Result<CompletionRequest>& r) { return r.ok() ? "ok" : r.errors().front().code; }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<SubmissionWriter> writer_;
  int keys_ = 0;
};

TEST_F(CompletionStoreTest, RequestMovesTheCaseRecordsItAndQueuesOnlyTheLink) {
  const WriteResult c = add_case();
  const CompletionRequest r = request(c.seq);
  EXPECT_EQ(r.state, "open");
  EXPECT_EQ(r.case_seq, c.seq);
  EXPECT_EQ(r.fields, (std::vector<std::string>{"a", "documents"}));
  EXPECT_EQ(r.message, "Skicka intyget från din läkare.");
  EXPECT_EQ(case_of(c.reference).status, CaseStatus::awaiting_completion);

  const std::vector<CaseEvent> events = case_history(*store_, c.seq).value();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, "status");
  EXPECT_EQ(events[0].detail, (json{{"from", "new"}, {"to", "awaiting_completion"}}));
  EXPECT_EQ(events[0].user_id, kCaseworker);
  EXPECT_EQ(events[1].kind, "completion_request");
  EXPECT_EQ(events[1].detail["message"], "Skicka intyget från din läkare.");
  EXPECT_EQ(events[1].detail["labels"], (json{"Svar A", "Bilagor"}));

  // The audit log has ids and field paths, never the message.
  const std::vector<AuditEntry> audit = list_audit(*store_, 0, 10).value();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "case.completion_request");
  EXPECT_EQ(audit[0].target, "case:" + c.reference);
  EXPECT_EQ(audit[0].detail["request"], r.id);
  EXPECT_EQ(audit[0].detail.dump().find("läkare"), std::string::npos);

  const std::vector<Notification> mail = list_notifications(*store_).value();
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].recipient, "sokande@example.se");
  EXPECT_EQ(mail[0].body.find("läkare"), std::string::npos);

  // Found by the token's hash only.
  EXPECT_EQ(find_completion_request(*store_, r.token_sha256).value()->id, r.id);
  EXPECT_FALSE(find_completion_request(*store_, sha256_of("a guess")).value().has_value());
}

TEST_F(CompletionStoreTest, RefusesWhatCannotBeAskedFor) {
  const WriteResult c = add_case();
  NewCompletionRequest r = new_request(c.seq);
  r.fields.clear();
  EXPECT_EQ(code_of(create_completion_request(*store_, r)), "completion.bad_request");
  r = new_request(c.seq);
  r.message = " \n ";
  EXPECT_EQ(code_of(create_completion_request(*store_, r)), "completion.bad_request");
  r.message = std::string(2000, 'x');
  r.message += "å";  // 2,001 characters
  EXPECT_EQ(code_of(create_completion_request(*store_, r)), "completion.bad_request");
  EXPECT_EQ(code_of(create_completion_request(*store_, new_request(c.seq + 100))), "case.not_found");

  const WriteResult no_email = add_case("");
  EXPECT_EQ(code_of(create_completion_request(*store_, new_request(no_email.seq))), "completion.no_email");

  // One open request at a time.
  request(c.seq);
  EXPECT_EQ(code_of(create_completion_request(*store_, new_request(c.seq))), "completion.already_open");

  // Nor for a closed case.
  const WriteResult closed = add_case();
  ASSERT_TRUE(change_case_status(*store_, closed.seq, CaseStatus::in_progress, kCaseworker, "").ok());
  ASSERT_TRUE(change_case_status(*store_, closed.seq, CaseStatus::decided, kCaseworker, "").ok());
  EXPECT_EQ(code_of(create_completion_request(*store_, new_request(closed.seq))), "completion.case_state");
  EXPECT_TRUE(list_completion_requests(*store_, closed.seq).value().empty());
  EXPECT_EQ(list_notifications(*store_).value().size(), 1u) << "only the request that was made sent a mail";
}

TEST_F(CompletionStoreTest, RepliesBecomeNumberedVersionsChainedToWhatTheyAmend) {
  ASSERT_TRUE(add_webhook(*store_, "bygglov", "https://arende.kommun.se/hook", "a secret of some length", {"completion.received"}, "cli").ok());
  const WriteResult c = add_case();
  const CompletionRequest first = request(c.seq);
  const WriteResult v2 = writer_->submit(reply(first, c.reference, 2, c.receipt_sha256, "andra")).get();
  ASSERT_EQ(v2.status, WriteStatus::created) << (v2.errors.empty() ? "" : to_string(v2.errors.front()));
  EXPECT_EQ(v2.reference, c.reference + "-2");

  const CompletionRequest answered = *find_completion_request(*store_, first.token_sha256).value();
  EXPECT_EQ(answered.state, "answered");
  EXPECT_EQ(answered.answered_seq, v2.seq);
  EXPECT_EQ(answered.answered_at, v2.received_at);
  EXPECT_EQ(case_of(c.reference).status, CaseStatus::in_progress);
  const std::vector<CaseEvent> events = case_history(*store_, c.seq).value();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[2].kind, "status");
  EXPECT_EQ(events[2].user_id, 0) << "the e-service, not a caseworker";
  EXPECT_EQ(events[2].detail, (json{{"from", "awaiting_completion"}, {"to", "in_progress"}}));
  EXPECT_EQ(events[3].kind, "completion");
  EXPECT_EQ(events[3].detail["version"], 2);

  const std::vector<WebhookDelivery> deliveries = list_deliveries(*store_).value();
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].event, "completion.received");
  EXPECT_EQ(deliveries[0].event_key, "completion:" + std::to_string(first.id));
  const json payload = json::parse(deliveries[0].payload);
  EXPECT_EQ(payload["reference"], c.reference);
  EXPECT_EQ(payload["seq"], c.seq);
  EXPECT_EQ(payload["version"], 2);
  EXPECT_EQ(payload["status"], "in_progress");
  EXPECT_EQ(payload.dump().find("andra"), std::string::npos) << "ids only";

  // A second request, answered by version 3, which amends version 2.
  const CompletionRequest second = request(c.seq);
  const WriteResult v3 = writer_->submit(reply(second, c.reference, 3, v2.receipt_sha256, "tredje")).get();
  ASSERT_EQ(v3.status, WriteStatus::created) << (v3.errors.empty() ? "" : to_string(v3.errors.front()));

  const std::vector<CaseVersion> versions = list_case_versions(*store_, c.seq).value();
  ASSERT_EQ(versions.size(), 3u);
  EXPECT_EQ(versions[0].version, 1);
  EXPECT_EQ(versions[0].submission.seq, c.seq);
  EXPECT_EQ(versions[1].version, 2);
  EXPECT_EQ(versions[1].submission.seq, v2.seq);
  EXPECT_EQ(versions[1].completion_request_id, first.id);
  EXPECT_EQ(versions[2].version, 3);
  EXPECT_EQ(versions[2].completion_request_id, second.id);
  EXPECT_EQ(latest_case_submission(*store_, c.seq).value().seq, v3.seq);
  EXPECT_EQ(latest_case_version(*store_, c.seq).value().version, 3);
  // The versions are ordinary links of the one chain.
  EXPECT_EQ(get_submission(*store_, v3.seq).value()->previous_receipt_sha256, v2.receipt_sha256);
  // A version is not a case of its own: its reference names the case it is a version of.
  const std::optional<CaseSummary> named = get_case(*store_, v2.reference).value();
  ASSERT_TRUE(named.has_value());
  EXPECT_EQ(named->seq, c.seq);
  EXPECT_EQ(named->reference, c.reference);
}

TEST_F(CompletionStoreTest, ExportsAndTheFeedGiveTheLatestVersionsAnswers) {
  const WriteResult c = add_case();
  const WriteResult other = add_case();
  const CompletionRequest r = request(c.seq);
  const WriteResult v2 = writer_->submit(reply(r, c.reference, 2, c.receipt_sha256, "andra")).get();
  ASSERT_EQ(v2.status, WriteStatus::created) << (v2.errors.empty() ? "" : to_string(v2.errors.front()));

  // The export stream: each case once, with its current answers and which version they are.
  CaseFilter f;
  f.form_ids = {"bygglov"};
  std::map<int64_t, CaseAnswers> seen;
  std::map<int64_t, std::string> canonical;
  ASSERT_TRUE(for_each_case(*store_, f, [&](const CaseSummary& s, const CaseAnswers& a) {
                seen[s.seq] = a;
                canonical[s.seq] = std::string(a.canonical);
                return true;
              }).ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[c.seq].version, 2);
  EXPECT_EQ(seen[c.seq].seq, v2.seq);
  EXPECT_EQ(seen[c.seq].reference, c.reference + "-2");
  EXPECT_EQ(seen[c.seq].received_at, v2.received_at);
  EXPECT_EQ(canonical[c.seq], R"({"answers":{"a":"andra"}})");
  EXPECT_EQ(seen[other.seq].version, 1);
  EXPECT_EQ(seen[other.seq].reference, other.reference);
  EXPECT_EQ(canonical[other.seq], R"({"answers":{"a":"första"}})");

  // The feed: the completed case comes again, at its new version's place in the chain,
  // also for a business system that took both cases already.
  const std::vector<FeedCase> all = cases_after(*store_, "bygglov", 0, 10).value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].summary.seq, other.seq);
  EXPECT_EQ(all[0].position, other.seq);
  EXPECT_EQ(all[1].summary.seq, c.seq);
  EXPECT_EQ(all[1].position, v2.seq);
  const std::vector<FeedCase> news = cases_after(*store_, "bygglov", other.seq, 10).value();
  ASSERT_EQ(news.size(), 1u);
  EXPECT_EQ(news[0].summary.reference, c.reference);
  EXPECT_EQ(news[0].position, v2.seq);
  EXPECT_TRUE(cases_after(*store_, "bygglov", v2.seq, 10).value().empty());
  // A page of one stops at the first position.
  const std::vector<FeedCase> one = cases_after(*store_, "bygglov", 0, 1).value();
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].summary.seq, other.seq);
}

TEST_F(CompletionStoreTest, AVersionsReferenceAndLowerCaseFindTheCase) {
  const WriteResult c = add_case();
  add_case();
  const CompletionRequest r = request(c.seq);
  const WriteResult v2 = writer_->submit(reply(r, c.reference, 2, c.receipt_sha256, "andra")).get();
  ASSERT_EQ(v2.status, WriteStatus::created);
  std::string lower = v2.reference;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const std::string& text : {v2.reference, lower, lower.substr(0, c.reference.size())}) {
    const std::optional<CaseSummary> found = get_case(*store_, text).value();
    ASSERT_TRUE(found.has_value()) << text;
    EXPECT_EQ(found->seq, c.seq) << text;
  }
  EXPECT_FALSE(get_case(*store_, c.reference + "-3").value().has_value()) << "no such version";
  CaseFilter f;
  f.form_ids = {"bygglov"};
  for (const std::string& text : {v2.reference, lower}) {
    f.search = text;
    const CasePage page = list_cases(*store_, f, 0, 50).value();
    ASSERT_EQ(page.cases.size(), 1u) << text;
    EXPECT_EQ(page.cases[0].seq, c.seq);
  }
}

TEST_F(CompletionStoreTest, DecidingOrClosingCancelsOpenRequests) {
  const WriteResult c = add_case();
  const CompletionRequest r = request(c.seq);
  ASSERT_EQ(case_of(c.reference).status, CaseStatus::awaiting_completion);
  ASSERT_TRUE(change_case_status(*store_, c.seq, CaseStatus::decided, kCaseworker, "").ok());
  EXPECT_EQ(find_completion_request(*store_, r.token_sha256).value()->state, "cancelled");
  const std::vector<CaseEvent> events = case_history(*store_, c.seq).value();
  const auto cancelled = std::find_if(events.begin(), events.end(), [](const CaseEvent& e) { return e.kind == "completion_cancelled"; });
  ASSERT_NE(cancelled, events.end());
  EXPECT_EQ(cancelled->detail, (json{{"request", r.id}, {"reason", "decided"}}));
  EXPECT_EQ(cancelled->user_id, kCaseworker);
  const std::vector<AuditEntry> audit = list_audit(*store_, 0, 100).value();
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.front().action, "case.status") << "newest first";
  EXPECT_EQ(audit.front().detail["cancelled_requests"], json::array({r.id}));

  // The reply is refused; the case stays decided with one version.
  const WriteResult late = writer_->submit(reply(r, c.reference, 2, c.receipt_sha256, "sent")).get();
  ASSERT_EQ(late.status, WriteStatus::failed);
  EXPECT_EQ(late.errors.front().code, "completion.not_open");
  EXPECT_EQ(case_of(c.reference).status, CaseStatus::decided);
  EXPECT_EQ(list_case_versions(*store_, c.seq).value().size(), 1u);

  // A request left open on a decided case (by a server from before this rule) is not
  // answered either.
  const WriteResult old = add_case();
  const CompletionRequest left = request(old.seq);
  const std::string close_it = "UPDATE cases SET status = 'closed' WHERE seq = " + std::to_string(old.seq);
  ASSERT_TRUE(sql::exec(store_->db.get(), close_it.c_str()).ok());
  const WriteResult refused = writer_->submit(reply(left, old.reference, 2, old.receipt_sha256, "sent")).get();
  ASSERT_EQ(refused.status, WriteStatus::failed);
  EXPECT_EQ(refused.errors.front().code, "completion.not_open");
}

TEST_F(CompletionStoreTest, MessagesAndNotesMustBeValidUtf8) {
  const WriteResult c = add_case();
  NewCompletionRequest bad = new_request(c.seq);
  bad.message = "\xff\xfe bad";
  EXPECT_EQ(code_of(create_completion_request(*store_, bad)), "completion.bad_request");
  EXPECT_TRUE(list_completion_requests(*store_, c.seq).value().empty());
  const size_t events = case_history(*store_, c.seq).value().size();
  const Result<bool> note = add_case_note(*store_, c.seq, "\xff\xfe bad", kCaseworker);
  ASSERT_FALSE(note.ok());
  EXPECT_EQ(note.errors().front().code, "case.bad_note");
  EXPECT_EQ(case_history(*store_, c.seq).value().size(), events) << "nothing stored";
  // Any event: an error, never an exception.
  const Result<bool> event = add_case_event(*store_, c.seq, utc_now(), kCaseworker, "note", json{{"text", "\xc3"}});
  ASSERT_FALSE(event.ok());
  EXPECT_EQ(event.errors().front().code, "case.bad_text");
}

TEST_F(CompletionStoreTest, OnlyOneReplyAnswersARequest) {
  const WriteResult c = add_case();
  const CompletionRequest r = request(c.seq);
  // Two replies racing (in one batch or one after the other): exactly one is stored. Both
  // name version 2, so the second fails on that reference or on the answered request.
  std::future<WriteResult> a = writer_->submit(reply(r, c.reference, 2, c.receipt_sha256, "a"));
  std::future<WriteResult> b = writer_->submit(reply(r, c.reference, 2, c.receipt_sha256, "b"));
  const WriteResult ra = a.get(), rb = b.get();
  EXPECT_EQ(ra.status, WriteStatus::created);
  ASSERT_EQ(rb.status, WriteStatus::failed);
  EXPECT_TRUE(rb.errors.front().code == "storage.duplicate_reference" || rb.errors.front().code == "completion.not_open")
      << rb.errors.front().code;
  // A later reply, as the API makes it once version 2 exists: the request is answered.
  const WriteResult late = writer_->submit(reply(r, c.reference, 3, ra.receipt_sha256, "c")).get();
  ASSERT_EQ(late.status, WriteStatus::failed);
  EXPECT_EQ(late.errors.front().code, "completion.not_open");
  EXPECT_EQ(list_case_versions(*store_, c.seq).value().size(), 2u);
  EXPECT_EQ(chain_head(*store_).value().seq, ra.seq) << "the failed replies left nothing in the chain";
  EXPECT_EQ(case_of(c.reference).status, CaseStatus::in_progress);
}

TEST_F(CompletionStoreTest, CancelledExpiredAndStaleRepliesFail) {
  const WriteResult c = add_case();
  const CompletionRequest r = request(c.seq);
  ASSERT_TRUE(cancel_completion_request(*store_, c.seq, r.id, kCaseworker).ok());
  EXPECT_EQ(find_completion_request(*store_, r.token_sha256).value()->state, "cancelled");
  EXPECT_EQ(case_of(c.reference).status, CaseStatus::in_progress) << "nothing is awaited any more";
  EXPECT_EQ(cancel_completion_request(*store_, c.seq, r.id, kCaseworker).errors().front().code, "completion.not_open");
  WriteResult w = writer_->submit(reply(r, c.reference, 2, c.receipt_sha256, "x")).get();
  ASSERT_EQ(w.status, WriteStatus::failed);
  EXPECT_EQ(w.errors.front().code, "completion.not_open");

  // Another case's request is not found through this case.
  const WriteResult other = add_case();
  const CompletionRequest theirs = request(other.seq);
  EXPECT_EQ(cancel_completion_request(*store_, c.seq, theirs.id, kCaseworker).errors().front().code, "completion.not_found");
  // Nor can a reply to it become a version of this case.
  PendingSubmission crossed = reply(theirs, c.reference, 2, c.receipt_sha256, "x");
  crossed.intake.amends.case_seq = c.seq;
  w = writer_->submit(std::move(crossed)).get();
  ASSERT_EQ(w.status, WriteStatus::failed);
  EXPECT_EQ(w.errors.front().code, "completion.not_open");

  // Past its expiry the request is not open, even before anything marks it expired.
  const Result<CompletionRequest> old = create_completion_request(*store_, new_request(c.seq, in_days(-1)));
  ASSERT_TRUE(old.ok());
  w = writer_->submit(reply(old.value(), c.reference, 2, c.receipt_sha256, "x")).get();
  ASSERT_EQ(w.status, WriteStatus::failed);
  EXPECT_EQ(w.errors.front().code, "completion.not_open");
  // …and a new request may then be made (the old one is marked expired).
  const CompletionRequest fresh = request(c.seq);
  EXPECT_EQ(find_completion_request(*store_, old.value().token_sha256).value()->state, "expired");

  // A receipt that names the wrong version, or not the latest receipt, is refused.
  w = writer_->submit(reply(fresh, c.reference, 3, c.receipt_sha256, "x")).get();
  ASSERT_EQ(w.status, WriteStatus::failed);
  EXPECT_EQ(w.errors.front().code, "completion.version_changed");
  w = writer_->submit(reply(fresh, c.reference, 2, sha256_of("another receipt"), "x")).get();
  ASSERT_EQ(w.status, WriteStatus::failed);
  EXPECT_EQ(w.errors.front().code, "completion.version_changed");
  w = writer_->submit(reply(fresh, c.reference, 2, c.receipt_sha256, "x")).get();
  EXPECT_EQ(w.status, WriteStatus::created);
}

TEST_F(CompletionStoreTest, FilesOfEveryVersionBelongToTheCase) {
  const WriteResult c = add_case();
  const CompletionRequest r = request(c.seq);
  const std::string pdf = "%PDF-1.4 intyg";
  const std::string sha = put_attachment(*store_, "application/pdf", pdf).value();
  PendingSubmission p = reply(r, c.reference, 2, c.receipt_sha256, "med fil");
  p.attachments = {SubmissionAttachment{"documents/0", sha, "intyg.pdf"}};
  const WriteResult v2 = writer_->submit(std::move(p)).get();
  ASSERT_EQ(v2.status, WriteStatus::created);
  const std::optional<SubmissionAttachment> found = find_case_attachment(*store_, c.seq, sha).value();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->name, "intyg.pdf");
  const std::vector<VersionFile> files = version_files(*store_, v2.seq).value();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].media_type, "application/pdf");
  EXPECT_EQ(files[0].size, static_cast<int64_t>(pdf.size()));
  const WriteResult other = add_case();
  EXPECT_FALSE(find_case_attachment(*store_, other.seq, sha).value().has_value());
}

}  // namespace
}  // namespace blankett
