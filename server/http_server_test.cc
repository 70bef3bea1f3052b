// The HTTP API against a real server on a free loopback port: every status the API
// promises (docs/api.md), receipts that verify with the published keys, idempotency.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "blankett/form.h"
#include "blankett/scenario.h"
#include "blankett/state.h"
#include "blankett/view.h"
#include "blankett/submission.h"
#include "audit_command.h"
#include "first_step_html.h"
#include "receipt.h"
#include "signing_keys.h"
#include "test_server.h"

namespace blankett {
namespace {

using nlohmann::json;

class HttpApiTest : public TestServer {
 protected:
  HttpApiTest() : TestServer("blankett-http") {
    options_.max_body_bytes = 256 * 1024;
    options_.today = [] { return std::string("2026-08-15"); };
    options_.time_zone = "Pacific/Kiritimati";
  }

  // Valid answers for skolskjuts: the final answers of its happy-path scenario, without
  // the support step (whose medical certificate would need a real file: see Attachments).
  json valid_answers() {
    json answers = scenario_answers();
    answers["needs_support"] = false;
    return answers;
  }
  json scenario_answers() {
    const std::string dir = BLANKETT_SOURCE_DIR "/forms/skolskjuts";
    const FormPtr form = compile_form(slurp(dir + "/form.json")).value();
    const ScenarioResult r = run_scenario(form, json::parse(slurp(dir + "/tests/happy-path-joint-custody-with-support.json")));
    EXPECT_TRUE(r.passed);
    return r.final_answers;
  }
  // A multipart submission: the JSON body in "submission", each file in a part "file".
  httplib::Result post_multipart(const json& body, const std::vector<std::pair<std::string, std::string>>& files, const std::string& key) {
    httplib::MultipartFormDataItems items{{"submission", body.dump(), "", "application/json"}};
    for (const auto& [name, content] : files) items.push_back({"file", content, name, "application/octet-stream"});
    return client_->Post("/api/forms/skolskjuts/submissions", httplib::Headers{{"Idempotency-Key", key}}, items);
  }
  std::string current_version(const std::string& id) {
    const auto res = client_->Get(("/api/forms/" + id).c_str());
    return json::parse(res->body)["version"];
  }
  httplib::Result post(const std::string& form, const json& body, const std::string& key,
                       const std::string& type = "application/json") {
    httplib::Headers headers;
    if (!key.empty()) headers.emplace("Idempotency-Key", key);
    return client_->Post(("/api/forms/" + form + "/submissions").c_str(), headers, body.dump(), type.c_str());
  }
  httplib::Result post_raw(const std::string& form, const std::string& body, const std::string& key) {
    httplib::Headers headers{{"Idempotency-Key", key}};
    return client_->Post(("/api/forms/" + form + "/submissions").c_str(), headers, body, "application/json");
  }
};

TEST_F(HttpApiTest, ListsFormsAndServesDefinitionsByVersion) {
  auto res = client_->Get("/api/forms");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const json forms = json::parse(res->body)["forms"];
  ASSERT_EQ(forms.size(), 4u);
  EXPECT_EQ(forms[0]["id"], "arbetsgivarintyg");
  const std::string version = current_version("skolskjuts");
  res = client_->Get(("/api/forms/skolskjuts/versions/" + version).c_str());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(json::parse(res->body)["definition"]["id"], "skolskjuts");
  EXPECT_EQ(client_->Get("/api/forms/nope")->status, 404);
  EXPECT_EQ(client_->Get(("/api/forms/skolskjuts/versions/" + std::string(64, 'a')).c_str())->status, 404);
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_NE(res->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
}

TEST_F(HttpApiTest, VersionLookupsSayWhatIsMissing) {
  const auto code = [this](const std::string& path) {
    const auto res = client_->Get(path.c_str());
    EXPECT_EQ(res->status, 404) << path;
    return json::parse(res->body)["error"]["code"].get<std::string>();
  };
  EXPECT_EQ(code("/api/forms/skolskjuts/versions/abc"), "form.version_not_found");  // not 64 hex digits
  EXPECT_EQ(code("/api/forms/skolskjuts/versions/" + std::string(64, 'a')), "form.version_not_found");
  EXPECT_EQ(code("/api/forms/nope/versions/" + std::string(64, 'a')), "form.not_found");
  EXPECT_EQ(code("/api/forms/nope/versions/abc"), "form.not_found");
}

TEST_F(HttpApiTest, AKnownPathWithAnotherMethodIs405WithAllow) {
  struct Case {
    std::string name;
    httplib::Result res;
    std::string allow;
  };
  std::vector<Case> cases;
  cases.push_back({"PUT a form", client_->Put("/api/forms/skolskjuts", "{}", "application/json"), "GET, HEAD"});
  cases.push_back({"DELETE a form", client_->Delete("/api/forms/skolskjuts"), "GET, HEAD"});
  cases.push_back({"PATCH the keys", client_->Patch("/api/keys", "{}", "application/json"), "GET, HEAD"});
  cases.push_back({"POST the form list", client_->Post("/api/forms", "{}", "application/json"), "GET, HEAD"});
  cases.push_back({"GET the submissions", client_->Get("/api/forms/skolskjuts/submissions"), "POST"});
  cases.push_back({"DELETE the submissions", client_->Delete("/api/forms/skolskjuts/submissions"), "POST"});
  for (const Case& c : cases) {
    ASSERT_TRUE(c.res) << c.name;
    EXPECT_EQ(c.res->status, 405) << c.name << ": " << c.res->body;
    EXPECT_EQ(c.res->get_header_value("Allow"), c.allow) << c.name;
    const json body = json::parse(c.res->body, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << c.name;
    EXPECT_EQ(body["error"]["code"], "request.method_not_allowed") << c.name;
  }
  // A path that is no route is still 404, whatever the method.
  const auto res = client_->Put("/api/nothing-here", "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "request.not_found");
}

TEST_F(HttpApiTest, TheCurrentFormSaysInWhichTimeZoneTodayCountsAndAVersionStaysTheSameBytes) {
  auto res = client_->Get("/api/forms/skolskjuts");
  ASSERT_TRUE(res);
  const json current = json::parse(res->body);
  EXPECT_EQ(current["time_zone"], "Pacific/Kiritimati");
  res = client_->Get(("/api/forms/skolskjuts/versions/" + current["version"].get<std::string>()).c_str());
  ASSERT_TRUE(res);
  EXPECT_FALSE(json::parse(res->body).contains("time_zone"));  // cached for a year: no server setting in it
  EXPECT_EQ(client_->Get("/api/forms/skolskjuts")->body, current.dump());  // the cached answer is the same
}

TEST_F(HttpApiTest, AFormAnswerTheClientHoldsIs304WithoutABody) {
  const std::string version = current_version("skolskjuts");
  const std::string path = "/api/forms/skolskjuts/versions/" + version;
  auto res = client_->Get(path.c_str());
  ASSERT_TRUE(res);
  const std::string etag = res->get_header_value("ETag");
  EXPECT_EQ(etag, "\"" + version + "\"");
  const auto get_if = [&](const std::string& url, const std::string& if_none_match) {
    return client_->Get(url.c_str(), httplib::Headers{{"If-None-Match", if_none_match}});
  };
  res = get_if(path, etag);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 304);
  EXPECT_EQ(res->body, "");
  EXPECT_EQ(res->get_header_value("ETag"), etag);
  EXPECT_EQ(res->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  // A list, "*" and a weak tag name it too; another tag does not.
  EXPECT_EQ(get_if(path, "\"other\", " + etag)->status, 304);
  EXPECT_EQ(get_if(path, "*")->status, 304);
  EXPECT_EQ(get_if(path, "W/" + etag)->status, 304);
  res = get_if(path, "\"other\"");
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body)["version"], version);

  // The current answer carries the server's time zone: its tag is not the version's.
  res = client_->Get("/api/forms/skolskjuts");
  const std::string current_etag = res->get_header_value("ETag");
  EXPECT_NE(current_etag, etag);
  EXPECT_EQ(current_etag.rfind("\"" + version + "-", 0), 0u) << current_etag;
  res = get_if("/api/forms/skolskjuts", current_etag);
  EXPECT_EQ(res->status, 304);
  EXPECT_EQ(res->body, "");
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-cache");
  EXPECT_EQ(get_if("/api/forms/skolskjuts", etag)->status, 200);

  // After a restart in another zone the tag a browser holds no longer matches.
  stop();
  options_.time_zone = "Europe/Stockholm";
  ASSERT_NO_FATAL_FAILURE(start());
  res = get_if("/api/forms/skolskjuts", current_etag);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body)["time_zone"], "Europe/Stockholm");
  EXPECT_NE(res->get_header_value("ETag"), current_etag);
}

TEST_F(HttpApiTest, AcceptsAValidSubmissionWithAReceiptThatVerifies) {
  const json body = {{"version", current_version("skolskjuts")}, {"answers", valid_answers()}};
  auto res = post("skolskjuts", body, "key-0000-0001");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  const json answer = json::parse(res->body);
  const json receipt = answer["receipt"];
  EXPECT_EQ(receipt["reference"], "SKOL-2026-000001");
  EXPECT_EQ(receipt["form_id"], "skolskjuts");
  EXPECT_EQ(receipt["submission_sha256"], sha256_of(answer["submission"].dump()));
  const auto keys = client_->Get("/api/keys");
  Result<std::vector<PublicKey>> parsed = parse_public_keys(json::parse(keys->body)["keys"]);
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(verify_receipt(receipt, parsed.value()).ok());

  // The same key and content again: the same receipt, 200. Other content: 409.
  res = post("skolskjuts", body, "key-0000-0001");
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body)["receipt"], receipt);
  json other = body;
  other["answers"]["pupil_name"] = "Someone Else";
  res = post("skolskjuts", other, "key-0000-0001");
  EXPECT_EQ(res->status, 409);
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "submission.idempotency_conflict");
  // A second submission chains to the first.
  res = post("skolskjuts", other, "key-0000-0002");
  ASSERT_EQ(res->status, 201) << res->body;
  const json second = json::parse(res->body)["receipt"];
  EXPECT_EQ(second["reference"], "SKOL-2026-000002");
  EXPECT_EQ(second["previous_receipt_sha256"], receipt_sha256(receipt));
}

TEST_F(HttpApiTest, RefusesInvalidAnswersWith422InTheEnginesFormat) {
  json answers = valid_answers();
  answers["pupil_pnr"] = "811218-9875";
  const json body = {{"version", current_version("skolskjuts")}, {"answers", answers}, {"language", "en"}};
  auto res = post("skolskjuts", body, "key-0000-0003");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 422);
  const json error = json::parse(res->body)["error"];
  EXPECT_EQ(error["code"], "submission.invalid");
  ASSERT_GE(error["errors"].size(), 1u) << error.dump();
  EXPECT_EQ(error["errors"][0]["pointer"], "/answers/pupil_pnr");
  EXPECT_EQ(error["errors"][0]["code"], "answer.format");
  EXPECT_EQ(error["errors"][0]["message"], "Enter a valid Swedish personal identity number, YYYYMMDD-NNNN, in “Pupil’s personal identity number”") << error.dump();
  answers = valid_answers();
  answers["favourite_colour"] = "blue";
  res = post("skolskjuts", json{{"version", current_version("skolskjuts")}, {"answers", answers}}, "key-0000-0004");
  ASSERT_EQ(res->status, 422);
  EXPECT_EQ(json::parse(res->body)["error"]["errors"][0]["pointer"], "/answers/favourite_colour");
}

TEST_F(HttpApiTest, BadInputGets4xxWithAJsonError) {
  const std::string version = current_version("skolskjuts");
  struct Case {
    std::string name;
    httplib::Result res;
    int status;
    std::string code;
  };
  std::vector<Case> cases;
  cases.push_back({"malformed JSON", post_raw("skolskjuts", "{\"version\": \n  tru", "key-0000-0005"), 400, "json.syntax"});
  cases.push_back({"invalid UTF-8", post_raw("skolskjuts", "{\"version\": \"\xff\xfe\"}", "key-0000-0006"), 400, "json.syntax"});
  cases.push_back({"number beyond a double", post_raw("skolskjuts", "{\"version\": \"v\", \"answers\": {\"pupil_pnr\": " + std::string(5000, '1') + "}}", "key-0000-0015"), 400, "json.number_too_large"});
  cases.push_back({"deep nesting", post_raw("skolskjuts", std::string(5000, '[') + std::string(5000, ']'), "key-0000-0007"), 400, "json.too_deep"});
  cases.push_back({"unknown form", post("nope", json::object(), "key-0000-0008"), 404, "form.not_found"});
  cases.push_back({"unknown version", post("skolskjuts", json{{"version", std::string(64, 'b')}, {"answers", json::object()}}, "key-0000-0009"), 404, "form.version_not_found"});
  cases.push_back({"wrong content type", post("skolskjuts", json::object(), "key-0000-0010", "text/plain"), 415, "request.unsupported_media_type"});
  cases.push_back({"no idempotency key", post("skolskjuts", json{{"version", version}, {"answers", json::object()}}, ""), 400, "request.idempotency_key"});
  cases.push_back({"too large", post_raw("skolskjuts", "{\"x\": \"" + std::string(300 * 1024, 'a') + "\"}", "key-0000-0011"), 413, "request.too_large"});
  cases.push_back({"answers not an object", post("skolskjuts", json{{"version", version}, {"answers", json::array()}}, "key-0000-0012"), 400, "request.missing_answers"});
  cases.push_back({"unknown body key", post("skolskjuts", json{{"version", version}, {"answers", json::object()}, {"extra", 1}}, "key-0000-0013"), 400, "request.unknown_key"});
  // Joint custody: the second guardian must sign, and gets the link by e-mail. An
  // address that would need quotes is refused by the form's rules, not by the mail queue
  // after the writer took it (which was a 503 that no retry could mend).
  json quoted_address = valid_answers();
  quoted_address["guardian2_email"] = "johan,berg@example.se";
  cases.push_back({"e-mail address needing quotes", post("skolskjuts", json{{"version", version}, {"answers", quoted_address}}, "key-0000-0016"), 422, "submission.invalid"});
  cases.push_back({"wrong answer type", post("skolskjuts", json{{"version", version}, {"answers", json{{"pupil_name", json::array({1, 2})}}}}, "key-0000-0014"), 422, "submission.invalid"});
  for (const Case& c : cases) {
    ASSERT_TRUE(c.res) << c.name;
    EXPECT_EQ(c.res->status, c.status) << c.name << ": " << c.res->body;
    const json body = json::parse(c.res->body, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << c.name << " did not answer JSON: " << c.res->body;
    EXPECT_EQ(body["error"]["code"], c.code) << c.name;
    EXPECT_FALSE(body["error"]["message"].get<std::string>().empty()) << c.name;
  }
  const json syntax = json::parse(cases[0].res->body)["error"];
  EXPECT_EQ(syntax["line"], 2);
  // Nothing of the above was stored.
  const auto metrics = client_->Get("/metrics");
  EXPECT_NE(metrics->body.find("blankett_writer_rows_total 0"), std::string::npos);
}

class AuditTest : public HttpApiTest {
 protected:
  void post_submissions(int n) {
    const std::string version = current_version("skolskjuts");
    json answers = valid_answers();
    for (int i = 0; i < n; ++i) {
      answers["pupil_name"] = "Pupil " + std::to_string(i);
      const auto res = post("skolskjuts", json{{"version", version}, {"answers", answers}}, "audit-key-" + std::to_string(1000 + i));
      ASSERT_EQ(res->status, 201) << res->body;
    }
    stop();
  }
  // Tampering as someone with the file would: drop the append-only triggers, then edit.
  void tamper(const char* sql) {
    Result<sql::Db> db = sql::open_db(options_.data_dir + "/blankett.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(sql::exec(db.value().get(), "DROP TRIGGER IF EXISTS submissions_no_update; DROP TRIGGER IF EXISTS submissions_no_delete;").ok());
    ASSERT_TRUE(sql::exec(db.value().get(), sql).ok()) << sql;
  }
  std::vector<std::string> problems() {
    Result<AuditReport> r = audit_chain(options_.data_dir);
    EXPECT_TRUE(r.ok());
    std::vector<std::string> out;
    if (r.ok()) for (const Error& e : r.value().problems) out.push_back(e.code + " " + e.pointer);
    return out;
  }
};

TEST_F(AuditTest, AnIntactChainVerifies) {
  post_submissions(5);
  Result<AuditReport> r = audit_chain(options_.data_dir);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().rows, 5);
  EXPECT_TRUE(r.value().problems.empty());
  std::ostringstream out, err;
  EXPECT_EQ(audit_command({"verify", "--data", options_.data_dir}, out, err), 0);
  EXPECT_NE(out.str().find("audit: 5 submissions, chain intact"), std::string::npos) << out.str();
}

TEST_F(AuditTest, CatchesAChangedSubmission) {
  post_submissions(5);
  tamper("UPDATE submissions SET canonical = replace(canonical, 'Pupil 2', 'Pupil X') WHERE seq = 3;");
  EXPECT_EQ(problems(), (std::vector<std::string>{"audit.submission_changed /submissions/3"}));
  std::ostringstream out, err;
  EXPECT_EQ(audit_command({"verify", "--data", options_.data_dir}, out, err), 1);
}

TEST_F(AuditTest, CatchesAChangedReceiptAndColumns) {
  post_submissions(4);
  tamper("UPDATE submissions SET received_at = '2020-01-01T00:00:00.000Z' WHERE seq = 2;");
  EXPECT_EQ(problems(), (std::vector<std::string>{"audit.row_changed /submissions/2"}));
}

TEST_F(AuditTest, CatchesARemovedRow) {
  post_submissions(5);
  tamper("DELETE FROM submissions WHERE seq = 2;");
  EXPECT_EQ(problems(), (std::vector<std::string>{"audit.gap /submissions/3", "audit.chain_broken /submissions/3"}));
}

TEST_F(AuditTest, CatchesReorderedRows) {
  post_submissions(4);
  tamper("UPDATE submissions SET seq = 100 WHERE seq = 2; UPDATE submissions SET seq = 2 WHERE seq = 3; UPDATE submissions SET seq = 3 WHERE seq = 100;");
  const std::vector<std::string> p = problems();
  EXPECT_FALSE(p.empty());
  EXPECT_NE(std::find(p.begin(), p.end(), "audit.chain_broken /submissions/2"), p.end()) << ::testing::PrintToString(p);
}

// The log cannot be synced (a failing disk): the submission is refused with 503
// storage.sync_failed, and from then on every answer of the server says so, /healthz too,
// since nothing it reads can be trusted to be on disk (docs/storage.md).
class HttpSyncFailureTest : public HttpApiTest {
 protected:
  void SetUp() override {
    options_.log_sync = [] { return Result<bool>(Errors{Error{"storage.sync_failed", "", 0, 0, "cannot sync the log: Input/output error"}}); };
    start();
  }
};

TEST_F(HttpSyncFailureTest, AFailedLogSyncStopsTheServerFromAnsweringWithData) {
  ASSERT_EQ(client_->Get("/healthz")->status, 200);  // nothing committed yet: nothing to sync
  const json body = {{"version", current_version("skolskjuts")}, {"answers", valid_answers()}};
  auto res = post("skolskjuts", body, "key-sync-0001");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 503) << res->body;
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "storage.sync_failed") << res->body;
  for (const char* path : {"/healthz", "/api/forms", "/api/keys"}) {
    auto after = client_->Get(path);
    ASSERT_TRUE(after) << path;
    EXPECT_EQ(after->status, 503) << path;
    EXPECT_EQ(json::parse(after->body)["error"]["code"], "storage.sync_failed") << path << ": " << after->body;
    EXPECT_EQ(after->get_header_value("X-Content-Type-Options"), "nosniff") << path;  // still the server's headers
  }
  auto again = post("skolskjuts", body, "key-sync-0002");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 503);
}

TEST_F(HttpApiTest, AttachmentsAreCheckedByTheirBytesAndStoredByHash) {
  const std::string pdf = "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "not really an image";
  json answers = scenario_answers();  // with the support step and its certificate
  auto certificate = [&](const std::string& bytes, const std::string& type) {
    return json::array({{{"name", "intyg.pdf"}, {"type", type}, {"size", bytes.size()}, {"sha256", sha256_of(bytes)}}});
  };
  const std::string version = current_version("skolskjuts");

  // Named in the answers but not sent: refused, as is the JSON-only form of it.
  answers["medical_certificate"] = certificate(pdf, "application/pdf");
  auto res = post("skolskjuts", json{{"version", version}, {"answers", answers}}, "attach-key-0001");
  ASSERT_EQ(res->status, 422) << res->body;
  json error = json::parse(res->body)["error"];
  EXPECT_EQ(error["errors"][0]["code"], "attachment.missing");
  EXPECT_EQ(error["errors"][0]["pointer"], "/answers/medical_certificate/0");
  // A PNG declared as a PDF: refused by its content.
  answers["medical_certificate"] = certificate(png, "application/pdf");
  res = post_multipart(json{{"version", version}, {"answers", answers}}, {{"intyg.pdf", png}}, "attach-key-0002");
  ASSERT_EQ(res->status, 422) << res->body;
  EXPECT_EQ(json::parse(res->body)["error"]["errors"][0]["code"], "attachment.type_mismatch");
  // A file nobody names: refused.
  answers["medical_certificate"] = certificate(pdf, "application/pdf");
  res = post_multipart(json{{"version", version}, {"answers", answers}}, {{"intyg.pdf", pdf}, {"extra.pdf", pdf + " "}}, "attach-key-0003");
  ASSERT_EQ(res->status, 422) << res->body;
  EXPECT_EQ(json::parse(res->body)["error"]["errors"][0]["code"], "attachment.unused");
  // The real thing: stored, and linked to the submission.
  res = post_multipart(json{{"version", version}, {"answers", answers}}, {{"intyg.pdf", pdf}}, "attach-key-0004");
  ASSERT_EQ(res->status, 201) << res->body;
  const json receipt = json::parse(res->body)["receipt"];
  stop();
  Result<std::optional<Attachment>> stored = get_attachment(*store_, sha256_of(pdf));
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(stored.value().has_value());
  EXPECT_EQ(stored.value()->bytes, pdf);
  EXPECT_EQ(stored.value()->media_type, "application/pdf");
  Result<std::vector<SubmissionAttachment>> links = list_submission_attachments(*store_, receipt["sequence"].get<int64_t>());
  ASSERT_TRUE(links.ok());
  ASSERT_EQ(links.value().size(), 1u);
  EXPECT_EQ(links.value()[0].field_path, "medical_certificate/0");
  EXPECT_EQ(links.value()[0].name, "intyg.pdf");
}

TEST_F(HttpApiTest, HealthAndMetrics) {
  auto res = client_->Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body)["status"], "ok");
  post("skolskjuts", json{{"version", current_version("skolskjuts")}, {"answers", valid_answers()}}, "key-0000-0015");
  res = client_->Get("/metrics");
  ASSERT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("blankett_submissions_accepted_total{form=\"skolskjuts\"} 1"), std::string::npos) << res->body;
  EXPECT_NE(res->body.find("blankett_http_requests_total{method=\"POST\",route=\"/api/forms/{id}/submissions\",status=\"201\"} 1"), std::string::npos);
  EXPECT_NE(res->body.find("blankett_http_request_duration_seconds_bucket"), std::string::npos);
  // The writer's own counters: the one commit wrote pages to the log and took CPU time.
  auto value_of = [&](const std::string& name) {
    const size_t at = res->body.find("\n" + name + " ");
    return at == std::string::npos ? -1.0 : std::stod(res->body.substr(at + name.size() + 2));
  };
  EXPECT_EQ(value_of("blankett_writer_rows_total"), 1.0);
  EXPECT_GE(value_of("blankett_writer_pages_total"), 2.0) << res->body;  // a table page and at least one index's
  EXPECT_GT(value_of("blankett_writer_cpu_seconds_total"), 0.0) << res->body;
  EXPECT_LT(value_of("blankett_writer_cpu_seconds_total"), 60.0);
  res = client_->Get("/");
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("Ansökan om skolskjuts"), std::string::npos);
  EXPECT_EQ(client_->Get("/../etc/passwd")->status, 404);
  EXPECT_EQ(client_->Get("/api/nothing")->status, 404);
}

// cpp-httplib gives an open connection a thread until it closes, idle keep-alive time
// included. The server closes idle connections after keep_alive_seconds, so that when
// every request thread holds one, a new visitor waits about that long, not minutes.
TEST_F(HttpApiTest, IdleKeepAliveConnectionsGiveTheirThreadsBack) {
  stop();
  options_.http_threads = 4;
  options_.keep_alive_seconds = 1;
  start();
  // Four browsers that loaded something and keep their connections open: every thread
  // now waits on one of them.
  std::vector<int> idle;
  for (size_t i = 0; i < options_.http_threads; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    const timeval patience{10, 0};  // a recv that would wait longer fails instead
    ASSERT_EQ(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience), 0);
    const std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    ASSERT_EQ(send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
    char answer[4096];
    const ssize_t got = recv(fd, answer, sizeof answer, 0);
    ASSERT_GE(got, 12);
    EXPECT_EQ(std::string(answer, 12), "HTTP/1.1 200");
    idle.push_back(fd);
  }
  const auto asked = std::chrono::steady_clock::now();
  httplib::Client visitor("127.0.0.1", port_);
  visitor.set_read_timeout(30, 0);
  const auto res = visitor.Get("/healthz");
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - asked).count();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  // About one keep-alive period; cpp-httplib's own 5 s would be at least 5.
  EXPECT_LT(waited, 4.0);
  // And the idle connections were closed by the server, not left to the clients: after
  // the rest of its answer (headers and body may come in two pieces) a read finds the end.
  for (int fd : idle) {
    char rest[4096];
    ssize_t got = 0;
    do {
      got = recv(fd, rest, sizeof rest, 0);
    } while (got > 0);
    EXPECT_EQ(got, 0) << "the connection was not closed (errno " << errno << ")";
    close(fd);
  }
}

TEST_F(HttpApiTest, FormPagesShareOneShellAnd404ForUnknownForms) {
  EXPECT_EQ(client_->Get("/f/skolskjuts")->status, 404);  // no citizen app yet: JSON 404
  std::filesystem::create_directories(options_.web_dir);
  std::ofstream(options_.web_dir + "/form.html") << "<!DOCTYPE html><title>shell</title>";
  auto res = client_->Get("/f/skolskjuts");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "<!DOCTYPE html><title>shell</title>");  // no place for a first step in this one
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-cache");
  EXPECT_NE(res->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
  res = client_->Get("/f/no-such-form");
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(res->body, "<!DOCTYPE html><title>shell</title>");
  EXPECT_EQ(client_->Get("/f/Not_An_Id")->status, 404);
}

TEST_F(HttpApiTest, AFormPageHasItsFirstStepDrawnInAndPreloadsTheDefinition) {
  std::filesystem::create_directories(options_.web_dir);
  const std::string shell = slurp(BLANKETT_SOURCE_DIR "/web/form.html");
  std::ofstream(options_.web_dir + "/form.html") << shell;
  const FormPtr form = compile_form(slurp(BLANKETT_SOURCE_DIR "/forms/skolskjuts/form.json")).value();
  const FormState fresh = FormState::create(form, "2026-08-15").value();
  std::vector<std::string> languages;
  const json summary = form_summary(*form);
  for (const json& l : summary["languages"]) languages.push_back(l.get<std::string>());
  ASSERT_GE(languages.size(), 2u);
  // Exactly what the engine shows a citizen who opens the form today, in the page's language.
  auto expected = [&](const std::string& lang) {
    return with_first_step(shell, first_step_html(view_step(fresh, lang), lang), "skolskjuts", lang, languages);
  };
  auto res = client_->Get("/f/skolskjuts");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->body, expected(languages[0]));
  EXPECT_NE(res->body.find("aria-busy=\"true\" data-first-step=\"skolskjuts:" + languages[0] + "\""), std::string::npos);
  EXPECT_NE(res->body.find("<form class=\"step-form\""), std::string::npos);
  EXPECT_EQ(res->get_header_value("Link"), "</api/forms/skolskjuts>; rel=preload; as=fetch; crossorigin");
  EXPECT_NE(res->get_header_value("Vary").find("Cookie"), std::string::npos);
  // ?lang= and the server pages' cookie choose the language, as in the app.
  EXPECT_EQ(client_->Get("/f/skolskjuts?lang=" + languages[1])->body, expected(languages[1]));
  EXPECT_EQ(client_->Get("/f/skolskjuts", {{"Cookie", "blankett_lang=" + languages[1]}})->body, expected(languages[1]));
  EXPECT_NE(expected(languages[0]), expected(languages[1]));
  // Served again from the cache: the same bytes.
  EXPECT_EQ(client_->Get("/f/skolskjuts")->body, res->body);
  // A reload of a later step opens there, not on the first: the bare shell.
  EXPECT_EQ(client_->Get("/f/skolskjuts?step=school")->body, shell);
  res = client_->Get("/f/no-such-form");
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(res->body, shell);
  EXPECT_FALSE(res->has_header("Link"));
}

}  // namespace
}  // namespace blankett
