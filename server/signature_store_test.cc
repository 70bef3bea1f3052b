// Signature requests in the store: planning them from a filled-in skolskjuts form (sole
// custody: none; joint: the second guardian, with a link only in the e-mail and only its
// hash stored), signing with its receipt, the case's move to "new" and its webhook,
// reminders with their limits, deadlines and the dispatcher's sweep.
#include "signature_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "audit_log.h"
#include "blankett/scenario.h"
#include "blankett/submission.h"
#include "case_store.h"
#include "clock.h"
#include "files.h"
#include "notifications.h"
#include "store_testing.h"
#include "webhooks.h"

namespace blankett {
namespace {

using nlohmann::json;

constexpr char kPublicUrl[] = "https://e.kommun.se";
constexpr char kGuardian2[] = "19850704-9982";

// The skolskjuts form filled in as its joint-custody happy path ends.
FormState joint_custody_state() {
  const std::string dir = BLANKETT_SOURCE_DIR "/forms/skolskjuts";
  const FormPtr form = compile_form(read_file(dir + "/form.json").value_or("")).value();
  const ScenarioResult r = run_scenario(form, json::parse(read_file(dir + "/tests/happy-path-joint-custody-with-support.json").value_or("")));
  EXPECT_TRUE(r.passed);
  FormState state = FormState::create(form, "2026-08-15").value();
  Result<bool> set = state.set_answers(r.final_answers);
  EXPECT_TRUE(set.ok()) << (set.ok() ? "" : to_string(set.errors().front()));
  return state;
}

// The token of a link "<public_url>/sign/<token>".
std::string token_of(const std::string& link) { return link.substr(link.rfind('/') + 1); }

int64_t ms(const std::string& t) { return parse_utc_ms(t).value(); }

TEST(SignaturePlanTest, SoleCustodyNeedsNoFurtherSigner) {
  FormState state = joint_custody_state();
  ASSERT_TRUE(state.set_answer("custody", "sole").ok());
  Result<std::vector<NewSignatureRequest>> plan = plan_signature_requests(state, kPublicUrl, "sv");
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan.value().empty());
}

TEST(SignaturePlanTest, JointCustodyAsksTheSecondGuardianByMailWithALinkOnly) {
  const FormState state = joint_custody_state();
  const int64_t before = ms(utc_now());
  Result<std::vector<NewSignatureRequest>> plan = plan_signature_requests(state, kPublicUrl, "en");
  ASSERT_TRUE(plan.ok()) << to_string(plan.errors().front());
  ASSERT_EQ(plan.value().size(), 1u);
  const NewSignatureRequest& r = plan.value()[0];
  EXPECT_EQ(r.signer_id, "guardian2");
  EXPECT_EQ(json::parse(r.title_json)["en"], "Second guardian");
  EXPECT_EQ(r.expected_number, kGuardian2);
  EXPECT_EQ(r.email, "johan.berg@example.se");
  ASSERT_EQ(r.link.rfind(std::string(kPublicUrl) + "/sign/", 0), 0u) << r.link;
  const std::string token = token_of(r.link);
  EXPECT_TRUE(plausible_signing_token(token)) << token;
  // Stored: the link's time, then the SHA-256 of the whole token; never the token.
  EXPECT_EQ(r.token_sha256, token.substr(0, 12) + sha256_of(token));
  const int64_t made = std::stoll(token.substr(0, 12), nullptr, 16);
  EXPECT_GE(made, before);
  EXPECT_LE(made, ms(utc_now()));
  EXPECT_EQ(r.token_sha256.find(token), std::string::npos);
  // Thirty days from now.
  const int64_t expires = ms(r.expires_at);
  EXPECT_GE(expires, before + 30LL * 86400000);
  EXPECT_LE(expires, ms(utc_now()) + 30LL * 86400000);
  // The submitter's language; the link; no answers, names or numbers.
  EXPECT_EQ(r.mail_subject, "An application is waiting for your signature");
  EXPECT_NE(r.mail_body.find(r.link), std::string::npos);
  for (const char* secret : {"Alva", "Berg", "Karin", "Johan", "19850704", "850704", "20140312", "johan.berg", "Skolskjuts", "skolskjuts"}) {
    EXPECT_EQ(r.mail_body.find(secret), std::string::npos) << secret;
    EXPECT_EQ(r.mail_subject.find(secret), std::string::npos) << secret;
  }
  // Each plan draws a new token.
  EXPECT_NE(plan_signature_requests(state, kPublicUrl, "en").value()[0].token_sha256, r.token_sha256);
}

TEST(SignaturePlanTest, MailLanguagesFallBackToSwedish) {
  const FormState state = joint_custody_state();
  EXPECT_EQ(plan_signature_requests(state, kPublicUrl, "sv").value()[0].mail_subject, "En ansökan väntar på din underskrift");
  EXPECT_EQ(plan_signature_requests(state, kPublicUrl, "nb").value()[0].mail_subject, "En søknad venter på din signatur");
  EXPECT_EQ(plan_signature_requests(state, kPublicUrl, "fr").value()[0].mail_subject, "En ansökan väntar på din underskrift");
  const SigningMail reminder = signing_mail("sv", "https://x/sign/t", "2026-09-14T10:12:03.000Z", true);
  EXPECT_EQ(reminder.subject, "Påminnelse: en ansökan väntar på din underskrift");
  EXPECT_NE(reminder.body.find("https://x/sign/t"), std::string::npos);
  EXPECT_NE(reminder.body.find("2026-09-14 10:12 UTC"), std::string::npos);
}

TEST(SignaturePlanTest, MissingEmailOrPersonalNumberIsRefusedWithThePointer) {
  FormState no_mail = joint_custody_state();
  ASSERT_TRUE(no_mail.clear_answer("guardian2_email").ok());
  Result<std::vector<NewSignatureRequest>> plan = plan_signature_requests(no_mail, kPublicUrl, "sv");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.errors().front().code, "signer.no_email");
  EXPECT_EQ(plan.errors().front().pointer, "/guardian2_email");

  FormState no_number = joint_custody_state();
  ASSERT_TRUE(no_number.clear_answer("guardian2_pnr").ok());
  plan = plan_signature_requests(no_number, kPublicUrl, "sv");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.errors().front().code, "signer.no_personal_number");
  EXPECT_EQ(plan.errors().front().pointer, "/guardian2_pnr");
}

TEST(SignaturePlanTest, TokensHaveTheirShape) {
  const std::string token = new_signing_token(0x18f2a3b4c5dLL);
  ASSERT_EQ(token.size(), 55u);
  EXPECT_EQ(token.substr(0, 12), "018f2a3b4c5d");
  EXPECT_TRUE(plausible_signing_token(token));
  EXPECT_NE(new_signing_token(0x18f2a3b4c5dLL).substr(12), token.substr(12));  // the secret is random
  EXPECT_TRUE(plausible_signing_token(std::string(43, 'a')));                 // a link from before the time
  EXPECT_FALSE(plausible_signing_token(""));
  EXPECT_FALSE(plausible_signing_token(std::string(42, 'a')));
  EXPECT_FALSE(plausible_signing_token(std::string(42, 'a') + "="));
  EXPECT_FALSE(plausible_signing_token(std::string(42, 'a') + "/"));
  EXPECT_FALSE(plausible_signing_token(token.substr(0, 54)));
  EXPECT_FALSE(plausible_signing_token("018F2A3B4C5D" + token.substr(12)));  // the time is lower-case hex
  EXPECT_FALSE(plausible_signing_token("018f2a3b4c5g" + token.substr(12)));
  EXPECT_FALSE(plausible_signing_token(token.substr(0, 54) + "."));
}

TEST(SignaturePlanTest, KeysOfLaterLinksSortAfterEarlierOnes) {
  // The unique index on the stored key grows at its end rather than at a random page.
  std::string previous;
  for (int64_t t : {int64_t{0}, int64_t{9}, int64_t{10}, int64_t{255}, int64_t{256}, int64_t{1786000000000}, int64_t{1786000000001}}) {
    const std::string key = signing_token_key(new_signing_token(t));
    EXPECT_EQ(key.size(), 76u);
    EXPECT_LT(previous, key) << t;
    previous = key;
  }
  // A link mailed before tokens had their time is still looked up by its SHA-256 alone.
  const std::string old = std::string(43, 'Q');
  EXPECT_EQ(signing_token_key(old), sha256_of(old));
}

// A store with one joint-custody case inserted as the writer does, a key ring, a
// webhook for signature.completed and two users.
class SignatureStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<Store>(must_open_store(dir_.file("blankett.db")));
    Result<KeyRing> keys = load_or_create_keys(dir_.file("data"), "2026-08-01T00:00:00Z");
    ASSERT_TRUE(keys.ok());
    keys_ = std::move(keys).value();
    const std::string definition = R"({"id":"skolskjuts"})";
    version_ = sha256_of(definition);
    ASSERT_TRUE(put_form_version(*store_, FormVersion{"skolskjuts", version_, definition, ""}).ok());
    Result<sql::Statement> s = sql::prepare(store_->db.get(),
        "INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (7, 'karin', 'Karin', 'x', '2026-01-01')");
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(sql::run(s.value()).ok());
    ASSERT_TRUE(add_webhook(*store_, "skolskjuts", "http://127.0.0.1:9/hook", "a-secret-of-enough-length", {kEventSignatureCompleted}, "cli").ok());
  }

  // A case waiting for the given signers; returns its seq. Keeps each link in links_.
  int64_t add_case(const std::vector<std::pair<std::string, std::string>>& signers /* id, personal number */) {
    const ChainHead head = chain_head(*store_).value();
    StoredSubmission row;
    row.seq = head.seq + 1;
    row.reference = "SKOL-2026-" + std::to_string(1000000 + row.seq).substr(1);
    row.form_id = "skolskjuts";
    row.version = version_;
    row.idempotency_key = "key-" + std::to_string(row.seq);
    row.canonical = R"({"answers":{"n":)" + std::to_string(row.seq) + "}}";
    row.submission_sha256 = sha256_of(row.canonical);
    row.received_at = "2026-08-15T09:00:00.000Z";
    row.receipt = R"({"sequence":)" + std::to_string(row.seq) + "}";
    row.receipt_sha256 = sha256_of(row.receipt);
    row.previous_receipt_sha256 = head.receipt_sha256;
    CaseIntake intake;
    for (const auto& [id, number] : signers) {
      const std::string token = new_signing_token(ms(utc_now()));
      NewSignatureRequest r;
      r.signer_id = id;
      r.title_json = json{{"sv", "Vårdnadshavare " + id}, {"en", "Guardian " + id}}.dump();
      r.expected_number = number;
      r.email = id + "@example.se";
      r.token_sha256 = signing_token_key(token);
      r.link = std::string(kPublicUrl) + "/sign/" + token;
      r.expires_at = format_utc_ms(ms(utc_now()) + kSigningLinkDays * 86400000);
      const SigningMail mail = signing_mail("en", r.link, r.expires_at, false);
      r.mail_subject = mail.subject;
      r.mail_body = mail.body;
      links_[id] = token;
      intake.signers.push_back(r);
    }
    Result<bool> done = insert_submission(*store_, row, {}, intake);
    EXPECT_TRUE(done.ok()) << (done.ok() ? "" : to_string(done.errors().front()));
    return row.seq;
  }

  CaseSummary case_of(int64_t seq) {
    return get_case(*store_, "SKOL-2026-" + std::to_string(1000000 + seq).substr(1)).value().value();
  }
  std::vector<std::string> event_kinds(int64_t seq) {
    std::vector<std::string> kinds;
    const std::vector<CaseEvent> events = case_history(*store_, seq).value();
    for (const CaseEvent& e : events) kinds.push_back(e.kind);
    return kinds;
  }
  Result<SignatureDone> sign(const std::string& signer, const std::string& number, const std::string& now = utc_now()) {
    return record_signature(*store_, keys_, signing_token_key(links_[signer]), SignerIdentity{"dev", "dev:" + number, number}, now,
                            nullptr);
  }
  SignatureRequest request(int64_t seq, const std::string& signer) {
    const std::vector<SignatureRequest> requests = list_signature_requests(*store_, seq).value();
    for (const SignatureRequest& r : requests) {
      if (r.signer_id == signer) return r;
    }
    ADD_FAILURE() << "no request " << signer;
    return {};
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  KeyRing keys_;
  std::string version_;
  std::map<std::string, std::string> links_;
};

TEST_F(SignatureStoreTest, InsertQueuesTheMailAndStoresOnlyTheHashAndTheLanguage) {
  const int64_t seq = add_case({{"guardian2", kGuardian2}});
  EXPECT_EQ(case_of(seq).status, CaseStatus::awaiting_signatures);
  const std::vector<Notification> mails = list_notifications(*store_).value();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].recipient, "guardian2@example.se");
  EXPECT_EQ(token_of(mails[0].link), links_["guardian2"]);
  const SignatureRequest r = request(seq, "guardian2");
  EXPECT_EQ(r.state, "pending");
  EXPECT_EQ(r.lang, "en");
  EXPECT_EQ(r.expected_number, kGuardian2);
  Result<std::optional<SigningLink>> link = find_signing_link(*store_, signing_token_key(links_["guardian2"]));
  ASSERT_TRUE(link.ok() && link.value());
  EXPECT_EQ(link.value()->request.id, r.id);
  EXPECT_EQ(link.value()->reference, case_of(seq).reference);
  EXPECT_EQ(signing_link_state(*link.value(), utc_now()), LinkState::open);
  // The token itself is nowhere in the table.
  Result<sql::Statement> s = sql::prepare(store_->db.get(), "SELECT COUNT(*) FROM signature_requests WHERE token_sha256 = ?1");
  sql::bind_text(s.value(), 1, links_["guardian2"]);
  ASSERT_TRUE(sql::step(s.value()).value());
  EXPECT_EQ(sql::column_int64(s.value(), 0), 0);
}

TEST_F(SignatureStoreTest, TheRightPersonSignsOnceAndTheLastSignatureMovesTheCase) {
  const int64_t seq = add_case({{"guardian2", kGuardian2}, {"other", ""}});
  Result<SignatureDone> wrong = sign("guardian2", "19811218-9876");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.errors().front().code, "signature.wrong_person");
  EXPECT_EQ(request(seq, "guardian2").state, "pending");

  Result<SignatureDone> first = sign("guardian2", kGuardian2);
  ASSERT_TRUE(first.ok()) << to_string(first.errors().front());
  EXPECT_FALSE(first.value().case_complete);
  EXPECT_EQ(case_of(seq).status, CaseStatus::awaiting_signatures);
  EXPECT_TRUE(verify_signature_receipt(first.value().receipt, keys_.public_keys()).ok());
  const SignatureReceiptFields fields = read_signature_receipt(first.value().receipt).value();
  const StoredSubmission sub = get_submission(*store_, seq).value().value();
  EXPECT_EQ(fields.submission_sha256, sub.submission_sha256);
  EXPECT_EQ(fields.receipt_sha256, sub.receipt_sha256);
  EXPECT_EQ(fields.signer_identity.personal_number, kGuardian2);
  EXPECT_EQ(json::parse(request(seq, "guardian2").receipt), first.value().receipt);

  Result<SignatureDone> again = sign("guardian2", kGuardian2);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.errors().front().code, "signature.already_signed");
  EXPECT_TRUE(list_deliveries(*store_).value().empty());

  // A signer whose form declares no number: whoever identifies with the link.
  Result<SignatureDone> last = sign("other", "19811218-9876");
  ASSERT_TRUE(last.ok()) << to_string(last.errors().front());
  EXPECT_TRUE(last.value().case_complete);
  EXPECT_EQ(case_of(seq).status, CaseStatus::new_case);
  EXPECT_EQ(event_kinds(seq), (std::vector<std::string>{"signature", "signature", "status"}));
  const std::vector<CaseEvent> history = case_history(*store_, seq).value();
  EXPECT_EQ(history[2].detail, (json{{"from", "awaiting_signatures"}, {"to", "new"}}));
  EXPECT_EQ(history[2].user_id, 0);
  EXPECT_EQ(history[0].detail.dump().find(kGuardian2), std::string::npos);
  const std::vector<WebhookDelivery> hooks = list_deliveries(*store_).value();
  ASSERT_EQ(hooks.size(), 1u);
  EXPECT_EQ(hooks[0].event, "signature.completed");
  EXPECT_EQ(hooks[0].event_key, "signatures:" + std::to_string(seq));
  EXPECT_EQ(hooks[0].payload.find(kGuardian2), std::string::npos);
  // Audited as the signer's request, without the number.
  const std::vector<AuditEntry> audit = list_audit(*store_, 0, 10).value();
  ASSERT_GE(audit.size(), 2u);
  EXPECT_EQ(audit[0].action, "case.signature");
  EXPECT_EQ(audit[0].actor, "signer:" + std::to_string(request(seq, "other").id));
  EXPECT_EQ(audit[0].detail.dump().find("19811218"), std::string::npos);
}

TEST_F(SignatureStoreTest, WhatRunsWithTheSignatureRollsItBackWhenItFails) {
  const int64_t seq = add_case({{"guardian2", kGuardian2}});
  Result<SignatureDone> failed = record_signature(*store_, keys_, signing_token_key(links_["guardian2"]),
                                                  SignerIdentity{"dev", "dev:x", kGuardian2}, utc_now(),
                                                  [] { return Result<bool>(Errors{Error{"identity.ended", "", 0, 0, "x"}}); });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.errors().front().code, "identity.ended");
  EXPECT_EQ(request(seq, "guardian2").state, "pending");
  EXPECT_EQ(case_of(seq).status, CaseStatus::awaiting_signatures);
  EXPECT_TRUE(event_kinds(seq).empty());
}

TEST_F(SignatureStoreTest, ExpiredLinkClosedCaseAndUnknownTokenCannotSign) {
  const int64_t seq = add_case({{"guardian2", kGuardian2}});
  const std::string later = format_utc_ms(ms(utc_now()) + 31LL * 86400000);
  Result<SignatureDone> late = sign("guardian2", kGuardian2, later);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.errors().front().code, "signature.expired");

  Result<SignatureDone> unknown = record_signature(*store_, keys_, sha256_of("guess"), SignerIdentity{"dev", "dev:x", kGuardian2},
                                                   utc_now(), nullptr);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.errors().front().code, "signature.not_found");

  ASSERT_TRUE(change_case_status(*store_, seq, CaseStatus::closed, 7, "").ok());
  Result<SignatureDone> closed = sign("guardian2", kGuardian2);
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.errors().front().code, "signature.closed");
}

TEST_F(SignatureStoreTest, RemindersIssueANewLinkAndAreLimited) {
  const int64_t seq = add_case({{"guardian2", kGuardian2}});
  const std::string old_token = links_["guardian2"];
  int64_t t = ms(utc_now());
  Result<SignatureRequest> first = remind_signer(*store_, seq, "guardian2", kPublicUrl, 7, t);
  ASSERT_TRUE(first.ok()) << to_string(first.errors().front());
  EXPECT_EQ(first.value().reminders, 1);
  EXPECT_EQ(first.value().last_reminder_at, format_utc_ms(t));
  EXPECT_EQ(first.value().expires_at, format_utc_ms(t + 30LL * 86400000));
  // The old link stops working; the new one is in the new mail, in the submitter's language.
  EXPECT_FALSE(find_signing_link(*store_, signing_token_key(old_token)).value().has_value());
  const std::vector<Notification> mails = list_notifications(*store_).value();
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(mails[0].subject, "Reminder: an application is waiting for your signature");
  EXPECT_TRUE(find_signing_link(*store_, signing_token_key(token_of(mails[0].link))).value().has_value());
  EXPECT_EQ(event_kinds(seq), std::vector<std::string>{"signature_reminder"});
  EXPECT_EQ(list_audit(*store_, 0, 1).value()[0].action, "case.signature_reminder");

  Result<SignatureRequest> soon = remind_signer(*store_, seq, "guardian2", kPublicUrl, 7, t + 59 * 60 * 1000);
  ASSERT_FALSE(soon.ok());
  EXPECT_EQ(soon.errors().front().code, "signature.too_soon");
  for (int i = 2; i <= 5; ++i) {
    t += 3600 * 1000;
    Result<SignatureRequest> r = remind_signer(*store_, seq, "guardian2", kPublicUrl, 7, t);
    ASSERT_TRUE(r.ok()) << i << to_string(r.errors().front());
    EXPECT_EQ(r.value().reminders, i);
  }
  Result<SignatureRequest> sixth = remind_signer(*store_, seq, "guardian2", kPublicUrl, 7, t + 3600 * 1000);
  ASSERT_FALSE(sixth.ok());
  EXPECT_EQ(sixth.errors().front().code, "signature.too_many");
  EXPECT_EQ(list_notifications(*store_).value().size(), 6u);

  Result<SignatureRequest> nobody = remind_signer(*store_, seq, "guardian9", kPublicUrl, 7, t);
  ASSERT_FALSE(nobody.ok());
  EXPECT_EQ(nobody.errors().front().code, "signature.not_found");
}

// The outbox's e-mails of a link that no longer leads anywhere are withdrawn, kept for
// the record, as soon as the link is replaced, signed or expires: sent after the mail
// server recovers, they would bring the signer to a dead link or ask for a signature
// already given.
TEST_F(SignatureStoreTest, MailsOfReplacedSignedOrExpiredLinksAreWithdrawn) {
  auto mail_of = [this](const std::string& token) {
    const std::vector<Notification> all = list_notifications(*store_).value();
    for (const Notification& n : all) {
      if (token_of(n.link) == token) return n;
    }
    ADD_FAILURE() << "no mail with the link";
    return Notification{};
  };
  // A reminder: the first mail is withdrawn, the reminder waits.
  const int64_t reminded = add_case({{"guardian2", kGuardian2}});
  const std::string first_link = links_["guardian2"];
  ASSERT_TRUE(remind_signer(*store_, reminded, "guardian2", kPublicUrl, 7, ms(utc_now())).ok());
  const Notification replaced = mail_of(first_link);
  EXPECT_EQ(replaced.state, "cancelled");
  EXPECT_EQ(replaced.last_error, "the signing link was replaced by a reminder");
  const Notification reminder = list_notifications(*store_).value().front();
  EXPECT_EQ(reminder.state, "pending");
  EXPECT_FALSE(retry_notification(*store_, replaced.id).ok());  // never sent again
  EXPECT_EQ(stale_signing_mail_reason(*store_, replaced.link, utc_now()).value(), "the signing link was replaced by a reminder");
  EXPECT_EQ(stale_signing_mail_reason(*store_, reminder.link, utc_now()).value(), "");

  // A signature: that signer's waiting mail is withdrawn, the other signer's is not.
  const int64_t signed_case = add_case({{"guardian2", kGuardian2}, {"other", ""}});
  ASSERT_TRUE(sign("guardian2", kGuardian2).ok());
  EXPECT_EQ(mail_of(links_["guardian2"]).state, "cancelled");
  EXPECT_EQ(mail_of(links_["guardian2"]).last_error, "the request is signed");
  EXPECT_EQ(mail_of(links_["other"]).state, "pending");
  EXPECT_EQ(request(signed_case, "other").state, "pending");

  // Expiry by the sweep: the link's last mail is withdrawn.
  const int64_t expired = add_case({{"guardian2", kGuardian2}});
  // Every pending link is past its 30 days: the reminder's, "other"'s and this one.
  ASSERT_EQ(sweep_signature_requests(*store_, ms(utc_now()) + 31LL * 86400000).value().links_expired, 3);
  EXPECT_EQ(request(expired, "guardian2").state, "expired");
  EXPECT_EQ(mail_of(links_["guardian2"]).last_error, "the signing link or deadline has passed");
  EXPECT_EQ(mail_of(links_["other"]).state, "cancelled");
  // Nothing was deleted: every mail is still in the outbox.
  EXPECT_EQ(list_notifications(*store_).value().size(), 5u);
}

TEST_F(SignatureStoreTest, SignedSignersAreNotReminded) {
  const int64_t seq = add_case({{"guardian2", kGuardian2}, {"other", ""}});
  ASSERT_TRUE(sign("guardian2", kGuardian2).ok());
  Result<SignatureRequest> r = remind_signer(*store_, seq, "guardian2", kPublicUrl, 7, ms(utc_now()));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors().front().code, "signature.already_signed");
}

TEST_F(SignatureStoreTest, LinkExpiryIsSweptOnceAndAReminderReopens) {
  const int64_t seq = add_case({{"guardian2", kGuardian2}});
  const int64_t now = ms(utc_now());
  Result<SignatureSweep> nothing = sweep_signature_requests(*store_, now);
  ASSERT_TRUE(nothing.ok());
  EXPECT_EQ(nothing.value().links_expired, 0);
  EXPECT_TRUE(event_kinds(seq).empty());

  const int64_t later = now + 31LL * 86400000;
  Result<SignatureSweep> swept = sweep_signature_requests(*store_, later);
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(swept.value().links_expired, 1);
  EXPECT_EQ(request(seq, "guardian2").state, "expired");
  EXPECT_EQ(sweep_signature_requests(*store_, later).value().links_expired, 0);
  EXPECT_EQ(event_kinds(seq), std::vector<std::string>{"signature_link_expired"});
  // The server's own action is in the audit log, on the chain, without personal data.
  std::vector<AuditEntry> log = list_audit(*store_, 0, 10).value();
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.front().actor, "system");
  EXPECT_EQ(log.front().action, "case.signature_link_expired");
  EXPECT_EQ(log.front().target, "case:" + case_of(seq).reference);
  EXPECT_EQ(log.front().detail, json({{"signer", "guardian2"}}));
  EXPECT_TRUE(verify_audit_chain(*store_).value().empty());

  Result<SignatureRequest> reopened = remind_signer(*store_, seq, "guardian2", kPublicUrl, 7, later);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened.value().state, "pending");
  EXPECT_EQ(request(seq, "guardian2").state, "pending");
}

TEST_F(SignatureStoreTest, DeadlinesAreCheckedAndTheirPassingFlagsTheCaseOnce) {
  const int64_t seq = add_case({{"guardian2", kGuardian2}});
  const int64_t now = ms("2026-08-20T12:00:00Z");
  for (const char* bad : {"", "2026-8-30", "2026-02-30", "30/08/2026", "2026-08-19"}) {
    Result<bool> r = set_signing_deadline(*store_, seq, bad, 7, now);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.errors().front().code, "signature.bad_deadline") << bad;
  }
  ASSERT_TRUE(set_signing_deadline(*store_, seq, "2026-08-20", 7, now).ok());  // today is not the past
  EXPECT_EQ(case_of(seq).signing_deadline, "2026-08-20");
  EXPECT_EQ(event_kinds(seq), std::vector<std::string>{"signing_deadline"});

  // Still the deadline day (UTC): nothing.
  EXPECT_EQ(sweep_signature_requests(*store_, ms("2026-08-20T23:59:59Z")).value().deadlines_passed, 0);
  Result<SignatureSweep> passed = sweep_signature_requests(*store_, ms("2026-08-21T00:00:00Z"));
  ASSERT_TRUE(passed.ok());
  EXPECT_EQ(passed.value().deadlines_passed, 1);
  EXPECT_EQ(case_of(seq).flag, "signature_deadline_passed");
  EXPECT_EQ(request(seq, "guardian2").state, "expired");
  EXPECT_EQ(sweep_signature_requests(*store_, ms("2026-08-22T00:00:00Z")).value().deadlines_passed, 0);
  EXPECT_EQ(event_kinds(seq), (std::vector<std::string>{"signing_deadline", "signature_deadline"}));
  const CaseEvent flagged = case_history(*store_, seq).value()[1];
  EXPECT_EQ(flagged.detail["deadline"], "2026-08-20");
  EXPECT_EQ(flagged.detail["signers"], json::array({"guardian2"}));
  std::vector<AuditEntry> log = list_audit(*store_, 0, 10).value();
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.front().actor, "system");
  EXPECT_EQ(log.front().action, "case.signature_deadline_passed");
  EXPECT_EQ(log.front().target, "case:" + case_of(seq).reference);
  EXPECT_EQ(log.front().detail, json({{"deadline", "2026-08-20"}, {"signers", {"guardian2"}}}));
  EXPECT_EQ(std::count_if(log.begin(), log.end(), [](const AuditEntry& e) { return e.action == "case.signature_deadline_passed"; }), 1)
      << "once, like the flag";

  // No reminder after the deadline; a new deadline clears the flag and allows one.
  Result<SignatureRequest> late = remind_signer(*store_, seq, "guardian2", kPublicUrl, 7, ms("2026-08-22T00:00:00Z"));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.errors().front().code, "signature.deadline_passed");
  ASSERT_TRUE(set_signing_deadline(*store_, seq, "2026-09-01", 7, ms("2026-08-22T00:00:00Z")).ok());
  EXPECT_EQ(case_of(seq).flag, "");
  EXPECT_TRUE(remind_signer(*store_, seq, "guardian2", kPublicUrl, 7, ms("2026-08-22T00:00:00Z")).ok());
}

TEST_F(SignatureStoreTest, ARemovedDeadlineClearsTheFlagAndIsRecordedOnce) {
  const int64_t seq = add_case({{"guardian2", kGuardian2}});
  ASSERT_TRUE(set_signing_deadline(*store_, seq, "2026-08-20", 7, ms("2026-08-20T12:00:00Z")).ok());
  ASSERT_EQ(sweep_signature_requests(*store_, ms("2026-08-21T00:00:00Z")).value().deadlines_passed, 1);
  ASSERT_EQ(case_of(seq).flag, "signature_deadline_passed");

  Result<bool> removed_one = remove_signing_deadline(*store_, seq, 7, ms("2026-08-22T00:00:00Z"));
  ASSERT_TRUE(removed_one.ok());
  EXPECT_TRUE(removed_one.value());  // there was one to remove
  EXPECT_EQ(case_of(seq).signing_deadline, "");
  EXPECT_EQ(case_of(seq).flag, "");
  EXPECT_EQ(event_kinds(seq), (std::vector<std::string>{"signing_deadline", "signature_deadline", "signing_deadline"}));
  const CaseEvent removed = case_history(*store_, seq).value()[2];
  EXPECT_EQ(removed.detail, json({{"from", "2026-08-20"}, {"to", nullptr}}));
  const AuditEntry audited = list_audit(*store_, 0, 1).value().front();
  EXPECT_EQ(audited.action, "case.signing_deadline");
  EXPECT_EQ(audited.actor, "user:7");
  EXPECT_EQ(audited.detail, json({{"from", "2026-08-20"}, {"to", nullptr}}));
  // Without a deadline nothing is due: a reminder may go, and no sweep flags the case.
  EXPECT_TRUE(remind_signer(*store_, seq, "guardian2", kPublicUrl, 7, ms("2026-08-22T00:00:00Z")).ok());
  EXPECT_EQ(sweep_signature_requests(*store_, ms("2026-09-30T00:00:00Z")).value().deadlines_passed, 0);
  // Removing what is not there records nothing.
  const size_t events = event_kinds(seq).size();
  Result<bool> removed_none = remove_signing_deadline(*store_, seq, 7, ms("2026-08-23T00:00:00Z"));
  ASSERT_TRUE(removed_none.ok());
  EXPECT_FALSE(removed_none.value());  // the page says there was none
  EXPECT_EQ(event_kinds(seq).size(), events);
}

TEST_F(SignatureStoreTest, OnlyWaitingCasesTakeADeadline) {
  const int64_t seq = add_case({{"guardian2", kGuardian2}});
  ASSERT_TRUE(sign("guardian2", kGuardian2).ok());
  Result<bool> r = set_signing_deadline(*store_, seq, "2099-01-01", 7, ms(utc_now()));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors().front().code, "signature.not_awaiting");
  Result<bool> removed = remove_signing_deadline(*store_, seq, 7, ms(utc_now()));
  ASSERT_FALSE(removed.ok());
  EXPECT_EQ(removed.errors().front().code, "signature.not_awaiting");
}

TEST(SignatureTitleTest, PicksTheLanguageThenSwedishThenAny) {
  const json title = {{"sv", "Vårdnadshavare 2"}, {"en", "Second guardian"}, {"nb", "Foresatt 2"}};
  EXPECT_EQ(signer_title_text(title, "en", "g2"), "Second guardian");
  EXPECT_EQ(signer_title_text(title, "fi", "g2"), "Vårdnadshavare 2");
  EXPECT_EQ(signer_title_text(json{{"nb", "Foresatt 2"}}, "en", "g2"), "Foresatt 2");
  EXPECT_EQ(signer_title_text("Medsökande", "en", "g2"), "Medsökande");
  EXPECT_EQ(signer_title_text(nullptr, "en", "g2"), "g2");
}

}  // namespace
}  // namespace blankett
