// The integration API against a real server: tokens (missing, unknown, revoked, another
// form's), the cursor that hands out every case once, cases and attachments as stored,
// the audit entries of pulls, and the admin page that makes and revokes tokens.
#include <regex>
#include <set>

#include "api_tokens.h"
#include "inbox_test_support.h"
#include "receipt.h"

namespace blankett {
namespace {

using inbox_test::kPassword;
using inbox_test::kPdf;
using nlohmann::json;

class IntegrationApiTest : public inbox_test::InboxServerTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InboxServerTest::SetUp());
    admin_id_ = add_user_with_password("admin", "Ada Admin", kPassword, {Role::admin});
    ASSERT_NE(admin_id_, 0);
  }

  std::string make_token(const std::string& form, const std::string& kind = "integration") {
    Result<NewApiToken> t = create_api_token(*store_, kind, kind == "integration" ? form : "", admin_id_, "test system");
    EXPECT_TRUE(t.ok());
    return t.ok() ? t.value().token : "";
  }

  httplib::Result pull(const std::string& path, const std::string& token) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return client_->Get(path.c_str(), headers);
  }

  static std::string error_code(const httplib::Result& res) {
    const json body = json::parse(res->body, nullptr, false);
    return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
  }

  int64_t admin_id_ = 0;
};

TEST_F(IntegrationApiTest, RefusesRequestsWithoutAValidTokenOfTheForm) {
  const std::string path = "/api/integration/forms/skolskjuts/cases";
  auto res = pull(path, "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(error_code(res), "auth.required");
  EXPECT_EQ(res->get_header_value("WWW-Authenticate").rfind("Bearer", 0), 0u) << res->get_header_value("WWW-Authenticate");

  res = client_->Get(path.c_str(), httplib::Headers{{"Authorization", "Basic YWRtaW46cGFzcw=="}});
  EXPECT_EQ(res->status, 401);
  res = pull(path, "blk_" + std::string(43, 'A'));
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(error_code(res), "auth.required");
  EXPECT_NE(res->get_header_value("WWW-Authenticate").find("invalid_token"), std::string::npos);

  const std::string revoked = make_token("skolskjuts");
  ASSERT_EQ(pull(path, revoked)->status, 200);
  ASSERT_TRUE(revoke_api_token(*store_, list_api_tokens(*store_).value().back().id).ok());
  res = pull(path, revoked);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(error_code(res), "auth.required");

  res = pull(path, make_token("kulturskola"));
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(error_code(res), "auth.forbidden");
  res = pull(path, make_token("", "publish"));
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(error_code(res), "auth.forbidden");

  const std::string token = make_token("skolskjuts");
  for (const char* query : {"?limit=0", "?limit=501", "?limit=ten", "?after=-1", "?after=", "?after=99999999999999999999"}) {
    res = pull(path + query, token);
    EXPECT_EQ(res->status, 400) << query;
    EXPECT_EQ(error_code(res), "request.bad_parameter") << query;
  }
  // Nothing was handed out, so nothing was audited as an export.
  for (const AuditEntry& e : audit_entries()) EXPECT_NE(e.action, "cases.export");
}

TEST_F(IntegrationApiTest, TheCursorHandsOutEveryCaseOnceOldestFirst) {
  json answers = skolskjuts_answers();
  std::vector<std::string> references;
  for (int i = 0; i < 7; ++i) {
    answers["pupil_name"] = "Elev " + std::to_string(i);
    references.push_back(submit("skolskjuts", answers));
    if (i % 3 == 0) submit("kulturskola", kulturskola_answers());  // another form's cases in between
  }
  const std::string token = make_token("skolskjuts");
  std::vector<std::string> seen;
  std::set<int64_t> seqs;
  int64_t after = 0;
  int pulls = 0;
  for (;;) {
    auto res = pull("/api/integration/forms/skolskjuts/cases?limit=3&after=" + std::to_string(after), token);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
    const json body = json::parse(res->body);
    ++pulls;
    for (const json& c : body["cases"]) {
      EXPECT_EQ(c["form"], "skolskjuts");
      EXPECT_GT(c["seq"].get<int64_t>(), after);
      after = c["seq"];
      seqs.insert(after);
      seen.push_back(c["reference"]);
      // The submission exactly as stored: its hash is the one the receipt signed.
      EXPECT_EQ(sha256_of(c["submission"].dump()), c["receipt"]["submission_sha256"]);
      EXPECT_EQ(c["receipt"]["reference"], c["reference"]);
      EXPECT_EQ(c["status"], "new");
      EXPECT_EQ(c["version"], current_version("skolskjuts"));
      EXPECT_TRUE(c["applicant"].contains("name"));
      EXPECT_TRUE(c["applicant"].contains("personal_number"));
      EXPECT_TRUE(c["attachments"].is_array());
    }
    if (body["next_after"].is_null()) break;
    EXPECT_EQ(body["next_after"], after);
    ASSERT_LT(pulls, 10);
  }
  EXPECT_EQ(seen, references);
  EXPECT_EQ(seqs.size(), 7u);
  EXPECT_EQ(pulls, 3);  // 3 + 3 + 1

  // Caught up: an empty page, still 200.
  auto res = pull("/api/integration/forms/skolskjuts/cases?after=" + std::to_string(after), token);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body), (json{{"cases", json::array()}, {"next_after", nullptr}}));

  // Each pull that handed out cases is in the audit log, by the token.
  const int64_t token_id = list_api_tokens(*store_).value().back().id;
  std::vector<int64_t> counts;
  for (const AuditEntry& e : audit_entries()) {
    if (e.action != "cases.export") continue;
    EXPECT_EQ(e.actor, "token:" + std::to_string(token_id));
    EXPECT_EQ(e.target, "form:skolskjuts");
    counts.push_back(e.detail["count"]);
  }
  EXPECT_EQ(counts, (std::vector<int64_t>{1, 3, 3}));  // newest first
}

TEST_F(IntegrationApiTest, OneCaseAndItsAttachmentsForTheTokensFormOnly) {
  json answers = scenario_answers("skolskjuts", "happy-path-joint-custody-with-support.json");
  answers["medical_certificate"] = json::array(
      {{{"name", "intyg.pdf"}, {"type", "application/pdf"}, {"size", kPdf.size()}, {"sha256", sha256_of(kPdf)}}});
  const std::string reference = submit("skolskjuts", answers, {{"intyg.pdf", kPdf}});
  const std::string other = submit("kulturskola", kulturskola_answers());
  const std::string token = make_token("skolskjuts");

  auto res = pull("/api/integration/forms/skolskjuts/cases/" + reference, token);
  ASSERT_EQ(res->status, 200) << res->body;
  const json c = json::parse(res->body);
  EXPECT_EQ(c["reference"], reference);
  ASSERT_EQ(c["attachments"].size(), 1u);
  const json& a = c["attachments"][0];
  EXPECT_EQ(a["field"], "medical_certificate/0");
  EXPECT_EQ(a["name"], "intyg.pdf");
  EXPECT_EQ(a["media_type"], "application/pdf");
  EXPECT_EQ(a["size"], kPdf.size());
  EXPECT_EQ(a["sha256"], sha256_of(kPdf));
  EXPECT_EQ(a["href"], "/api/integration/attachments/" + sha256_of(kPdf));

  res = pull(a["href"], token);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->body, kPdf);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/pdf");
  EXPECT_EQ(res->get_header_value("Content-Disposition"), "attachment");

  // Another form's token sees neither the case nor its file; this token not the other form's case.
  const std::string kulturskola = make_token("kulturskola");
  EXPECT_EQ(pull(a["href"], kulturskola)->status, 404);
  EXPECT_EQ(pull(a["href"], "")->status, 401);
  EXPECT_EQ(pull("/api/integration/attachments/" + std::string(64, 'a'), token)->status, 404);
  EXPECT_EQ(pull("/api/integration/forms/skolskjuts/cases/" + reference, kulturskola)->status, 403);
  res = pull("/api/integration/forms/skolskjuts/cases/" + other, token);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(error_code(res), "case.not_found");
  EXPECT_EQ(pull("/api/integration/forms/kulturskola/cases/" + other, kulturskola)->status, 200);

  std::set<std::string> actions;
  for (const AuditEntry& e : audit_entries()) {
    if (e.actor.rfind("token:", 0) == 0) actions.insert(e.action + " " + e.target);
  }
  EXPECT_TRUE(actions.count("case.export case:" + reference));
  EXPECT_TRUE(actions.count("case.attachment case:" + reference));
}

TEST_F(IntegrationApiTest, AdminsCreateAndRevokeTokensOnTheTokensPage) {
  const std::string cookie = login("admin");
  auto res = get("/admin/tokens", cookie);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_NE(res->body.find("<label for=\"form\">"), std::string::npos);
  EXPECT_NE(res->body.find("<option value=\"skolskjuts\""), std::string::npos);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(res->body, m, std::regex("name=\"csrf\" value=\"([^\"]+)\"")));
  const std::string csrf = m[1];

  // Without the CSRF token: refused, nothing made.
  res = post_form("/admin/tokens", cookie, {{"form", "skolskjuts"}, {"label", "Procapita"}});
  EXPECT_EQ(res->status, 403);
  EXPECT_TRUE(list_api_tokens(*store_).value().empty());
  // Bad input: the page again with an error summary.
  res = post_form("/admin/tokens", cookie, {{"csrf", csrf}, {"form", "nope"}, {"label", ""}});
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("href=\"#form\""), std::string::npos);
  EXPECT_NE(res->body.find("href=\"#label\""), std::string::npos);
  EXPECT_TRUE(list_api_tokens(*store_).value().empty());

  res = post_form("/admin/tokens", cookie, {{"csrf", csrf}, {"form", "skolskjuts"}, {"label", "Procapita <prod>"}});
  ASSERT_EQ(res->status, 201) << res->body;
  ASSERT_TRUE(std::regex_search(res->body, m, std::regex("value=\"(blk_[A-Za-z0-9_-]{43})\"")));
  const std::string token = m[1];
  EXPECT_NE(res->body.find("Procapita &lt;prod&gt;"), std::string::npos);
  EXPECT_EQ(res->body.find("<prod>"), std::string::npos);
  EXPECT_EQ(pull("/api/integration/forms/skolskjuts/cases", token)->status, 200);

  // The list never shows the token again.
  res = get("/admin/tokens", cookie);
  EXPECT_EQ(res->body.find(token), std::string::npos);
  EXPECT_NE(res->body.find("Procapita &lt;prod&gt;"), std::string::npos);

  const int64_t id = list_api_tokens(*store_).value().back().id;
  const std::string revoke = "/admin/tokens/" + std::to_string(id) + "/revoke";
  EXPECT_EQ(post_form(revoke, cookie, {})->status, 403);
  res = post_form(revoke, cookie, {{"csrf", csrf}});
  EXPECT_EQ(res->status, 303);
  EXPECT_EQ(pull("/api/integration/forms/skolskjuts/cases", token)->status, 401);
  EXPECT_EQ(post_form("/admin/tokens/999/revoke", cookie, {{"csrf", csrf}})->status, 404);

  std::vector<std::string> actions;
  for (const AuditEntry& e : audit_entries()) {
    if (e.action.rfind("token.", 0) == 0) {
      EXPECT_EQ(e.actor, "user:" + std::to_string(admin_id_));
      EXPECT_EQ(e.target, "token:" + std::to_string(id));
      actions.push_back(e.action);
    }
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"token.revoke", "token.create"}));

  // Caseworkers and strangers do not get the page.
  add_caseworker("kalle", "Kalle Handläggare", {"skolskjuts"});
  EXPECT_EQ(get("/admin/tokens", login("kalle"))->status, 403);
  res = client_->Get("/admin/tokens");
  EXPECT_EQ(res->status, 303);
}

}  // namespace
}  // namespace blankett
