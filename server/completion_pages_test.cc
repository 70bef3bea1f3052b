// Completion requests against a real server: the caseworker asks for a new phone number
// and certificate, the e-mail carries only the link, the citizen app's API serves the
// marked fields and takes the reply (merged, re-validated, stored as version 2 with a
// receipt that amends version 1), the case page shows the versions and their
// differences; and everything that must fail does (unmarked fields, used, cancelled and
// unknown links, other caseworkers, missing CSRF, the wrong person, another case's
// identification).
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <regex>
#include <sstream>

#include "accounts.h"
#include "api_tokens.h"
#include "audit_command.h"
#include "audit_log.h"
#include "blankett/submission.h"
#include "case_store.h"
#include "completion_pages.h"
#include "completion_store.h"
#include "notifications.h"
#include "receipt.h"
#include "test_server.h"
#include "verify_command.h"
#include "webhooks.h"

namespace blankett {
namespace {

using nlohmann::json;

constexpr char kApplicant[] = "19811218-9876";
constexpr char kSomeoneElse[] = "19850704-9982";
const std::string kPdf = "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
const std::string kNewPdf = "%PDF-1.4\n% the readable one\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

std::string search(const std::string& text, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(pattern)) ? m[1].str() : "";
}
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A form with every kind of answer a completion can ask for: text, an attachment, a
// repeat group, and a calculated field it cannot. With `with_number` the applicant
// names their personal identity number, and completing needs identification.
std::string test_form(const std::string& id, bool with_number) {
  auto text = [](const char* sv, const char* en) { return json{{"sv", sv}, {"en", en}}; };
  json fields = json::array({
      {{"id", "name"}, {"type", "text"}, {"label", text("Namn", "Name")}, {"required", true}},
      {{"id", "email"}, {"type", "email"}, {"label", text("E-post", "Email")}},
      {{"id", "phone"}, {"type", "text"}, {"label", text("Telefon", "Phone")}, {"required", true}},
      {{"id", "certificate"}, {"type", "attachment"}, {"label", text("Intyg", "Certificate")}, {"accept", {"application/pdf"}},
       {"max_size", 100000}, {"max_files", 2}},
      {{"id", "children"}, {"type", "group"}, {"label", text("Barn", "Children")}, {"item_label", text("Barn", "Child")},
       {"fields", json::array({{{"id", "child_name"}, {"type", "text"}, {"label", text("Barnets namn", "Child's name")}, {"required", true}}})}},
      {{"id", "number_of_children"}, {"type", "integer"}, {"label", text("Antal barn", "Number of children")}, {"readonly", true},
       {"calculate", "count(children)"}},
  });
  json applicant = {{"name", {"name"}}, {"email", "email"}};
  if (with_number) {
    fields.push_back({{"id", "pnr"}, {"type", "personnummer"}, {"label", text("Personnummer", "Personal identity number")}, {"required", true}});
    applicant["personal_number"] = "pnr";
  }
  return json{{"format", 1},
              {"id", id},
              {"title", text("Intyg", "Certificate")},
              {"languages", {"sv", "en"}},
              {"applicant", applicant},
              {"reference_prefix", with_number ? "PNR" : "INT"},
              {"steps", json::array({{{"id", "one"}, {"title", text("Uppgifter", "Details")}, {"fields", fields}}})}}
      .dump(2);
}

json meta(const std::string& name, const std::string& bytes) {
  return {{"name", name}, {"type", "application/pdf"}, {"size", bytes.size()}, {"sha256", sha256_of(bytes)}};
}

class CompletionPagesTest : public TestServer {
 protected:
  CompletionPagesTest() : TestServer("blankett-completion") {
    namespace fs = std::filesystem;
    options_.today = [] { return std::string("2026-08-15"); };
    options_.identity.provider = "dev";
    options_.forms_dir = dir_.file("forms");
    options_.web_dir = dir_.file("web");
    for (const auto& [id, number] : {std::pair<std::string, bool>{"intyg", false}, {"intyg-pnr", true}}) {
      fs::create_directories(options_.forms_dir + "/" + id);
      std::ofstream(options_.forms_dir + "/" + id + "/form.json") << test_form(id, number);
    }
    fs::create_directories(options_.web_dir);
    std::ofstream(options_.web_dir + "/form.html") << "<!DOCTYPE html><title>citizen app</title>";
  }

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(start());
    anna_ = caseworker("anna", {"intyg", "intyg-pnr"});
  }

  Session caseworker(const std::string& name, const std::vector<std::string>& forms) {
    const int64_t id = insert_user(name, name, {Role::caseworker});
    EXPECT_TRUE(set_scopes(*store_, id, forms).ok());
    return sign_in(id);
  }

  std::string version_of(const std::string& form) { return json::parse(client_->Get(("/api/forms/" + form).c_str())->body)["version"]; }

  json answers(const std::string& email = "karin@example.se") {
    json a = {{"name", "Karin Berg"},
              {"phone", "070-111 11 11"},
              {"certificate", json::array({meta("gammalt.pdf", kPdf)})},
              {"children", json::array({{{"child_name", "Alva"}}})}};
    if (!email.empty()) a["email"] = email;
    return a;
  }

  // Stores an application through the submissions API; returns its reference.
  std::string submit(const std::string& form, json a) {
    if (form == "intyg-pnr") a["pnr"] = kApplicant;
    const json body = {{"version", version_of(form)}, {"answers", a}};
    httplib::MultipartFormDataItems items{{"submission", body.dump(), "", "application/json"}, {"file", kPdf, "gammalt.pdf", "application/pdf"}};
    auto res = client_->Post(("/api/forms/" + form + "/submissions").c_str(), {{"Idempotency-Key", "completion-test-" + std::to_string(++n_)}}, items);
    EXPECT_TRUE(res);
    if (!res) return "";
    EXPECT_EQ(res->status, 201) << res->body;
    return json::parse(res->body)["receipt"]["reference"];
  }

  // The caseworker's request; returns the response.
  httplib::Result ask(const std::string& reference, const Session& s, const std::vector<std::string>& fields,
                      const std::string& message, bool with_csrf = true) {
    httplib::Params form;
    for (const std::string& f : fields) form.emplace("fields", f);
    form.emplace("message", message);
    return post_as("/inbox/cases/" + reference + "/completion?lang=en", s, form, with_csrf);
  }
  // Asks for phone and certificate and returns the token of the link the e-mail carries.
  std::string ask_phone_and_certificate(const std::string& reference) {
    auto res = ask(reference, anna_, {"phone", "certificate"}, kMessage);
    EXPECT_EQ(res->status, 303) << res->body;
    EXPECT_EQ(res->get_header_value("Location"), "/inbox/cases/" + reference + "?done=completion");
    return newest_token();
  }
  std::string newest_token() {
    const std::vector<Notification> mails = list_notifications(*store_).value();
    if (mails.empty()) return "";
    return mails[0].link.substr(mails[0].link.rfind("/complete/") + 10);
  }

  httplib::Result api_get(const std::string& token, const std::string& cookie = "") {
    httplib::Headers headers;
    if (!cookie.empty()) headers.emplace("Cookie", cookie);
    return client_->Get(("/api/completions/" + token).c_str(), headers);
  }
  // The reply as the citizen app sends it: JSON, or multipart with files.
  httplib::Result api_reply(const std::string& token, const json& body, const std::string& key,
                            const std::vector<std::pair<std::string, std::string>>& files = {}, httplib::Headers headers = {}) {
    headers.emplace("Idempotency-Key", key);
    if (files.empty()) return client_->Post(("/api/completions/" + token).c_str(), headers, body.dump(), "application/json");
    httplib::MultipartFormDataItems items{{"submission", body.dump(), "", "application/json"}};
    for (const auto& [name, bytes] : files) items.push_back({"file", bytes, name, "application/pdf"});
    return client_->Post(("/api/completions/" + token).c_str(), headers, items);
  }

  // Through the development provider as `number`; returns the identity cookie.
  std::string identify(const std::string& token, const std::string& number) {
    auto start = client_->Post(("/complete/" + token + "/identify").c_str(), {{"Cookie", "blankett_lang=en"}}, "",
                               "application/x-www-form-urlencoded");
    EXPECT_TRUE(start);
    if (!start) return "";
    EXPECT_EQ(start->status, 303) << start->body;
    std::string cookie;
    for (const auto& [key, value] : start->headers) {
      if (key == "Set-Cookie" && value.rfind("blankett_identity=", 0) == 0) cookie = value.substr(0, value.find(';'));
    }
    const std::string state = search(start->get_header_value("Location"), "state=([A-Za-z0-9_-]+)");
    auto done = client_->Post("/identity/dev", {{"Cookie", cookie + "; blankett_lang=en"}},
                              httplib::Params{{"state", state}, {"personal_number", number}});
    EXPECT_TRUE(done);
    if (!done) return "";
    EXPECT_EQ(done->status, 303) << done->body;
    EXPECT_EQ(done->get_header_value("Location"), "/complete/" + token);
    return cookie;
  }

  CaseSummary case_of(const std::string& reference) { return get_case(*store_, reference).value().value(); }
  std::string error_code(const httplib::Result& res) { return json::parse(res->body)["error"]["code"]; }

  static constexpr const char* kMessage = "The certificate is unreadable: send a new one, and a phone number we can reach.";
  Session anna_;
  int n_ = 0;
};

TEST_F(CompletionPagesTest, TheApplicantCompletesMarkedAnswersAndTheCaseShowsTheNewVersion) {
  ASSERT_TRUE(add_webhook(*store_, "intyg", "http://127.0.0.1:9/hook", "receiver-shared-secret-0123456789",
                          {kEventCompletionReceived}, "cli").ok());
  const std::string reference = submit("intyg", answers());
  const std::string original_receipt = get_submission_by_reference(*store_, reference).value()->receipt;

  // The case page offers every answer a person gives, not the calculated one.
  auto page = get_as("/inbox/cases/" + reference, anna_);
  ASSERT_EQ(page->status, 200);
  for (const char* path : {"name", "email", "phone", "certificate", "children"}) {
    EXPECT_TRUE(has(page->body, std::string("name=\"fields\" value=\"") + path + "\"")) << path;
  }
  EXPECT_FALSE(has(page->body, "value=\"number_of_children\""));
  EXPECT_TRUE(has(page->body, "<label for=\"completion-message\">Message to the applicant</label>"));
  EXPECT_TRUE(has(page->body, "Certificate (attachment)"));

  const std::string token = ask_phone_and_certificate(reference);
  ASSERT_EQ(token.size(), 43u);
  EXPECT_EQ(case_of(reference).status, CaseStatus::awaiting_completion);
  // The e-mail: the applicant's address, a fixed text and the link; nothing of the case.
  const Notification mail = list_notifications(*store_).value()[0];
  EXPECT_EQ(mail.recipient, "karin@example.se");
  EXPECT_TRUE(has(mail.body, "http://127.0.0.1:" + std::to_string(port_) + "/complete/" + token));
  std::string text = mail.subject + "\n" + mail.body;
  text.erase(text.find(mail.link), mail.link.size());
  for (const char* secret : {"unreadable", "Karin", "Alva", "070", reference.c_str(), "Certificate", "Intyg"}) {
    EXPECT_FALSE(has(text, secret)) << secret;
  }
  page = get_as("/inbox/cases/" + reference, anna_);
  EXPECT_TRUE(has(page->body, kMessage)) << "the message is on the case page";
  EXPECT_TRUE(has(page->body, "Requested completion of: Phone, Certificate."));
  EXPECT_FALSE(has(page->body, "name=\"fields\"")) << "no second request while one is open";

  // The link opens the citizen app; no identification for a case without a personal number.
  auto shell = client_->Get(("/complete/" + token).c_str());
  ASSERT_EQ(shell->status, 200);
  EXPECT_TRUE(has(shell->body, "citizen app"));
  EXPECT_EQ(shell->get_header_value("Cache-Control"), "no-store");

  auto got = api_get(token);
  ASSERT_EQ(got->status, 200) << got->body;
  const json data = json::parse(got->body);
  EXPECT_EQ(data["form_id"], "intyg");
  EXPECT_EQ(data["version"], version_of("intyg"));
  EXPECT_EQ(data["reference"], reference);
  EXPECT_EQ(data["message"], kMessage);
  EXPECT_EQ(data["fields"], (json{"phone", "certificate"}));
  EXPECT_EQ(data["answers"]["phone"], "070-111 11 11");
  EXPECT_EQ(data["answers"]["children"], (json::array({{{"child_name", "Alva"}}})));
  EXPECT_FALSE(data["answers"].contains("number_of_children")) << "calculated: the engine computes it";
  ASSERT_EQ(data["attachments"].size(), 1u);
  EXPECT_EQ(data["attachments"][0], (json{{"field_path", "certificate/0"}, {"name", "gammalt.pdf"}, {"sha256", sha256_of(kPdf)},
                                          {"media_type", "application/pdf"}, {"size", kPdf.size()}}));
  EXPECT_TRUE(data["identity_csrf"].is_null());
  EXPECT_FALSE(data["expires_at"].get<std::string>().empty());

  // The reply: the answers it was given, the two marked ones changed (a new file).
  json reply_answers = data["answers"];
  reply_answers["phone"] = "070-222 22 22";
  reply_answers["certificate"] = json::array({meta("nytt.pdf", kNewPdf)});
  json german = {{"version", data["version"]}, {"answers", reply_answers}, {"language", "de"}};
  auto refused = api_reply(token, german, "completion-reply-de", {{"nytt.pdf", kNewPdf}});
  EXPECT_EQ(refused->status, 422) << refused->body;  // a language the form does not have, as for a submission
  EXPECT_EQ(json::parse(refused->body)["error"]["code"], "submission.unknown_language");
  const json body = {{"version", data["version"]}, {"answers", reply_answers}, {"language", "en"}};
  auto stored = api_reply(token, body, "completion-reply-1", {{"nytt.pdf", kNewPdf}});
  ASSERT_EQ(stored->status, 201) << stored->body;
  const json answer = json::parse(stored->body);
  EXPECT_EQ(answer["status"], "created");
  EXPECT_EQ(answer["submission"]["answers"]["phone"], "070-222 22 22");
  EXPECT_EQ(answer["submission"]["answers"]["name"], "Karin Berg");
  EXPECT_EQ(answer["submission"]["answers"]["number_of_children"], 1);
  const json& receipt = answer["receipt"];
  EXPECT_EQ(receipt["reference"], reference + "-2");
  EXPECT_EQ(receipt["amends"], sha256_of(original_receipt));
  // The receipt verifies offline, amends and all, like any other.
  std::ofstream(dir_.file("keys.json")) << client_->Get("/api/keys")->body;
  std::ofstream(dir_.file("receipt.json")) << receipt.dump();
  std::ofstream(dir_.file("submission.json")) << answer["submission"].dump();
  std::ostringstream out, err;
  EXPECT_EQ(verify_command({dir_.file("receipt.json"), "--key", dir_.file("keys.json"), "--submission", dir_.file("submission.json")}, out, err), 0)
      << out.str() << err.str();

  // A retry of the same reply gets the same receipt; another reply is refused.
  auto retry = api_reply(token, body, "completion-reply-1", {{"nytt.pdf", kNewPdf}});
  ASSERT_EQ(retry->status, 200) << retry->body;
  EXPECT_EQ(json::parse(retry->body)["receipt"], receipt);
  auto again = api_reply(token, body, "completion-reply-2", {{"nytt.pdf", kNewPdf}});
  EXPECT_EQ(again->status, 409) << again->body;
  EXPECT_EQ(error_code(again), "completion.not_open");
  EXPECT_EQ(api_get(token)->status, 410);
  EXPECT_EQ(error_code(api_get(token)), "completion.answered");
  auto received = client_->Get(("/complete/" + token + "?lang=en").c_str());
  EXPECT_EQ(received->status, 200);
  EXPECT_TRUE(has(received->body, "We have received your completion"));

  // The case: in progress again, with the versions and what changed.
  EXPECT_EQ(case_of(reference).status, CaseStatus::in_progress);
  page = get_as("/inbox/cases/" + reference, anna_);
  ASSERT_EQ(page->status, 200);
  const std::string& html = page->body;
  EXPECT_TRUE(has(html, "<h2 id=\"versions-heading\">Versions of the answers</h2>"));
  EXPECT_TRUE(has(html, "<td>" + reference + "-2</td>"));
  EXPECT_TRUE(has(html, "<caption id=\"version-2-differences-caption\" class=\"table__caption\">Changed answers from version 1 to 2</caption>"));
  EXPECT_TRUE(has(html, "<tr><th scope=\"row\">Phone</th><td>070-111 11 11</td><td>070-222 22 22</td></tr>"));
  EXPECT_TRUE(has(html, "<tr><th scope=\"row\">Certificate</th><td>gammalt.pdf</td><td>nytt.pdf</td></tr>"));
  EXPECT_FALSE(has(html, "<tr><th scope=\"row\">Name</th>")) << "unchanged answers are not differences";
  EXPECT_FALSE(has(html, "data-verified=\"false\"")) << "every version's receipt verifies";
  EXPECT_TRUE(has(html, "The applicant sent a completion: version 2 (" + reference + "-2)."));

  // The webhook, and the chain: the version is an ordinary link of it.
  const std::vector<WebhookDelivery> deliveries = list_deliveries(*store_).value();
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].event, "completion.received");
  EXPECT_EQ(json::parse(deliveries[0].payload)["reference"], reference);
  stop();
  Result<AuditReport> audit = audit_chain(options_.data_dir);
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit.value().problems.empty()) << to_string(audit.value().problems.front());
  EXPECT_TRUE(audit.value().audit_log_problems.empty());
  EXPECT_EQ(audit.value().rows, 2);
}

TEST_F(CompletionPagesTest, ExportsAndTheIntegrationApiGiveTheCorrectedAnswers) {
  const std::string reference = submit("intyg", answers());
  const std::string token = ask_phone_and_certificate(reference);
  json reply_answers = json::parse(api_get(token)->body)["answers"];
  reply_answers["phone"] = "070-222 22 22";
  reply_answers["certificate"] = json::array({meta("nytt.pdf", kNewPdf)});
  const json body = {{"version", version_of("intyg")}, {"answers", reply_answers}, {"language", "en"}};
  auto stored = api_reply(token, body, "completion-export-1", {{"nytt.pdf", kNewPdf}});
  ASSERT_EQ(stored->status, 201) << stored->body;
  const std::string version_reference = reference + "-2";
  const int64_t version_seq = json::parse(stored->body)["receipt"]["sequence"];
  const int64_t case_seq = case_of(reference).seq;

  // The list exports: the current answers, and which version they are.
  auto csv = get_as("/inbox/export.csv?form=intyg", anna_);
  ASSERT_EQ(csv->status, 200);
  EXPECT_TRUE(has(csv->body, ",answers_version,answers_reference,")) << csv->body.substr(0, 200);
  EXPECT_TRUE(has(csv->body, ",2," + version_reference + ",")) << csv->body;
  EXPECT_TRUE(has(csv->body, "070-222 22 22"));
  EXPECT_FALSE(has(csv->body, "070-111 11 11")) << "not the first version's answers";
  auto jsonl = get_as("/inbox/export.jsonl?form=intyg", anna_);
  ASSERT_EQ(jsonl->status, 200);
  const json line = json::parse(jsonl->body.substr(0, jsonl->body.find('\n')));
  EXPECT_EQ(line["reference"], reference);
  EXPECT_EQ(line["answers_version"], 2);
  EXPECT_EQ(line["answers_reference"], version_reference);
  EXPECT_EQ(line["submission"]["answers"]["phone"], "070-222 22 22");
  const json one = json::parse(get_as("/inbox/cases/" + reference + "/export.json", anna_)->body);
  EXPECT_EQ(one["case"]["answers_version"], 2);
  EXPECT_EQ(one["case"]["answers_reference"], version_reference);

  // The integration API: the case comes again at the new version's position, with the
  // version's submission, receipt and files; also for a system that took it before.
  const int64_t owner = insert_user("system", "System", {Role::caseworker});
  const std::string api = create_api_token(*store_, "integration", "intyg", owner, "test").value().token;
  const httplib::Headers bearer{{"Authorization", "Bearer " + api}};
  for (int64_t after : {int64_t{0}, case_seq}) {
    auto res = client_->Get(("/api/integration/forms/intyg/cases?after=" + std::to_string(after)).c_str(), bearer);
    ASSERT_EQ(res->status, 200) << res->body;
    const json page = json::parse(res->body);
    ASSERT_EQ(page["cases"].size(), 1u) << after;
    const json& c = page["cases"][0];
    EXPECT_EQ(c["seq"], case_seq);
    EXPECT_EQ(c["reference"], reference);
    EXPECT_EQ(c["position"], version_seq);
    EXPECT_EQ(c["answers_version"], 2);
    EXPECT_EQ(c["answers_reference"], version_reference);
    EXPECT_EQ(c["receipt"]["reference"], version_reference);
    EXPECT_EQ(c["submission"]["answers"]["phone"], "070-222 22 22");
    ASSERT_EQ(c["attachments"].size(), 1u);
    EXPECT_EQ(c["attachments"][0]["name"], "nytt.pdf");
    EXPECT_EQ(page["next_after"], nullptr);
  }
  auto caught_up = client_->Get(("/api/integration/forms/intyg/cases?after=" + std::to_string(version_seq)).c_str(), bearer);
  EXPECT_TRUE(json::parse(caught_up->body)["cases"].empty());
  auto single = client_->Get(("/api/integration/forms/intyg/cases/" + reference).c_str(), bearer);
  ASSERT_EQ(single->status, 200);
  EXPECT_EQ(json::parse(single->body)["answers_reference"], version_reference);
  auto file = client_->Get(("/api/integration/attachments/" + sha256_of(kNewPdf)).c_str(), bearer);
  EXPECT_EQ(file->status, 200) << "a file of version 2 belongs to the case";
  EXPECT_EQ(file->body, kNewPdf);

  // The inbox finds the case by the version's reference, in any case.
  std::string lower = version_reference;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const std::string& text : {version_reference, lower}) {
    auto page = get_as("/inbox/cases/" + text, anna_);
    EXPECT_EQ(page->status, 200) << text;
    EXPECT_TRUE(has(page->body, "<td>" + version_reference + "</td>")) << text;
    auto list = get_as("/inbox?q=" + text, anna_);
    EXPECT_TRUE(has(list->body, "/inbox/cases/" + reference + "\"")) << text;
  }
}

TEST_F(CompletionPagesTest, DecidingTheCaseClosesItsCompletionLink) {
  const std::string reference = submit("intyg", answers());
  const std::string token = ask_phone_and_certificate(reference);
  const json data = json::parse(api_get(token)->body);
  auto decided = post_as("/inbox/cases/" + reference + "/status", anna_, {{"status", "decided"}});
  ASSERT_EQ(decided->status, 303) << decided->body;

  auto page = client_->Get(("/complete/" + token + "?lang=en").c_str());
  EXPECT_EQ(page->status, 410);
  EXPECT_TRUE(has(page->body, "This completion is no longer open"));
  EXPECT_FALSE(has(page->body, "continues")) << page->body;
  EXPECT_EQ(api_get(token)->status, 410);
  EXPECT_EQ(error_code(api_get(token)), "completion.case_closed");
  json reply_answers = data["answers"];
  reply_answers["phone"] = "070-222 22 22";
  auto refused = api_reply(token, {{"version", data["version"]}, {"answers", reply_answers}}, "completion-after-decision");
  EXPECT_EQ(refused->status, 410) << refused->body;
  EXPECT_EQ(case_of(reference).status, CaseStatus::decided);
  EXPECT_EQ(list_case_versions(*store_, case_of(reference).seq).value().size(), 1u) << "nothing stored";

  auto case_page = get_as("/inbox/cases/" + reference, anna_);
  EXPECT_TRUE(has(case_page->body, "<td>Cancelled</td>"));
  EXPECT_TRUE(has(case_page->body, "The completion request was cancelled because the case was decided."));
}

TEST_F(CompletionPagesTest, AMessageThatIsNotUtf8IsRefusedOnThePage) {
  const std::string reference = submit("intyg", answers());
  httplib::MultipartFormDataItems items{{"fields", "phone", "", ""}, {"message", "\xff\xfe bad", "", ""}, {"csrf", anna_.csrf_token, "", ""}};
  auto res = client_->Post(("/inbox/cases/" + reference + "/completion").c_str(), cookie(anna_), items);
  ASSERT_EQ(res->status, 400) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type").rfind("text/html", 0), 0u);
  EXPECT_TRUE(has(res->body, "The message must be valid UTF-8 text"));
  EXPECT_TRUE(list_completion_requests(*store_, case_of(reference).seq).value().empty());
}

TEST(CompletionRequestForm, KeepsWhatTheCaseworkerTypedAndTicked) {
  httplib::Request req;
  req.method = "POST";
  req.path = "/inbox/cases/INT-2026-000001/completion";
  req.set_header("Content-Type", "application/x-www-form-urlencoded");
  req.body = "fields=phone&fields=children&message=Ring+%3Cb%3Emig%3C%2Fb%3E+%26+skicka";
  const CompletionInput kept = posted_completion_input(req);
  EXPECT_EQ(kept.message, "Ring <b>mig</b> & skicka");
  EXPECT_EQ(kept.fields, (std::vector<std::string>{"phone", "children"}));
  req.path = "/inbox/cases/INT-2026-000001/notes";
  EXPECT_TRUE(posted_completion_input(req).message.empty()) << "another form's input is not the request's";

  InboxUser u;
  u.lang = "en";
  CaseSummary c;
  c.reference = "INT-2026-000001";
  c.applicant_email = "karin@example.se";
  const std::vector<CompletionField> fields = {{"name", "Name", "text"}, {"phone", "Phone", "text"}, {"children", "Children", "group"}};
  const std::string html = completion_request_form_html(u, c, fields, {{"completion-fields", "Choose"}}, kept);
  EXPECT_TRUE(has(html, ">Ring &lt;b&gt;mig&lt;/b&gt; &amp; skicka</textarea>")) << html;
  EXPECT_TRUE(has(html, "value=\"phone\" checked>"));
  EXPECT_TRUE(has(html, "value=\"children\" checked>"));
  EXPECT_TRUE(has(html, "value=\"name\"><label"));
}

TEST_F(CompletionPagesTest, OnlyMarkedAnswersChangeAndTheWholeFormIsValidatedAgain) {
  const std::string reference = submit("intyg", answers());
  const std::string token = ask_phone_and_certificate(reference);
  const json data = json::parse(api_get(token)->body);

  json changed = data["answers"];
  changed["name"] = "Someone Else";
  changed["phone"] = "070-222 22 22";
  auto res = api_reply(token, {{"version", data["version"]}, {"answers", changed}}, "completion-unmarked");
  ASSERT_EQ(res->status, 422) << res->body;
  json error = json::parse(res->body)["error"];
  EXPECT_EQ(error["code"], "completion.unmarked_field");
  ASSERT_EQ(error["errors"].size(), 1u);
  EXPECT_EQ(error["errors"][0]["pointer"], "/answers/name");
  // A group is one answer: adding a row is changing it.
  changed = data["answers"];
  changed["children"].push_back({{"child_name", "Bo"}});
  EXPECT_EQ(error_code(api_reply(token, {{"version", data["version"]}, {"answers", changed}}, "completion-group")), "completion.unmarked_field");

  // The marked answers pass the form's rules like any submission's.
  changed = data["answers"];
  changed.erase("phone");
  res = api_reply(token, {{"version", data["version"]}, {"answers", changed}, {"language", "en"}}, "completion-required");
  ASSERT_EQ(res->status, 422) << res->body;
  error = json::parse(res->body)["error"];
  EXPECT_EQ(error["code"], "submission.invalid");
  EXPECT_EQ(error["errors"][0]["code"], "answer.required");
  EXPECT_EQ(error["errors"][0]["pointer"], "/answers/phone");
  // A file named but not sent, and not one of the earlier version's, is missing.
  changed = data["answers"];
  changed["certificate"] = json::array({meta("nytt.pdf", kNewPdf)});
  res = api_reply(token, {{"version", data["version"]}, {"answers", changed}}, "completion-missing-file");
  ASSERT_EQ(res->status, 422);
  EXPECT_EQ(json::parse(res->body)["error"]["errors"][0]["code"], "attachment.missing");
  // Another form version than the application's.
  res = api_reply(token, {{"version", std::string(64, 'a')}, {"answers", data["answers"]}}, "completion-version");
  EXPECT_EQ(res->status, 422);
  EXPECT_EQ(error_code(res), "completion.wrong_version");
  // Without an Idempotency-Key, as for submissions.
  EXPECT_EQ(client_->Post(("/api/completions/" + token).c_str(), json{{"version", data["version"]}, {"answers", data["answers"]}}.dump(),
                          "application/json")->status, 400);

  // Only the phone changed: the unmarked certificate is carried over by its hash, without
  // being sent again. Nothing above was stored.
  changed = data["answers"];
  changed["phone"] = "070-333 33 33";
  res = api_reply(token, {{"version", data["version"]}, {"answers", changed}}, "completion-phone-only");
  ASSERT_EQ(res->status, 201) << res->body;
  const StoredSubmission v2 = get_submission_by_reference(*store_, reference + "-2").value().value();
  const std::vector<SubmissionAttachment> files = list_submission_attachments(*store_, v2.seq).value();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].sha256, sha256_of(kPdf));
  EXPECT_EQ(files[0].name, "gammalt.pdf");
  EXPECT_EQ(list_case_versions(*store_, case_of(reference).seq).value().size(), 2u);
}

// Whatever a damaged client sends to a completion link, the answer is JSON and never a
// 5xx. A damaged reply may still be a valid one (a text field holding "070", an optional
// file left out): that one is stored, once, and every later reply finds the link used.
TEST_F(CompletionPagesTest, DamagedRepliesGetJsonAndNeverA5xx) {
  const std::string reference = submit("intyg", answers());
  const std::string token = ask_phone_and_certificate(reference);
  const json data = json::parse(api_get(token)->body);
  const json good = {{"version", data["version"]}, {"answers", data["answers"]}};
  const std::string text = good.dump();
  static const json kOdd[] = {nullptr, true, 0, -1, 1e308, "", "x", std::string(5000, 'a'), json::array(), json::object(),
                              json::array({json::object()}), "070", "a,b@example.se", {{"name", "x.pdf"}}};
  static const char* kInserts[] = {"[[[[[[[[", "\xff", "1e400", "\"", "}", ",", "\\u0000", "null"};
  std::mt19937 rng(20261205);
  int stored = 0;
  for (int i = 0; i < 400; ++i) {
    std::string body;
    if (i % 2 == 0) {
      body = text;
      for (int n = 1 + static_cast<int>(rng() % 4); n > 0; --n) {
        const size_t at = rng() % body.size();
        if (rng() % 2 == 0) body[at] = static_cast<char>(rng() % 256);
        else body.insert(at, kInserts[rng() % std::size(kInserts)]);
      }
    } else {
      json damaged = good;
      json& a = damaged["answers"];
      const std::vector<std::string> keys = {"name", "phone", "certificate", "children", "email", "ghost", "children/0"};
      switch (rng() % 4) {
        case 0: a[keys[rng() % keys.size()]] = kOdd[rng() % std::size(kOdd)]; break;
        case 1: damaged[rng() % 2 == 0 ? "version" : "answers"] = kOdd[rng() % std::size(kOdd)]; break;
        case 2: damaged["extra"] = 1; break;
        default: a["phone"] = kOdd[rng() % std::size(kOdd)]; a["certificate"] = kOdd[rng() % std::size(kOdd)]; break;
      }
      body = damaged.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    auto res = client_->Post(("/api/completions/" + token).c_str(), {{"Idempotency-Key", "damaged-" + std::to_string(i)}}, body,
                             rng() % 5 == 0 ? "text/plain" : "application/json");
    ASSERT_TRUE(res) << i;
    EXPECT_LT(res->status, 500) << i << ": " << body.substr(0, 300) << " -> " << res->body;
    EXPECT_FALSE(json::parse(res->body, nullptr, false).is_discarded()) << i << ": " << res->body;
    if (res->status == 201) ++stored;
    else EXPECT_GE(res->status, 400) << i << ": " << body.substr(0, 300) << " -> " << res->body;
  }
  EXPECT_LE(stored, 1);
  EXPECT_EQ(list_case_versions(*store_, case_of(reference).seq).value().size(), 1u + static_cast<size_t>(stored));
  // A good reply now: stored if nothing was, else refused (the link was used; the reply,
  // written against version 1, no longer matches version 2's files either).
  json changed = data["answers"];
  changed["phone"] = "070-333 33 33";
  auto res = api_reply(token, {{"version", data["version"]}, {"answers", changed}}, "completion-after-damage");
  if (stored == 0) EXPECT_EQ(res->status, 201) << res->body;
  else EXPECT_TRUE(res->status == 409 || res->status == 422) << res->body;
}

TEST_F(CompletionPagesTest, UnknownCancelledAndOtherCasesLinksOpenNothing) {
  const std::string first = submit("intyg", answers());
  const std::string second = submit("intyg", answers());
  const std::string token = ask_phone_and_certificate(first);

  // Guessed tokens.
  for (const std::string& guess : {std::string(43, 'A'), std::string("abc"), token.substr(0, 42)}) {
    EXPECT_EQ(api_get(guess)->status, 404) << guess;
    EXPECT_EQ(error_code(api_get(guess)), "completion.not_found");
    EXPECT_EQ(client_->Get(("/complete/" + guess).c_str())->status, 404);
    EXPECT_EQ(api_reply(guess, json::object(), "completion-guess")->status, 404);
  }
  // The link is bound to its case: the data is the first case's, and a reply becomes a
  // version of the first case only.
  EXPECT_EQ(json::parse(api_get(token)->body)["reference"], first);

  // A request of the first case cannot be cancelled through the second.
  const int64_t id = list_completion_requests(*store_, case_of(first).seq).value().front().id;
  auto res = post_as("/inbox/cases/" + second + "/completion/" + std::to_string(id) + "/cancel", anna_);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(api_get(token)->status, 200);

  res = post_as("/inbox/cases/" + first + "/completion/" + std::to_string(id) + "/cancel", anna_);
  ASSERT_EQ(res->status, 303) << res->body;
  EXPECT_EQ(res->get_header_value("Location"), "/inbox/cases/" + first + "?done=completion_cancelled");
  EXPECT_EQ(case_of(first).status, CaseStatus::in_progress);
  EXPECT_EQ(api_get(token)->status, 410);
  EXPECT_EQ(error_code(api_get(token)), "completion.cancelled");
  EXPECT_EQ(client_->Get(("/complete/" + token).c_str())->status, 410);
  const json data = {{"version", version_of("intyg")}, {"answers", answers()}};
  EXPECT_EQ(api_reply(token, data, "completion-cancelled")->status, 410);
  // Twice: already cancelled.
  res = post_as("/inbox/cases/" + first + "/completion/" + std::to_string(id) + "/cancel?lang=en", anna_);
  EXPECT_EQ(res->status, 409);
  EXPECT_TRUE(has(res->body, "already answered, cancelled or has expired"));

  // An expired link.
  const std::string later = ask_phone_and_certificate(second);
  Result<bool> aged = sql::exec(store_->db.get(), "UPDATE completion_requests SET expires_at = '2020-01-01T00:00:00.000Z' WHERE state = 'open'");
  ASSERT_TRUE(aged.ok());
  EXPECT_EQ(error_code(api_get(later)), "completion.expired");
  EXPECT_EQ(client_->Get(("/complete/" + later).c_str())->status, 410);
}

TEST_F(CompletionPagesTest, OnlyTheFormsCaseworkersMayAskAndTheyMustSayWhatAndWhy) {
  const std::string reference = submit("intyg", answers());
  const Session other = caseworker("olle", {"intyg-pnr"});
  EXPECT_EQ(ask(reference, other, {"phone"}, kMessage)->status, 404) << "another form's case does not exist for them";
  EXPECT_EQ(ask(reference, anna_, {"phone"}, kMessage, false)->status, 403) << "no CSRF token";
  EXPECT_EQ(client_->Post(("/inbox/cases/" + reference + "/completion").c_str(), httplib::Params{{"fields", "phone"}})->status, 303)
      << "no session: to the sign-in page";

  auto res = ask(reference, anna_, {}, kMessage);
  EXPECT_EQ(res->status, 400);
  EXPECT_TRUE(has(res->body, "<a href=\"#completion-fields\">Choose at least one answer the applicant must complete</a>"));
  res = ask(reference, anna_, {"phone"}, "  ");
  EXPECT_EQ(res->status, 400);
  EXPECT_TRUE(has(res->body, "<a href=\"#completion-message\">Write a message to the applicant</a>"));
  res = ask(reference, anna_, {"phone"}, std::string(2001, 'x'));
  EXPECT_EQ(res->status, 400);
  res = ask(reference, anna_, {"number_of_children"}, kMessage);
  EXPECT_EQ(res->status, 400) << "a calculated field cannot be asked for";
  EXPECT_TRUE(list_notifications(*store_).value().empty());
  EXPECT_EQ(case_of(reference).status, CaseStatus::new_case);

  const std::string without_email = submit("intyg", answers(""));
  res = ask(without_email, anna_, {"phone"}, kMessage);
  EXPECT_EQ(res->status, 409);
  EXPECT_TRUE(has(res->body, "The applicant gave no e-mail address, so no request can be sent."));

  ASSERT_FALSE(ask_phone_and_certificate(reference).empty());
  res = ask(reference, anna_, {"name"}, kMessage);
  EXPECT_EQ(res->status, 409);
  EXPECT_TRUE(has(res->body, "already has an open completion request"));
  // The audit log has the request, without its message.
  Result<std::vector<AuditEntry>> audit = list_audit(*store_, 0, 100);
  ASSERT_TRUE(audit.ok());
  int requests = 0;
  for (const AuditEntry& e : audit.value()) {
    if (e.action != "case.completion_request") continue;
    ++requests;
    EXPECT_FALSE(has(e.detail.dump(), "unreadable"));
  }
  EXPECT_EQ(requests, 1);
}

TEST_F(CompletionPagesTest, ACaseWithAPersonalNumberIsCompletedOnlyByTheIdentifiedApplicant) {
  const std::string reference = submit("intyg-pnr", answers());
  const std::string other_reference = submit("intyg-pnr", answers());
  const std::string token = ask_phone_and_certificate(reference);
  const std::string other_token = ask_phone_and_certificate(other_reference);

  // First the identification, nothing of the case.
  auto page = client_->Get(("/complete/" + token + "?lang=en").c_str());
  ASSERT_EQ(page->status, 200);
  EXPECT_TRUE(has(page->body, "action=\"/complete/" + token + "/identify\""));
  EXPECT_FALSE(has(page->body, "citizen app"));
  EXPECT_FALSE(has(page->body, "unreadable"));
  EXPECT_EQ(api_get(token)->status, 403);
  EXPECT_EQ(error_code(api_get(token)), "completion.identification_required");

  // Someone else.
  const std::string wrong = identify(token, kSomeoneElse);
  EXPECT_EQ(client_->Get(("/complete/" + token).c_str(), {{"Cookie", wrong}})->status, 403);
  EXPECT_EQ(error_code(api_get(token, wrong)), "completion.wrong_person");

  // The applicant, for this link only.
  const std::string cookie = identify(token, kApplicant);
  EXPECT_EQ(error_code(api_get(other_token, cookie)), "completion.identification_required");
  auto shell = client_->Get(("/complete/" + token).c_str(), {{"Cookie", cookie}});
  EXPECT_EQ(shell->status, 200);
  EXPECT_TRUE(has(shell->body, "citizen app"));
  auto got = api_get(token, cookie);
  ASSERT_EQ(got->status, 200) << got->body;
  const json data = json::parse(got->body);
  const std::string csrf = data["identity_csrf"];
  ASSERT_FALSE(csrf.empty());

  json reply = data["answers"];
  reply["phone"] = "070-222 22 22";
  const json body = {{"version", data["version"]}, {"answers", reply}};
  auto res = api_reply(token, body, "completion-pnr-1", {}, {{"Cookie", cookie}});
  EXPECT_EQ(res->status, 403) << "the identity's CSRF token is missing";
  EXPECT_EQ(error_code(res), "completion.csrf");
  res = api_reply(token, body, "completion-pnr-1", {}, {{"Cookie", cookie}, {"X-Identity-CSRF", "not-the-token"}});
  EXPECT_EQ(error_code(res), "completion.csrf");
  // The other case's identification does not open this one.
  const std::string other_cookie = identify(other_token, kApplicant);
  res = api_reply(token, body, "completion-pnr-1", {}, {{"Cookie", other_cookie}, {"X-Identity-CSRF", csrf}});
  EXPECT_EQ(error_code(res), "completion.identification_required");
  res = api_reply(token, body, "completion-pnr-1", {}, {{"Cookie", cookie}, {"X-Identity-CSRF", csrf}});
  ASSERT_EQ(res->status, 201) << res->body;
  const json receipt = json::parse(res->body)["receipt"];
  EXPECT_EQ(receipt["reference"], reference + "-2");
  // The identification was for that reply: it is spent.
  EXPECT_EQ(api_reply(token, body, "completion-pnr-2", {}, {{"Cookie", cookie}, {"X-Identity-CSRF", csrf}})->status, 409);
  // But the reply's answer may have been lost on the way: its retry, with the same key,
  // gets the same receipt (with or without the spent identification).
  for (const httplib::Headers& headers : {httplib::Headers{{"Cookie", cookie}, {"X-Identity-CSRF", csrf}}, httplib::Headers{}}) {
    res = api_reply(token, body, "completion-pnr-1", {}, headers);
    ASSERT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(json::parse(res->body)["receipt"], receipt);
    EXPECT_EQ(json::parse(res->body)["status"], "existing");
  }
  EXPECT_EQ(error_code(api_reply(token, body, "completion-pnr-3", {}, {})), "completion.not_open");  // another key: a new reply
  EXPECT_EQ(case_of(reference).status, CaseStatus::in_progress);
  EXPECT_EQ(case_of(other_reference).status, CaseStatus::awaiting_completion);
}

}  // namespace
}  // namespace blankett
