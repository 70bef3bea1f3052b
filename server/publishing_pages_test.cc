// The publishing routes against a real server: POST /api/publish and its tokens, the
// private preview, the admin pages' role checks and CSRF, and approvals and unpublishing
// taking effect for citizens at once.
#include "publishing_pages.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "api_tokens.h"
#include "audit_log.h"
#include "publications.h"
#include "test_server.h"

namespace blankett {
namespace {

using nlohmann::json;

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

class PublishingPagesTest : public TestServer {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.file("forms/proov"));
    std::ofstream(dir_.file("forms/proov/form.json")) << tiny_form("proov", "Namn");
    options_.forms_dir = dir_.file("forms");
    options_.web_dir = BLANKETT_SOURCE_DIR "/web";
    options_.today = [] { return std::string("2026-08-15"); };
    ASSERT_NO_FATAL_FAILURE(start());
    dev_ = add("dev", {Role::developer});
    dev2_ = add("dev2", {Role::developer});
    owner_ = add("owner", {Role::owner});
    dev_token_ = create_api_token(*store_, "publish", "", dev_, "laptop").value().token;
  }

  int64_t add(const std::string& username, std::vector<Role> roles) { return insert_user(username, "Name <" + username + ">", roles); }
  httplib::Result publish(const std::string& body, const std::string& token) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return client_->Post("/api/publish", headers, body, "application/json");
  }
  // Uploads through the API; returns the 201 body.
  json upload(const std::string& label) {
    httplib::Result res = publish(tiny_form("proov", label), dev_token_);
    EXPECT_TRUE(res);
    if (!res) return json();
    EXPECT_EQ(res->status, 201) << res->body;
    return json::parse(res->body);
  }
  std::string current_version() {
    httplib::Result res = client_->Get("/api/forms/proov");
    return res && res->status == 200 ? json::parse(res->body)["version"].get<std::string>() : "";
  }
  std::string state_of(int64_t id) { return get_publication(*store_, id).value().value().state; }

  int64_t dev_ = 0, dev2_ = 0, owner_ = 0;
  std::string dev_token_;
};

TEST_F(PublishingPagesTest, ApiPublishMakesADraftWithAPreviewAndADiff) {
  const std::string before = current_version();
  httplib::Result res = publish(tiny_form("proov", "Ditt namn"), dev_token_);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  const json body = json::parse(res->body);
  EXPECT_EQ(body["state"], "draft");
  EXPECT_EQ(body["form"], "proov");
  EXPECT_EQ(body["version"].get<std::string>().size(), 64u);
  EXPECT_EQ(body["previous_version"], before);
  EXPECT_EQ(body["preview_url"].get<std::string>().rfind("/p/", 0), 0u);
  EXPECT_EQ(body["review_url"], "/admin/publications/" + std::to_string(body["publication"].get<int64_t>()));
  ASSERT_EQ(body["diff"].size(), 2u);
  EXPECT_EQ(body["diff"][0]["path"], "/steps/0/fields/0/label/en");
  EXPECT_EQ(current_version(), before);  // a draft changes nothing for citizens

  // The same upload again: the same draft, a new preview link.
  res = publish(tiny_form("proov", "Ditt namn"), dev_token_);
  ASSERT_EQ(res->status, 200) << res->body;
  const json again = json::parse(res->body);
  EXPECT_EQ(again["publication"], body["publication"]);
  EXPECT_FALSE(again["created"].get<bool>());
  EXPECT_NE(again["preview_url"], body["preview_url"]);

  const AuditEntry last = list_audit(*store_, 0, 1).value()[0];
  EXPECT_EQ(last.action, "form.upload");
  EXPECT_EQ(last.actor, "user:" + std::to_string(dev_));
  EXPECT_TRUE(last.detail.contains("token"));
}

TEST_F(PublishingPagesTest, ApiPublishRefusesBadTokens) {
  httplib::Result res = publish(tiny_form("proov", "X"), "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "auth.required");

  res = publish(tiny_form("proov", "X"), "blk_" + std::string(43, 'x'));
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "auth.bad_token");

  const NewApiToken revoked = create_api_token(*store_, "publish", "", dev_, "old").value();
  ASSERT_TRUE(revoke_api_token(*store_, revoked.info.id).ok());
  res = publish(tiny_form("proov", "X"), revoked.token);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "auth.bad_token");

  const NewApiToken integration = create_api_token(*store_, "integration", "proov", dev_, "erp").value();
  res = publish(tiny_form("proov", "X"), integration.token);
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "auth.forbidden");

  // A publish token whose user is not (or no longer) a form developer.
  const NewApiToken owners = create_api_token(*store_, "publish", "", owner_, "owner's").value();
  res = publish(tiny_form("proov", "X"), owners.token);
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "publish.forbidden");

  EXPECT_TRUE(list_drafts(*store_).value().empty());
}

TEST_F(PublishingPagesTest, ApiPublishRefusesABrokenFormWithEveryProblem) {
  const std::string broken = "{\n  \"format\": 1,\n  \"id\": \"proov\",\n  \"steps\": 3\n}";
  httplib::Result res = publish(broken, dev_token_);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 422);
  const json error = json::parse(res->body)["error"];
  EXPECT_EQ(error["code"], "publish.invalid_form");
  ASSERT_FALSE(error["errors"].empty());
  bool located = false;
  for (const json& e : error["errors"]) located = located || (e.value("pointer", "") == "/steps" && e.value("line", 0) == 4);
  EXPECT_TRUE(located) << res->body;
  EXPECT_EQ(publish("{oops", dev_token_)->status, 422);
  EXPECT_TRUE(list_drafts(*store_).value().empty());
}

TEST_F(PublishingPagesTest, PreviewServesTheDraftUntilItIsDecided) {
  const json up = upload("Ditt namn");
  const std::string path = up["preview_url"];
  const std::string token = path.substr(3);
  httplib::Result page = client_->Get(path.c_str());
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_TRUE(contains(page->body, "<!DOCTYPE html>") || contains(page->body, "<!doctype html>"));
  EXPECT_EQ(page->get_header_value("Cache-Control"), "no-store");

  httplib::Result api = client_->Get(("/api/previews/" + token).c_str());
  ASSERT_EQ(api->status, 200);
  const json preview = json::parse(api->body);
  EXPECT_EQ(preview["id"], "proov");
  EXPECT_EQ(preview["version"], up["version"]);
  EXPECT_EQ(preview["preview"], true);
  EXPECT_EQ(preview["definition"]["steps"][0]["fields"][0]["label"]["sv"], "Ditt namn");

  // The draft is not a published version: not served by hash, no submissions.
  const std::string draft = up["version"];
  EXPECT_EQ(client_->Get(("/api/forms/proov/versions/" + draft).c_str())->status, 404);
  httplib::Result submitted = client_->Post("/api/forms/proov/submissions", httplib::Headers{{"Idempotency-Key", "draft-key-0001"}},
                                            json{{"version", draft}, {"answers", {{"name", "A"}}}}.dump(), "application/json");
  ASSERT_TRUE(submitted);
  EXPECT_EQ(submitted->status, 404);
  EXPECT_EQ(json::parse(submitted->body)["error"]["code"], "form.version_not_found");

  EXPECT_EQ(client_->Get(("/p/" + std::string(43, 'A')).c_str())->status, 404);
  EXPECT_EQ(json::parse(client_->Get(("/api/previews/" + std::string(43, 'A')).c_str())->body)["error"]["code"], "preview.not_found");

  ASSERT_EQ(post_as("/admin/publications/" + std::to_string(up["publication"].get<int64_t>()) + "/approve", sign_in(owner_))->status, 303);
  EXPECT_EQ(client_->Get(path.c_str())->status, 404);
  EXPECT_EQ(client_->Get(("/api/previews/" + token).c_str())->status, 404);
}

TEST_F(PublishingPagesTest, SecondDeveloperCannotPublishAloneThroughThePages) {
  const json up = upload("Ditt namn");
  const std::string approve = "/admin/publications/" + std::to_string(up["publication"].get<int64_t>()) + "/approve";
  const std::string before = current_version();

  // The uploader sees why they cannot approve, and no approve button.
  const Session dev = sign_in(dev_);
  httplib::Result page = get_as("/admin/publications/" + std::to_string(up["publication"].get<int64_t>()), dev);
  ASSERT_EQ(page->status, 200);
  EXPECT_TRUE(contains(page->body, "You uploaded this version, so you cannot approve it"));
  EXPECT_FALSE(contains(page->body, approve));
  // A second developer: not an owner, so no approve button and a 403 on POST.
  const Session dev2 = sign_in(dev2_);
  page = get_as("/admin/publications/" + std::to_string(up["publication"].get<int64_t>()), dev2);
  EXPECT_FALSE(contains(page->body, approve));
  EXPECT_EQ(post_as(approve, dev2)->status, 403);
  EXPECT_EQ(post_as(approve, dev)->status, 403);
  EXPECT_EQ(state_of(up["publication"]), "draft");
  EXPECT_EQ(current_version(), before);

  // The uploader with the owner role too: still four eyes.
  ASSERT_TRUE(set_roles(*store_, dev_, {Role::developer, Role::owner}).ok());
  httplib::Result self = post_as(approve, dev);
  EXPECT_EQ(self->status, 403);
  EXPECT_TRUE(contains(self->body, "You cannot approve your own version"));
  EXPECT_EQ(state_of(up["publication"]), "draft");
}

TEST_F(PublishingPagesTest, OwnerApprovesWithADiffAndCitizensGetItAtOnce) {
  const json up = upload("<b>Ditt namn</b>");
  const std::string page_path = "/admin/publications/" + std::to_string(up["publication"].get<int64_t>());
  const Session owner = sign_in(owner_);
  httplib::Result page = get_as(page_path, owner);
  ASSERT_EQ(page->status, 200);
  EXPECT_TRUE(contains(page->body, "<th scope=\"col\">Location (JSON Pointer)</th>"));
  EXPECT_TRUE(contains(page->body, "<code>/steps/0/fields/0/label/en</code>"));
  EXPECT_TRUE(contains(page->body, "&lt;b&gt;Ditt namn&lt;/b&gt;"));
  EXPECT_FALSE(contains(page->body, "<b>Ditt namn</b>"));
  EXPECT_TRUE(contains(page->body, "Name &lt;dev&gt;"));  // the uploader, escaped
  EXPECT_TRUE(contains(page->body, page_path + "/approve"));
  EXPECT_FALSE(contains(page->body, "<script"));

  // Without the CSRF token: refused, nothing changes.
  EXPECT_EQ(post_as(page_path + "/approve", owner, {}, false)->status, 403);
  EXPECT_EQ(state_of(up["publication"]), "draft");

  httplib::Result approved = post_as(page_path + "/approve", owner);
  ASSERT_EQ(approved->status, 303);
  EXPECT_EQ(approved->get_header_value("Location"), page_path);
  EXPECT_EQ(current_version(), up["version"]);  // no restart needed
  EXPECT_EQ(client_->Get(("/api/forms/proov/versions/" + up["version"].get<std::string>()).c_str())->status, 200);
  page = get_as(page_path, owner);
  EXPECT_TRUE(contains(page->body, "Published (current)"));

  httplib::Result history = get_as("/admin/forms/proov", owner);
  ASSERT_EQ(history->status, 200);
  EXPECT_TRUE(contains(history->body, "<caption>Every version, newest first</caption>"));
  EXPECT_TRUE(contains(history->body, "Published, replaced by a newer one"));
  EXPECT_TRUE(contains(history->body, "The server&#39;s forms folder"));
}

TEST_F(PublishingPagesTest, RejectAndUnpublishThroughThePages) {
  const json up = upload("Ditt namn");
  const Session owner = sign_in(owner_);
  const std::string reject = "/admin/publications/" + std::to_string(up["publication"].get<int64_t>()) + "/reject";
  EXPECT_EQ(post_as(reject, sign_in(dev2_))->status, 403);
  ASSERT_EQ(post_as(reject, owner)->status, 303);
  EXPECT_EQ(state_of(up["publication"]), "rejected");

  EXPECT_EQ(post_as("/admin/forms/proov/unpublish", sign_in(dev_))->status, 403);
  EXPECT_EQ(post_as("/admin/forms/proov/unpublish", owner, {}, false)->status, 403);
  EXPECT_EQ(client_->Get("/f/proov")->status, 200);
  ASSERT_EQ(post_as("/admin/forms/proov/unpublish", owner)->status, 303);
  EXPECT_EQ(client_->Get("/api/forms/proov")->status, 404);
  EXPECT_EQ(client_->Get("/f/proov")->status, 404);
  EXPECT_TRUE(json::parse(client_->Get("/api/forms")->body)["forms"].empty());
  EXPECT_EQ(post_as("/admin/forms/proov/unpublish", owner)->status, 409);
  EXPECT_EQ(list_audit(*store_, 0, 1).value()[0].action, "form.unpublish");
}

TEST_F(PublishingPagesTest, AdminPagesCheckRoles) {
  const int64_t caseworker = add("cw", {Role::caseworker});
  const int64_t admin = add("admin", {Role::admin});
  for (const char* path : {"/admin/forms", "/admin/forms/proov", "/admin/publications/1"}) {
    EXPECT_EQ(client_->Get(path)->status, 303) << path;  // to the login page
    EXPECT_EQ(get_as(path, sign_in(caseworker))->status, 403) << path;
    EXPECT_EQ(get_as(path, sign_in(admin))->status, 403) << path;  // an admin is not a form owner
  }
  httplib::Result dev_page = get_as("/admin/forms", sign_in(dev_));
  ASSERT_EQ(dev_page->status, 200);
  EXPECT_TRUE(contains(dev_page->body, "<label for=\"definition\">"));
  EXPECT_TRUE(contains(dev_page->body, "<label for=\"token-label\">"));
  EXPECT_TRUE(contains(dev_page->body, "<a href=\"/admin/forms/proov\">"));
  httplib::Result owner_page = get_as("/admin/forms", sign_in(owner_));
  ASSERT_EQ(owner_page->status, 200);
  EXPECT_FALSE(contains(owner_page->body, "<textarea"));  // owners approve; developers upload
  EXPECT_EQ(post_as("/admin/forms/upload", sign_in(owner_), {{"definition", tiny_form("proov", "X")}})->status, 403);
  EXPECT_EQ(get_as("/admin/forms/nope", sign_in(owner_))->status, 404);
  EXPECT_EQ(get_as("/admin/publications/999", sign_in(owner_))->status, 404);
}

TEST_F(PublishingPagesTest, UploadThroughThePage) {
  const Session dev = sign_in(dev_);
  EXPECT_EQ(post_as("/admin/forms/upload", dev, {{"definition", tiny_form("proov", "Y")}}, false)->status, 403);
  EXPECT_TRUE(list_drafts(*store_).value().empty());

  httplib::Result broken = post_as("/admin/forms/upload", dev, {{"definition", "{\n  \"format\": 1,\n  \"id\": \"proov\",\n  \"steps\": 3\n}"}});
  ASSERT_EQ(broken->status, 422);
  EXPECT_TRUE(contains(broken->body, "class=\"error-summary\""));
  EXPECT_TRUE(contains(broken->body, "Line 4: "));
  EXPECT_TRUE(contains(broken->body, "href=\"#definition\""));
  EXPECT_TRUE(contains(broken->body, "aria-invalid=\"true\""));
  EXPECT_EQ(post_as("/admin/forms/upload", dev, {{"definition", "  "}})->status, 422);

  httplib::Result ok = post_as("/admin/forms/upload", dev, {{"definition", tiny_form("proov", "Y")}});
  ASSERT_EQ(ok->status, 201);
  EXPECT_TRUE(contains(ok->body, "<a href=\"/p/"));
  const std::vector<Publication> drafts = list_drafts(*store_).value();
  ASSERT_EQ(drafts.size(), 1u);
  EXPECT_EQ(drafts[0].uploaded_by, dev_);
  EXPECT_TRUE(contains(get_as("/admin/forms", dev)->body, "/admin/publications/" + std::to_string(drafts[0].id)));
}

// The example forms are 17–38 KB. The page's form is multipart (a urlencoded body over
// 8 KiB never reached the handler: raw JSON 413), both kinds of body are read whole, and a
// body over --max-body gets a page in the reader's language, not JSON.
TEST_F(PublishingPagesTest, UploadThroughThePageTakesARealSizedDefinition) {
  const Session dev = sign_in(dev_);
  EXPECT_TRUE(contains(get_as("/admin/forms", dev)->body,
                       "<form method=\"post\" enctype=\"multipart/form-data\" action=\"/admin/forms/upload\">"));
  const std::string big = tiny_form("proov", std::string(20000, 'x'));
  const httplib::MultipartFormDataItems parts = {{"csrf", dev.csrf_token, "", ""}, {"definition", big, "", ""}};
  httplib::Result multipart = client_->Post("/admin/forms/upload", cookie(dev), parts);
  ASSERT_TRUE(multipart);
  EXPECT_EQ(multipart->status, 201) << multipart->body.substr(0, 300);
  EXPECT_TRUE(contains(multipart->body, "<a href=\"/p/"));
  httplib::Result urlencoded = post_as("/admin/forms/upload", dev, {{"definition", tiny_form("proov", std::string(20000, 'y'))}});
  ASSERT_TRUE(urlencoded);
  EXPECT_EQ(urlencoded->status, 201) << urlencoded->body.substr(0, 300);

  stop();
  options_.max_body_bytes = 16 * 1024;
  ASSERT_NO_FATAL_FAILURE(start());
  httplib::Result too_large = client_->Post("/admin/forms/upload", cookie(dev), parts);
  ASSERT_TRUE(too_large);
  EXPECT_EQ(too_large->status, 413);
  EXPECT_EQ(too_large->get_header_value("Content-Type").rfind("text/html", 0), 0u) << too_large->body;
  EXPECT_TRUE(contains(too_large->body, "The definition is too large"));
  EXPECT_TRUE(contains(too_large->body, "at most 16 KiB"));
  EXPECT_EQ(list_drafts(*store_).value().size(), 2u);  // the two earlier uploads': nothing more
}

TEST_F(PublishingPagesTest, DeveloperMakesAPublishTokenThatWorks) {
  const Session dev = sign_in(dev2_);
  EXPECT_EQ(post_as("/admin/publish-token", dev, {{"label", "ci"}}, false)->status, 403);
  EXPECT_EQ(post_as("/admin/publish-token", dev, {{"label", ""}})->status, 422);
  httplib::Result made = post_as("/admin/publish-token", dev, {{"label", "ci"}});
  ASSERT_EQ(made->status, 201);
  const size_t at = made->body.find("<code>blk_");
  ASSERT_NE(at, std::string::npos) << made->body;
  const std::string token = made->body.substr(at + 6, made->body.find("</code>", at) - at - 6);
  EXPECT_EQ(list_audit(*store_, 0, 1).value()[0].action, "token.create");
  httplib::Result res = publish(tiny_form("proov", "Z"), token);
  ASSERT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(get_publication(*store_, json::parse(res->body)["publication"]).value()->uploaded_by, dev2_);
}

// "at most 100 characters" counts characters: 60 × "å" is 120 bytes.
TEST_F(PublishingPagesTest, TokenLabelLimitCountsCharacters) {
  const Session dev = sign_in(dev2_);
  std::string sixty;
  for (int i = 0; i < 60; ++i) sixty += "å";
  EXPECT_EQ(post_as("/admin/publish-token", dev, {{"label", sixty}})->status, 201);
  httplib::Result too_long = post_as("/admin/publish-token", dev, {{"label", sixty + sixty}});
  EXPECT_EQ(too_long->status, 422);
  EXPECT_TRUE(contains(too_long->body, "Enter a name of 1–100 characters"));
}

}  // namespace
}  // namespace blankett
