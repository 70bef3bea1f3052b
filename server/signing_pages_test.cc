// The signer's pages and the caseworker's signer actions against a real server with the
// development identity provider: a joint-custody skolskjuts application submitted
// through the API, its e-mail read from the outbox, the second guardian identifying and
// signing (and the wrong person, a stale form or another case's link failing), the
// receipt verifying with `blankett verify`, reminders with their limits, the deadline
// flagged by the dispatcher and expired links.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "accounts.h"
#include "audit_log.h"
#include "blankett/submission.h"
#include "blankett/form.h"
#include "blankett/scenario.h"
#include "case_store.h"
#include "dispatcher.h"
#include "notifications.h"
#include "signature_store.h"
#include "test_server.h"
#include "verify_command.h"
#include "webhooks.h"

namespace blankett {
namespace {

using nlohmann::json;

constexpr char kGuardian2[] = "19850704-9982";
constexpr char kGuardian1[] = "19811218-9876";

std::string search(const std::string& text, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(pattern)) ? m[1].str() : "";
}
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class SigningPagesTest : public TestServer {
 protected:
  SigningPagesTest() : TestServer("blankett-signing") {
    options_.today = [] { return std::string("2026-08-15"); };
    options_.identity.provider = "dev";
  }

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(start());
    ASSERT_TRUE(add_webhook(*store_, "skolskjuts", "http://127.0.0.1:9/hook", "receiver-shared-secret-0123456789",
                            {kEventSignatureCompleted}, "cli")
                    .ok());
  }

  json joint_answers() {
    const std::string dir = BLANKETT_SOURCE_DIR "/forms/skolskjuts";
    const FormPtr form = compile_form(slurp(dir + "/form.json")).value();
    const ScenarioResult r = run_scenario(form, json::parse(slurp(dir + "/tests/happy-path-joint-custody-with-support.json")));
    EXPECT_TRUE(r.passed);
    json answers = r.final_answers;
    answers["needs_support"] = false;  // its medical certificate would need a real file
    return answers;
  }

  // Submits a joint-custody application in English; returns its reference and sets
  // token_ to the token of the link its e-mail carries.
  std::string submit_joint() {
    const json version = json::parse(client_->Get("/api/forms/skolskjuts")->body)["version"];
    const json body = {{"version", version}, {"answers", joint_answers()}, {"language", "en"}};
    auto res = client_->Post("/api/forms/skolskjuts/submissions", {{"Idempotency-Key", "signing-test-" + std::to_string(++n_)}},
                             body.dump(), "application/json");
    EXPECT_TRUE(res);
    if (!res) return "";
    EXPECT_EQ(res->status, 201) << res->body;
    const json answer = json::parse(res->body);
    EXPECT_EQ(answer["awaiting_signatures"], (json::array({{{"id", "guardian2"},
                                                            {"title", {{"sv", "Vårdnadshavare 2"}, {"en", "Second guardian"}, {"nb", "Foresatt 2"}}}}})));
    token_ = newest_link_token();
    return answer["receipt"]["reference"];
  }
  // The same with the support step and its medical certificate (multipart); returns the
  // reference, token_ as above.
  std::string submit_joint_with_certificate(const std::string& pdf) {
    json answers = joint_answers();
    answers["needs_support"] = true;
    answers["medical_certificate"] =
        json::array({{{"name", "läkarintyg.pdf"}, {"type", "application/pdf"}, {"size", pdf.size()}, {"sha256", sha256_of(pdf)}}});
    const json version = json::parse(client_->Get("/api/forms/skolskjuts")->body)["version"];
    const json body = {{"version", version}, {"answers", answers}, {"language", "en"}};
    httplib::MultipartFormDataItems items{{"submission", body.dump(), "", "application/json"},
                                          {"file", pdf, "läkarintyg.pdf", "application/pdf"}};
    auto res = client_->Post("/api/forms/skolskjuts/submissions", {{"Idempotency-Key", "signing-test-" + std::to_string(++n_)}}, items);
    EXPECT_TRUE(res);
    if (!res) return "";
    EXPECT_EQ(res->status, 201) << res->body;
    token_ = newest_link_token();
    return json::parse(res->body)["receipt"]["reference"];
  }
  std::string newest_link_token() {
    const std::vector<Notification> mails = list_notifications(*store_).value();
    if (mails.empty()) return "";
    const std::string& link = mails[0].link;
    EXPECT_TRUE(has(link, "/sign/")) << link;
    return link.substr(link.rfind("/sign/") + 6);
  }
  CaseSummary case_of(const std::string& reference) { return get_case(*store_, reference).value().value(); }

  // Goes through the development provider as `number`; returns the identity cookie.
  std::string identify(const std::string& token, const std::string& number) {
    auto start = client_->Post(("/sign/" + token + "/identify").c_str(), {{"Cookie", "blankett_lang=en"}}, "", "application/x-www-form-urlencoded");
    EXPECT_TRUE(start);
    if (!start) return "";
    EXPECT_EQ(start->status, 303) << start->body;
    std::string cookie;
    for (const auto& [key, value] : start->headers) {
      if (key == "Set-Cookie" && value.rfind("blankett_identity=", 0) == 0) cookie = value.substr(0, value.find(';'));
    }
    const std::string state = search(start->get_header_value("Location"), "state=([A-Za-z0-9_-]+)");
    EXPECT_FALSE(cookie.empty());
    EXPECT_FALSE(state.empty()) << start->get_header_value("Location");
    auto done = client_->Post("/identity/dev", {{"Cookie", cookie + "; blankett_lang=en"}},
                              httplib::Params{{"state", state}, {"personal_number", number}});
    EXPECT_TRUE(done);
    if (!done) return "";
    EXPECT_EQ(done->status, 303) << done->body;
    EXPECT_EQ(done->get_header_value("Location"), "/sign/" + token);
    return cookie;
  }
  httplib::Result get_sign(const std::string& token, const std::string& cookie = "") {
    return client_->Get(("/sign/" + token).c_str(), {{"Cookie", cookie + (cookie.empty() ? "" : "; ") + "blankett_lang=en"}});
  }
  httplib::Result post_sign(const std::string& token, const std::string& cookie, const std::string& csrf) {
    httplib::Params form;
    if (!csrf.empty()) form.emplace("identity_csrf", csrf);
    return client_->Post(("/sign/" + token).c_str(), {{"Cookie", cookie + "; blankett_lang=en"}}, form);
  }
  std::string csrf_of(const std::string& page) { return search(page, "name=\"identity_csrf\" value=\"([^\"]+)\""); }

  // A caseworker of skolskjuts (or of `forms`) with a session made in the store.
  Session caseworker(const std::string& name, const std::vector<std::string>& forms = {"skolskjuts"}) {
    const int64_t id = insert_user(name, name, {Role::caseworker});
    EXPECT_TRUE(set_scopes(*store_, id, forms).ok());
    return sign_in(id);
  }

  void run_sql(const std::string& sql) {
    Result<bool> done = sql::exec(store_->db.get(), sql.c_str());
    ASSERT_TRUE(done.ok()) << to_string(done.errors().front());
  }

  std::string token_;
  int n_ = 0;
};

TEST_F(SigningPagesTest, UnknownOrMalformedLinksAre404) {
  submit_joint();
  const std::string guess = new_signing_token(parse_utc_ms(utc_now()).value());
  for (const std::string& token : {guess, std::string("abc"), token_ + "x", token_.substr(0, 42) + "."}) {
    auto res = get_sign(token);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404) << token;
    EXPECT_TRUE(has(res->body, "The link does not work")) << token;
    EXPECT_EQ(client_->Post(("/sign/" + token + "/identify").c_str(), "", "application/x-www-form-urlencoded")->status, 404);
    EXPECT_EQ(post_sign(token, "", "x")->status, 404);
  }
}

TEST_F(SigningPagesTest, TheSecondGuardianIdentifiesSeesTheApplicationAndSigns) {
  const std::string reference = submit_joint();
  EXPECT_EQ(case_of(reference).status, CaseStatus::awaiting_signatures);
  // The e-mail: the link and a fixed text, nothing from the application.
  const Notification mail = list_notifications(*store_).value()[0];
  EXPECT_EQ(mail.recipient, "johan.berg@example.se");
  EXPECT_EQ(mail.subject, "An application is waiting for your signature");
  EXPECT_EQ(mail.link, "http://127.0.0.1:" + std::to_string(port_) + "/sign/" + token_);
  for (const char* secret : {"Alva", "Berg", "19850704", reference.c_str()}) EXPECT_FALSE(has(mail.body, secret)) << secret;

  // Before identifying: only that something waits.
  auto page = get_sign(token_);
  ASSERT_EQ(page->status, 200);
  EXPECT_TRUE(has(page->body, "An application is waiting for your signature"));
  EXPECT_TRUE(has(page->body, "action=\"/sign/" + token_ + "/identify\""));
  EXPECT_FALSE(has(page->body, "Alva"));
  EXPECT_FALSE(has(page->body, reference));

  // The other guardian: this link is for someone else, and says nothing about whom.
  const std::string wrong = identify(token_, kGuardian1);
  page = get_sign(token_, wrong);
  EXPECT_EQ(page->status, 403);
  EXPECT_TRUE(has(page->body, "This link is for someone else"));
  EXPECT_FALSE(has(page->body, "19850704"));
  EXPECT_FALSE(has(page->body, "Alva"));
  EXPECT_EQ(post_sign(token_, wrong, "anything")->status, 403);

  // The right person sees exactly what was submitted and the form that signs it.
  const std::string cookie = identify(token_, kGuardian2);
  page = get_sign(token_, cookie);
  ASSERT_EQ(page->status, 200) << page->body;
  EXPECT_TRUE(has(page->body, "Sign the application"));
  EXPECT_TRUE(has(page->body, "Alva Berg"));
  EXPECT_TRUE(has(page->body, reference));
  EXPECT_TRUE(has(page->body, "Second guardian"));
  const std::string csrf = csrf_of(page->body);
  ASSERT_FALSE(csrf.empty());

  // Without the page's token: nothing is signed.
  auto refused = post_sign(token_, cookie, "");
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(case_of(reference).status, CaseStatus::awaiting_signatures);

  auto signed_page = post_sign(token_, cookie, csrf);
  ASSERT_EQ(signed_page->status, 200) << signed_page->body;
  EXPECT_TRUE(has(signed_page->body, "The application is signed"));
  EXPECT_TRUE(has(signed_page->body, "download=\"underskrift-" + reference + "-guardian2.json\""));
  EXPECT_TRUE(has(signed_page->body, "href=\"data:application/json;charset=utf-8,"));
  EXPECT_EQ(case_of(reference).status, CaseStatus::new_case);

  // The webhook, the history and the audit log.
  bool webhook = false;
  const std::vector<WebhookDelivery> deliveries = list_deliveries(*store_).value();
  for (const WebhookDelivery& d : deliveries) {
    if (d.event == "signature.completed") {
      webhook = true;
      EXPECT_EQ(json::parse(d.payload)["reference"], reference);
    }
  }
  EXPECT_TRUE(webhook);
  std::vector<std::string> kinds;
  const std::vector<CaseEvent> events = case_history(*store_, case_of(reference).seq).value();
  for (const CaseEvent& e : events) kinds.push_back(e.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"signature", "status"}));

  // The receipt verifies offline with the published keys, and binds the submission.
  const SignatureRequest r = list_signature_requests(*store_, case_of(reference).seq).value()[0];
  EXPECT_EQ(r.state, "signed");
  const json receipt = json::parse(r.receipt);
  EXPECT_EQ(receipt["signer_identity"]["personal_number"], kGuardian2);
  EXPECT_EQ(receipt["receipt_sha256"], get_submission_by_reference(*store_, reference).value()->receipt_sha256);
  EXPECT_TRUE(has(signed_page->body, receipt["submission_sha256"].get<std::string>()));
  std::ofstream(dir_.file("signature.json")) << r.receipt;
  std::ofstream(dir_.file("keys.json")) << client_->Get("/api/keys")->body;
  std::ofstream(dir_.file("submission.json")) << get_submission_by_reference(*store_, reference).value()->canonical;
  std::ostringstream out, err;
  EXPECT_EQ(verify_command({dir_.file("signature.json"), "--key", dir_.file("keys.json"), "--submission", dir_.file("submission.json")}, out, err), 0)
      << out.str() << err.str();
  EXPECT_TRUE(has(out.str(), "signature of guardian2 on " + reference + " verifies")) << out.str();

  // The same link again: already signed, nothing changes, no content.
  auto again = post_sign(token_, cookie, csrf);
  EXPECT_EQ(again->status, 409);
  EXPECT_TRUE(has(again->body, "already signed"));
  page = get_sign(token_, cookie);
  EXPECT_EQ(page->status, 200);
  EXPECT_TRUE(has(page->body, "already signed"));
  EXPECT_FALSE(has(page->body, "Alva"));
  EXPECT_EQ(list_signature_requests(*store_, case_of(reference).seq).value()[0].receipt, r.receipt);

  // The caseworker sees the signature (no reminder form any more) and its history.
  const Session karin = caseworker("karin");
  auto casepage = get_as("/inbox/cases/" + reference, karin);
  ASSERT_EQ(casepage->status, 200);
  EXPECT_TRUE(has(casepage->body, "Second guardian signed the application."));
  EXPECT_TRUE(has(casepage->body, ">Signed</strong>"));
  EXPECT_FALSE(has(casepage->body, "/signers/guardian2/remind"));
}

TEST_F(SigningPagesTest, TheSignerCanDownloadTheAttachmentsOfWhatTheySign) {
  const std::string pdf = "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
  const std::string reference = submit_joint_with_certificate(pdf);
  const std::string first_token = token_;
  const std::string download = "/sign/" + first_token + "/attachments/" + sha256_of(pdf);
  auto get = [this](const std::string& path, const std::string& cookie) {
    return client_->Get(path.c_str(), {{"Cookie", cookie + (cookie.empty() ? "" : "; ") + "blankett_lang=en"}});
  };
  // Not identified, or identified as someone else: no file.
  EXPECT_EQ(get(download, "")->status, 403);
  EXPECT_EQ(get(download, identify(first_token, kGuardian1))->status, 403);

  const std::string cookie = identify(first_token, kGuardian2);
  auto page = get_sign(first_token, cookie);
  ASSERT_EQ(page->status, 200) << page->body;
  EXPECT_TRUE(has(page->body, "<a href=\"" + download + "\">läkarintyg.pdf</a>")) << page->body;
  auto file = get(download, cookie);
  ASSERT_EQ(file->status, 200) << file->body;
  EXPECT_EQ(file->body, pdf);
  EXPECT_EQ(file->get_header_value("Content-Type"), "application/pdf");
  // The inbox's download (send_attachment_download; its raw header bytes are checked in
  // inbox_pages_test): cpp-httplib's client hands the value back percent-decoded.
  EXPECT_EQ(file->get_header_value("Content-Disposition"), "attachment; filename=\"l__karintyg.pdf\"; filename*=UTF-8''läkarintyg.pdf");
  EXPECT_EQ(file->get_header_value("Cache-Control"), "no-store");
  const AuditEntry audited = list_audit(*store_, 0, 1).value().front();
  EXPECT_EQ(audited.action, "case.attachment");
  EXPECT_EQ(audited.actor.rfind("signer:", 0), 0u) << audited.actor;
  EXPECT_EQ(audited.target, "case:" + reference);

  // Only a file of this link's case: another application's file is not opened by its hash.
  const std::string other_pdf = pdf + "% another\n";
  submit_joint_with_certificate(other_pdf);
  EXPECT_EQ(get("/sign/" + first_token + "/attachments/" + sha256_of(other_pdf), cookie)->status, 404);
  EXPECT_EQ(get("/sign/" + first_token + "/attachments/" + std::string(64, 'a'), cookie)->status, 404);
}

TEST_F(SigningPagesTest, AnIdentityForOneLinkCannotSignAnother) {
  const std::string first = submit_joint();
  const std::string first_token = token_;
  const std::string second = submit_joint();
  const std::string cookie = identify(first_token, kGuardian2);
  const std::string csrf = csrf_of(get_sign(first_token, cookie)->body);
  ASSERT_FALSE(csrf.empty());
  // The flow was for the first link: on the second it proves nothing.
  auto other = post_sign(token_, cookie, csrf);
  EXPECT_EQ(other->status, 403);
  EXPECT_TRUE(has(other->body, "Identify yourself"));
  EXPECT_EQ(case_of(second).status, CaseStatus::awaiting_signatures);
  EXPECT_EQ(case_of(first).status, CaseStatus::awaiting_signatures);
  // And it still signs its own.
  EXPECT_EQ(post_sign(first_token, cookie, csrf)->status, 200);
  EXPECT_EQ(case_of(first).status, CaseStatus::new_case);
  EXPECT_EQ(case_of(second).status, CaseStatus::awaiting_signatures);
}

TEST_F(SigningPagesTest, LinksMailedBeforeTokensHadTheirTimeStillSign) {
  const std::string reference = submit_joint();
  // As such a request was stored: a 43-character token, kept as its SHA-256 alone.
  const std::string old = "Qm9va2VkIGJlZm9yZSB0aGUgdGltZSBwcmVmaXguLi4";
  ASSERT_TRUE(plausible_signing_token(old));
  run_sql("UPDATE signature_requests SET token_sha256 = '" + sha256_of(old) + "'");
  EXPECT_EQ(get_sign(token_)->status, 404);
  const std::string cookie = identify(old, kGuardian2);
  const std::string csrf = csrf_of(get_sign(old, cookie)->body);
  ASSERT_FALSE(csrf.empty());
  EXPECT_EQ(post_sign(old, cookie, csrf)->status, 200);
  EXPECT_EQ(case_of(reference).status, CaseStatus::new_case);
}

TEST_F(SigningPagesTest, ExpiredLinksAre410) {
  submit_joint();
  const std::string cookie = identify(token_, kGuardian2);
  const std::string csrf = csrf_of(get_sign(token_, cookie)->body);
  run_sql("UPDATE signature_requests SET expires_at = '2026-01-01T00:00:00.000Z'");
  auto page = get_sign(token_, cookie);
  EXPECT_EQ(page->status, 410);
  EXPECT_TRUE(has(page->body, "The link has expired"));
  EXPECT_FALSE(has(page->body, "Alva"));
  EXPECT_EQ(post_sign(token_, cookie, csrf)->status, 410);
  EXPECT_EQ(client_->Post(("/sign/" + token_ + "/identify").c_str(), "", "application/x-www-form-urlencoded")->status, 410);
}

TEST_F(SigningPagesTest, CaseworkersSeeTheSignersAndSendRateLimitedReminders) {
  const std::string reference = submit_joint();
  const std::string old_token = token_;
  const Session karin = caseworker("karin");
  auto page = get_as("/inbox/cases/" + reference, karin);
  ASSERT_EQ(page->status, 200);
  EXPECT_TRUE(has(page->body, "<caption id=\"signers-caption\">People who must sign</caption>"));
  EXPECT_TRUE(has(page->body, "Second guardian"));
  EXPECT_TRUE(has(page->body, "Waiting"));
  EXPECT_TRUE(has(page->body, "/inbox/cases/" + reference + "/signers/guardian2/remind"));
  EXPECT_TRUE(has(page->body, "id=\"signing-deadline\""));

  const std::string remind = "/inbox/cases/" + reference + "/signers/guardian2/remind";
  auto sent = post_as(remind, karin);
  ASSERT_EQ(sent->status, 303) << sent->body;
  EXPECT_EQ(sent->get_header_value("Location"), "/inbox/cases/" + reference + "?done=reminder");
  const std::vector<Notification> mails = list_notifications(*store_).value();
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(mails[0].subject, "Reminder: an application is waiting for your signature");
  // The old link stops working; the new one works.
  EXPECT_EQ(get_sign(old_token)->status, 404);
  EXPECT_EQ(get_sign(newest_link_token())->status, 200);

  auto soon = post_as(remind, karin);
  EXPECT_EQ(soon->status, 429);
  EXPECT_TRUE(has(soon->body, "A reminder was sent within the last hour")) << soon->body;
  EXPECT_TRUE(has(soon->body, "href=\"#remind-guardian2\""));
  EXPECT_EQ(list_notifications(*store_).value().size(), 2u);

  run_sql("UPDATE signature_requests SET reminders = 5, last_reminder_at = '2026-01-01T00:00:00.000Z'");
  auto many = post_as(remind, karin);
  EXPECT_EQ(many->status, 409);
  EXPECT_TRUE(has(many->body, "At most 5 reminders"));

  // The history names the reminder; the audit log has it by the caseworker.
  page = get_as("/inbox/cases/" + reference, karin);
  EXPECT_TRUE(has(page->body, "Sent reminder 1 with a new link to Second guardian."));
  bool audited = false;
  const std::vector<AuditEntry> entries = list_audit(*store_, 0, 100).value();
  for (const AuditEntry& e : entries) {
    if (e.action == "case.signature_reminder") audited = e.actor == "user:" + std::to_string(karin.user_id);
  }
  EXPECT_TRUE(audited);
}

TEST_F(SigningPagesTest, OnlyCaseworkersOfTheFormMayRemindOrSetADeadline) {
  const std::string reference = submit_joint();
  const std::string remind = "/inbox/cases/" + reference + "/signers/guardian2/remind";
  const std::string deadline = "/inbox/cases/" + reference + "/signing-deadline";
  const Session other = caseworker("olle", {"kulturskola"});
  EXPECT_EQ(post_as(remind, other)->status, 404);
  EXPECT_EQ(post_as(deadline, other, {{"signing_deadline", "2099-01-01"}})->status, 404);
  const Session admin = sign_in(insert_user("admin", "Admin", {Role::admin}));
  EXPECT_EQ(post_as(remind, admin)->status, 403);
  const Session karin = caseworker("karin");
  EXPECT_EQ(post_as(remind, karin, {}, false)->status, 403);  // no CSRF token
  EXPECT_EQ(post_as(deadline, karin, {{"signing_deadline", "2099-01-01"}}, false)->status, 403);
  EXPECT_EQ(client_->Post(remind.c_str(), "", "application/x-www-form-urlencoded")->status, 303);  // to /login
  EXPECT_EQ(post_as("/inbox/cases/" + reference + "/signers/nobody/remind", karin)->status, 404);
  EXPECT_EQ(list_notifications(*store_).value().size(), 1u);
  EXPECT_TRUE(case_of(reference).signing_deadline.empty());
}

TEST_F(SigningPagesTest, APassedDeadlineFlagsTheCaseThroughTheDispatcher) {
  const std::string reference = submit_joint();
  const Session karin = caseworker("karin");
  const std::string deadline = "/inbox/cases/" + reference + "/signing-deadline";
  auto past = post_as(deadline, karin, {{"signing_deadline", "2020-01-01"}});
  EXPECT_EQ(past->status, 400);
  EXPECT_TRUE(has(past->body, "Enter a date as YYYY-MM-DD, today or later"));
  EXPECT_EQ(post_as(deadline, karin, {{"signing_deadline", "not a date"}})->status, 400);
  EXPECT_FALSE(has(get_as("/inbox/cases/" + reference, karin)->body, "Remove the deadline")) << "nothing to remove yet";
  auto set = post_as(deadline, karin, {{"signing_deadline", "2099-01-01"}});
  ASSERT_EQ(set->status, 303) << set->body;
  EXPECT_EQ(case_of(reference).signing_deadline, "2099-01-01");
  // Removed (the date field may be left as it is), then set again.
  EXPECT_TRUE(has(get_as("/inbox/cases/" + reference, karin)->body,
                  "<button type=\"submit\" class=\"button button--secondary\" name=\"action\" value=\"remove\">Remove the deadline</button>"));
  auto removed = post_as(deadline, karin, {{"signing_deadline", "2099-01-01"}, {"action", "remove"}});
  ASSERT_EQ(removed->status, 303) << removed->body;
  EXPECT_TRUE(case_of(reference).signing_deadline.empty());
  EXPECT_TRUE(has(get_as("/inbox/cases/" + reference, karin)->body, "Removed the signing deadline."));
  set = post_as(deadline, karin, {{"signing_deadline", "2099-01-01"}, {"action", "set"}});
  ASSERT_EQ(set->status, 303) << set->body;
  EXPECT_EQ(case_of(reference).signing_deadline, "2099-01-01");

  // The dispatcher on a clock past the deadline day.
  int64_t now = parse_utc_ms("2099-01-02T00:00:01Z").value() / 1000;
  DispatcherOptions o;
  o.db_path = options_.data_dir + "/blankett.db";
  o.now = [&now] { return now; };
  o.log = false;
  Result<std::unique_ptr<Dispatcher>> dispatcher = Dispatcher::open(o);
  ASSERT_TRUE(dispatcher.ok());
  Result<DispatchStats> pass = dispatcher.value()->run_once();
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass.value().signature_deadlines_passed, 1);
  EXPECT_EQ(case_of(reference).flag, "signature_deadline_passed");
  now += 3600;  // once
  EXPECT_EQ(dispatcher.value()->run_once().value().signature_deadlines_passed, 0);

  auto page = get_as("/inbox/cases/" + reference, karin);
  EXPECT_TRUE(has(page->body, "The signing deadline passed before everyone had signed."));
  EXPECT_TRUE(has(page->body, "The signing deadline (2099-01-01) passed before everyone had signed."));
  EXPECT_TRUE(has(page->body, "Expired"));
  EXPECT_EQ(get_sign(token_)->status, 410);
  // No reminder once the deadline has passed (by the server's clock) until a new one.
  run_sql("UPDATE cases SET signing_deadline = '2026-01-01'");
  auto late = post_as("/inbox/cases/" + reference + "/signers/guardian2/remind", karin);
  EXPECT_EQ(late->status, 409);
  EXPECT_TRUE(has(late->body, "The signing deadline has passed"));
}

TEST_F(SigningPagesTest, AClosedCaseCannotBeSigned) {
  const std::string reference = submit_joint();
  const Session karin = caseworker("karin");
  auto closed = post_as("/inbox/cases/" + reference + "/status", karin, {{"status", "closed"}});
  ASSERT_EQ(closed->status, 303) << closed->body;
  auto page = get_sign(token_);
  EXPECT_EQ(page->status, 410);
  EXPECT_TRUE(has(page->body, "no longer waits for signatures"));
}

}  // namespace
}  // namespace blankett
