// A real server for the inbox's tests (inbox_*_test.cc; test_server.h does the serving):
// the example forms, caseworkers created in its store, sign-in through POST /login,
// submissions through the public API, and a small RFC 4180 reader for the CSV exports.
// Header-only.
#pragma once
#include <gtest/gtest.h>

#include <regex>

#include "audit_log.h"
#include "blankett/form.h"
#include "blankett/scenario.h"
#include "blankett/submission.h"
#include "test_server.h"

namespace blankett {
namespace inbox_test {

using nlohmann::json;

using ::blankett::slurp;  // (authorization_matrix_test.cc names it inbox_test::slurp)

constexpr const char* kPassword = "a long enough password";
// A PDF the server's type sniffing accepts.
inline const std::string kPdf = "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

// Parses CSV text (RFC 4180: quoted cells, doubled quotes, CRLF) into rows of cells.
inline std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(cell);
      cell.clear();
      any = true;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(cell);
      rows.push_back(row);
      row.clear();
      cell.clear();
      any = false;
      ++i;
    } else {
      cell += c;
      any = true;
    }
  }
  if (any) {
    row.push_back(cell);
    rows.push_back(row);
  }
  return rows;
}

class InboxServerTest : public TestServer {
 protected:
  InboxServerTest() : TestServer("blankett-inbox") { options_.today = [] { return std::string("2026-08-15"); }; }

  int64_t add_caseworker(const std::string& username, const std::string& name, const std::vector<std::string>& forms) {
    return add_user_with_password(username, name, kPassword, {Role::caseworker}, forms);
  }

  // Signs in through the login form; returns the Cookie header value for later requests.
  std::string login(const std::string& username) {
    auto res = client_->Post("/login", httplib::Params{{"username", username}, {"password", kPassword}});
    EXPECT_TRUE(res);
    if (!res) return "";
    EXPECT_EQ(res->status, 303) << res->body;
    for (const auto& [key, value] : res->headers) {
      if (key == "Set-Cookie" && value.rfind("blankett_session=", 0) == 0) return value.substr(0, value.find(';'));
    }
    ADD_FAILURE() << "no session cookie";
    return "";
  }

  httplib::Result get(const std::string& path, const std::string& cookie) {
    return client_->Get(path.c_str(), httplib::Headers{{"Cookie", cookie}});
  }
  httplib::Result post_form(const std::string& path, const std::string& cookie, const httplib::Params& params) {
    return client_->Post(path.c_str(), httplib::Headers{{"Cookie", cookie}}, params);
  }
  // A multipart form POST (how the note form is sent).
  httplib::Result post_multipart_form(const std::string& path, const std::string& cookie, const httplib::Params& params) {
    httplib::MultipartFormDataItems items;
    for (const auto& [name, value] : params) items.push_back({name, value, "", ""});
    return client_->Post(path.c_str(), httplib::Headers{{"Cookie", cookie}}, items);
  }
  // The session's CSRF token, as the pages put it in their forms.
  std::string csrf(const std::string& cookie) {
    auto res = get("/inbox", cookie);
    std::smatch m;
    const std::string body = res ? res->body : "";
    if (!std::regex_search(body, m, std::regex("name=\"csrf\" value=\"([^\"]+)\""))) {
      ADD_FAILURE() << "no CSRF token on /inbox";
      return "";
    }
    return m[1];
  }

  // The final answers of a form's first happy-path scenario.
  json scenario_answers(const std::string& form, const std::string& scenario) {
    const std::string dir = std::string(BLANKETT_SOURCE_DIR "/forms/") + form;
    const FormPtr compiled = compile_form(slurp(dir + "/form.json")).value();
    const ScenarioResult r = run_scenario(compiled, json::parse(slurp(dir + "/tests/" + scenario)));
    EXPECT_TRUE(r.passed);
    return r.final_answers;
  }
  // Sole custody: the case is "new" at once (joint custody waits for the second
  // guardian's signature: signing_pages_test.cc).
  json skolskjuts_answers() {
    json a = scenario_answers("skolskjuts", "happy-path-joint-custody-with-support.json");
    a["needs_support"] = false;
    a["custody"] = "sole";
    for (const char* key : {"guardian2_name", "guardian2_pnr", "guardian2_email", "guardian2_phone"}) a.erase(key);
    return a;
  }
  json kulturskola_answers() {
    json a = scenario_answers("kulturskola", "happy-path.json");
    a["reduced_fee"] = false;  // its income proof would need a real file
    a.erase("household_income");
    a.erase("income_proof");
    return a;
  }
  std::string current_version(const std::string& id) {
    const auto res = client_->Get(("/api/forms/" + id).c_str());
    return json::parse(res->body)["version"];
  }
  // Submits through the API (multipart when there are files); returns the reference.
  std::string submit(const std::string& form, const json& answers, const std::vector<std::pair<std::string, std::string>>& files = {}) {
    const json body = {{"version", current_version(form)}, {"answers", answers}};
    const httplib::Headers headers{{"Idempotency-Key", "inbox-test-" + std::to_string(++submissions_)}};
    const std::string path = "/api/forms/" + form + "/submissions";
    httplib::MultipartFormDataItems items{{"submission", body.dump(), "", "application/json"}};
    for (const auto& [name, content] : files) items.push_back({"file", content, name, "application/octet-stream"});
    httplib::Result res = files.empty() ? client_->Post(path.c_str(), headers, body.dump(), "application/json")
                                        : client_->Post(path.c_str(), headers, items);
    EXPECT_TRUE(res);
    if (!res) return "";
    EXPECT_EQ(res->status, 201) << res->body;
    if (res->status != 201) return "";
    return json::parse(res->body)["receipt"]["reference"];
  }

  std::vector<AuditEntry> audit_entries() {
    Result<std::vector<AuditEntry>> entries = list_audit(*store_, 0, 1000);
    EXPECT_TRUE(entries.ok());
    return entries.ok() ? entries.value() : std::vector<AuditEntry>{};
  }

  int submissions_ = 0;
};

}  // namespace inbox_test
}  // namespace blankett
