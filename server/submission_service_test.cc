// The submission route's answer: 201 without a Location header (no route shows a
// submission by its reference), and the attachment checks' messages in the
// submission's language, as the engine's validation messages are.
#include "submission_service.h"

#include <gtest/gtest.h>

#include "inbox_test_support.h"

namespace blankett {
namespace inbox_test {
namespace {

class SubmissionServiceTest : public InboxServerTest {
 protected:
  httplib::Result post(const json& body, const std::string& key) {
    return client_->Post("/api/forms/skolskjuts/submissions", {{"Idempotency-Key", key}}, body.dump(), "application/json");
  }
  // The joint-custody answers with the support step, naming a medical certificate.
  json answers_naming_a_certificate() {
    json a = scenario_answers("skolskjuts", "happy-path-joint-custody-with-support.json");
    a["medical_certificate"] = json::array(
        {{{"name", "intyg.pdf"}, {"type", "application/pdf"}, {"size", kPdf.size()}, {"sha256", sha256_of(kPdf)}}});
    return a;
  }
};

TEST_F(SubmissionServiceTest, CreatedHasNoLocationThatLeadsNowhere) {
  httplib::Result res = post({{"version", current_version("skolskjuts")}, {"answers", skolskjuts_answers()}}, "location-key-1");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  EXPECT_FALSE(res->has_header("Location")) << res->get_header_value("Location");
}

TEST_F(SubmissionServiceTest, AMissingFileIsToldInTheSubmissionsLanguage) {
  const std::string version = current_version("skolskjuts");
  auto message = [&](const json& language, const std::string& key) {
    json body = {{"version", version}, {"answers", answers_naming_a_certificate()}};
    if (!language.is_null()) body["language"] = language;
    httplib::Result res = post(body, key);
    EXPECT_TRUE(res);
    if (!res) return std::string();
    EXPECT_EQ(res->status, 422) << res->body;
    const json error = json::parse(res->body)["error"]["errors"][0];
    EXPECT_EQ(error["code"], "attachment.missing");
    EXPECT_EQ(error["pointer"], "/answers/medical_certificate/0");
    return error["message"].get<std::string>();
  };
  EXPECT_EQ(message("sv", "missing-key-sv"), "Filen 'intyg.pdf' skickades inte med ansökan. Bifoga den igen.");
  EXPECT_EQ(message("en", "missing-key-en"), "The file 'intyg.pdf' was not sent with the application. Attach it again.");
  EXPECT_EQ(message("nb", "missing-key-nb"), "Filen 'intyg.pdf' ble ikke sendt med søknaden. Legg den ved på nytt.");
  // No language: the form's first (Swedish), as the engine's messages.
  EXPECT_EQ(message(nullptr, "missing-key-none"), "Filen 'intyg.pdf' skickades inte med ansökan. Bifoga den igen.");
}

// Media types are case-insensitive (RFC 9110 §8.3.1) and may carry parameters: a client
// that writes "Application/JSON; charset=UTF-8" is sending JSON.
TEST_F(SubmissionServiceTest, TheContentTypeIsMatchedIgnoringCase) {
  const json body = {{"version", current_version("skolskjuts")}, {"answers", skolskjuts_answers()}};
  auto status = [&](const std::string& content_type, const std::string& key) {
    httplib::Result res = client_->Post("/api/forms/skolskjuts/submissions", {{"Idempotency-Key", key}}, body.dump(), content_type);
    EXPECT_TRUE(res);
    return res ? res->status : 0;
  };
  EXPECT_EQ(status("Application/JSON", "media-type-key-1"), 201);
  EXPECT_EQ(status("APPLICATION/JSON; charset=UTF-8", "media-type-key-2"), 201);
  EXPECT_EQ(status("application/json;charset=utf-8", "media-type-key-3"), 201);
  EXPECT_EQ(status("application/jsonp", "media-type-key-4"), 415);
  EXPECT_EQ(status("Text/Plain", "media-type-key-5"), 415);
  // cpp-httplib reads the parts of a multipart body only when its type is in lower case:
  // another spelling is refused with a message that says so, not a JSON syntax error.
  httplib::Result multipart = client_->Post("/api/forms/skolskjuts/submissions", {{"Idempotency-Key", "media-type-key-6"}},
                                            "--b\r\nContent-Disposition: form-data; name=\"submission\"\r\n\r\n" + body.dump() +
                                                "\r\n--b--\r\n",
                                            "Multipart/Form-Data; boundary=b");
  ASSERT_TRUE(multipart);
  EXPECT_EQ(multipart->status, 415);
  EXPECT_NE(multipart->body.find("in lower case"), std::string::npos) << multipart->body;
}

// A multipart body is one "submission" part and "file" parts: anything else is refused
// by name, before the JSON is read.
TEST_F(SubmissionServiceTest, MultipartPartsAreRefusedByName) {
  const std::string json_body = json{{"version", current_version("skolskjuts")}, {"answers", skolskjuts_answers()}}.dump();
  auto error_of = [&](const httplib::MultipartFormDataItems& parts, const std::string& key) {
    httplib::Result res = client_->Post("/api/forms/skolskjuts/submissions", {{"Idempotency-Key", key}}, parts);
    EXPECT_TRUE(res);
    if (!res) return json();
    EXPECT_EQ(res->status, 400) << res->body;
    return json::parse(res->body)["error"];
  };
  json error = error_of({{"answers", json_body, "", "application/json"}, {"file", kPdf, "intyg.pdf", "application/pdf"}}, "parts-key-1");
  EXPECT_EQ(error["code"], "request.missing_submission_part");
  EXPECT_EQ(error["message"],
            "the multipart body has no part named \"submission\" (its parts: 'answers', 'file'); send one \"submission\" part "
            "with the JSON body and one \"file\" part per attachment");
  error = error_of({{"submission", json_body, "", "application/json"}, {"files", kPdf, "intyg.pdf", "application/pdf"},
                    {"note", "hej", "", ""}},
                   "parts-key-2");
  EXPECT_EQ(error["code"], "request.unknown_part");
  EXPECT_EQ(error["message"],
            "the multipart body has parts 'files', 'note' that the server does not take; send one \"submission\" part "
            "with the JSON body and one \"file\" part per attachment");
  // The right parts still go through.
  httplib::Result res = client_->Post("/api/forms/skolskjuts/submissions", {{"Idempotency-Key", "parts-key-3"}},
                                      httplib::MultipartFormDataItems{{"submission", json_body, "", "application/json"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201) << res->body;
}

// A file that an answer names with the wrong size or type is one problem, not also
// "not named by any answer".
TEST_F(SubmissionServiceTest, AMismatchedFileIsReportedOnce) {
  const std::string version = current_version("skolskjuts");
  json answers = answers_naming_a_certificate();
  answers["medical_certificate"][0]["size"] = kPdf.size() + 1;
  auto errors_of = [&](const json& a, const std::string& key) {
    httplib::Result res = client_->Post("/api/forms/skolskjuts/submissions", {{"Idempotency-Key", key}},
                                        httplib::MultipartFormDataItems{
                                            {"submission", json{{"version", version}, {"answers", a}}.dump(), "", "application/json"},
                                            {"file", kPdf, "intyg.pdf", "application/pdf"}});
    EXPECT_TRUE(res);
    if (!res) return json();
    EXPECT_EQ(res->status, 422) << res->body;
    return json::parse(res->body)["error"]["errors"];
  };
  json errors = errors_of(answers, "mismatch-key-1");
  ASSERT_EQ(errors.size(), 1u) << errors.dump();
  EXPECT_EQ(errors[0]["code"], "attachment.size_mismatch");
  answers["medical_certificate"][0]["size"] = kPdf.size();
  answers["medical_certificate"][0]["type"] = "image/png";
  errors = errors_of(answers, "mismatch-key-2");
  ASSERT_EQ(errors.size(), 1u) << errors.dump();
  EXPECT_EQ(errors[0]["code"], "attachment.type_mismatch");
}

// "language" picks the messages: one the form does not have is refused, not replaced by
// the form's first without a word.
TEST_F(SubmissionServiceTest, ALanguageTheFormDoesNotHaveIsRefused) {
  const json body = {{"version", current_version("skolskjuts")}, {"answers", skolskjuts_answers()}};
  auto refusal = [&](const json& language, const std::string& key, int status) {
    json b = body;
    b["language"] = language;
    httplib::Result res = post(b, key);
    EXPECT_TRUE(res);
    if (!res) return json();
    EXPECT_EQ(res->status, status) << res->body;
    return json::parse(res->body)["error"];
  };
  json error = refusal("de", "language-key-1", 422);
  EXPECT_EQ(error["code"], "submission.unknown_language");
  EXPECT_EQ(error["pointer"], "/language");
  EXPECT_EQ(error["message"], "the form has no language 'de': the form is written in 'sv', 'en', 'nb'");
  EXPECT_EQ(refusal("", "language-key-2", 422)["code"], "submission.unknown_language");
  error = refusal(7, "language-key-3", 400);
  EXPECT_EQ(error["code"], "request.wrong_type");
  EXPECT_EQ(error["pointer"], "/language");
  EXPECT_EQ(error["message"], "\"language\" is a string naming one of the form's languages (the form is written in 'sv', 'en', 'nb')");
  EXPECT_EQ(refusal(nullptr, "language-key-4", 400)["code"], "request.wrong_type");
  // One of the form's languages is taken.
  EXPECT_EQ(refusal("nb", "language-key-5", 201), json());
}

}  // namespace
}  // namespace inbox_test
}  // namespace blankett
