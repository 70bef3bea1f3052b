// The developer routes of `serve --dev` (dev_routes.h) against a real server on a free
// loopback port, over a copy of one example form: absent without --dev, the files listing
// and its ETag, saves that never overwrite, and nothing read or written outside --forms.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "test_server.h"

namespace blankett {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void spit(const fs::path& path, const std::string& content) {
  std::ofstream(path) << content;
}

// Each test starts the server itself, with or without --dev.
class DevRoutesTest : public TestServer {
 protected:
  DevRoutesTest() : TestServer("blankett-dev") {}
  void SetUp() override {}
  void start(bool dev) {
    forms_ = fs::path(dir_.path) / "forms";
    fs::create_directories(forms_);
    fs::copy(BLANKETT_SOURCE_DIR "/forms/skolskjuts", forms_ / "skolskjuts", fs::copy_options::recursive);
    preview_ = fs::path(dir_.path) / "preview";
    fs::create_directories(preview_);
    spit(preview_ / "preview.html", "<!DOCTYPE html><title>preview</title>");
    spit(preview_ / "blankett_preview.wasm", std::string("\0asm\1\0\0\0", 8));
    spit(preview_ / "blankett_preview.mjs", "export default 1;\n");
    outside_ = fs::path(dir_.path) / "outside";
    fs::create_directories(outside_);
    spit(outside_ / "secret.json", "{\"secret\": true}");

    options_.forms_dir = forms_.string();
    options_.dev = dev;
    options_.preview_dir = preview_.string();
    TestServer::start();
  }

  httplib::Result save(const std::string& kind, const std::string& query, const std::string& body) {
    return client_->Post(("/api/dev/forms/skolskjuts/" + kind + query).c_str(), body, "application/json");
  }
  static std::string error_code(const httplib::Result& res) {
    const json body = json::parse(res->body, nullptr, false);
    return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "(no JSON error: " + res->body + ")";
  }
  // Every file under `dir`, recursively, with its content.
  static std::map<std::string, std::string> snapshot(const fs::path& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = slurp(e.path());
    }
    return out;
  }

  fs::path forms_, preview_, outside_;
};

TEST_F(DevRoutesTest, WithoutDevEveryDevRouteIsA404WithAJsonError) {
  start(false);
  for (const char* path : {"/preview/skolskjuts", "/preview/assets/blankett_preview.wasm", "/preview/assets/preview.html",
                           "/api/dev/forms/skolskjuts/files"}) {
    auto res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(error_code(res), "request.not_found") << path;
  }
  for (const char* kind : {"scenarios", "drafts"}) {
    auto res = save(kind, "", "{}");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404) << kind;
    EXPECT_EQ(res->get_header_value("Content-Type").rfind("application/json", 0), 0u) << kind;
  }
  EXPECT_FALSE(fs::exists(forms_ / "skolskjuts" / "drafts"));
}

TEST_F(DevRoutesTest, ServesThePreviewPageAndItsAssets) {
  start(true);
  auto page = client_->Get("/preview/skolskjuts");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("'wasm-unsafe-eval'"), std::string::npos);
  EXPECT_EQ(client_->Get("/preview/no-such-form")->status, 404);

  auto wasm = client_->Get("/preview/assets/blankett_preview.wasm");
  ASSERT_TRUE(wasm);
  EXPECT_EQ(wasm->status, 200);
  EXPECT_EQ(wasm->get_header_value("Content-Type"), "application/wasm");
  EXPECT_EQ(wasm->body.size(), 8u);
  EXPECT_EQ(client_->Get("/preview/assets/blankett_preview.mjs")->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(client_->Get("/preview/assets/missing.js")->status, 404);
}

TEST_F(DevRoutesTest, ListsFormJsonAndScenariosWithAnETag) {
  start(true);
  auto res = client_->Get("/api/dev/forms/skolskjuts/files");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json body = json::parse(res->body);
  EXPECT_EQ(body["id"], "skolskjuts");
  ASSERT_GE(body["files"].size(), 2u);
  EXPECT_EQ(body["files"][0]["path"], "form.json");
  EXPECT_EQ(body["files"][0]["content"], slurp(forms_ / "skolskjuts" / "form.json"));
  std::vector<std::string> listed;
  for (const json& f : body["files"]) listed.push_back(f["path"]);
  std::vector<std::string> expected = {"form.json"};
  std::set<std::string> on_disk;
  for (const auto& e : fs::directory_iterator(forms_ / "skolskjuts" / "tests")) on_disk.insert("tests/" + e.path().filename().string());
  expected.insert(expected.end(), on_disk.begin(), on_disk.end());
  EXPECT_EQ(listed, expected);

  const std::string etag = res->get_header_value("ETag");
  EXPECT_EQ(etag, "\"" + body["version"].get<std::string>() + "\"");
  auto same = client_->Get("/api/dev/forms/skolskjuts/files", httplib::Headers{{"If-None-Match", etag}});
  ASSERT_TRUE(same);
  EXPECT_EQ(same->status, 304);
  EXPECT_TRUE(same->body.empty());

  // A change on disk (the developer's editor) changes the version.
  spit(forms_ / "skolskjuts" / "tests" / "new.json", "{\"actions\": []}");
  auto changed = client_->Get("/api/dev/forms/skolskjuts/files", httplib::Headers{{"If-None-Match", etag}});
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 200);
  EXPECT_NE(changed->get_header_value("ETag"), etag);

  auto missing = client_->Get("/api/dev/forms/no-such-form/files");
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(error_code(missing), "dev.form_not_found");
}

TEST_F(DevRoutesTest, SavesNeverOverwriteAFile) {
  start(true);
  const fs::path tests = forms_ / "skolskjuts" / "tests";
  // Occupy the names the next saves would take (this second and the next two), so the
  // server must pick other names.
  std::map<std::string, std::string> occupied;
  const std::string now = utc_now();
  for (int s = 0; s < 3; ++s) {
    std::string digits;
    for (char c : now.substr(0, 19)) if (c >= '0' && c <= '9') digits += c;
    // seconds + s, good enough unless a minute turns over (then the test just occupies less)
    const int sec = std::stoi(digits.substr(12, 2)) + s;
    if (sec > 59) break;
    const std::string name = "mine-" + digits.substr(0, 8) + "-" + digits.substr(8, 4) + (sec < 10 ? "0" : "") + std::to_string(sec) + ".json";
    occupied[name] = "{\"hand\": \"written\"}";
    spit(tests / name, occupied[name]);
  }
  const auto before = snapshot(forms_);

  std::set<std::string> paths;
  for (int i = 0; i < 4; ++i) {
    const std::string body = "{\"description\": \"saved " + std::to_string(i) + "\", \"actions\": []}";
    auto res = save("scenarios", "?name=mine", body);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 201) << res->body;
    const std::string path = json::parse(res->body)["path"];
    EXPECT_EQ(path.rfind("tests/mine-", 0), 0u) << path;
    EXPECT_TRUE(paths.insert(path).second) << "saved twice as " << path;
    EXPECT_EQ(slurp(forms_ / "skolskjuts" / path), body + "\n");
  }
  // Every file that was there is unchanged; the only new files are the four saves.
  const auto after = snapshot(forms_);
  for (const auto& [name, content] : before) {
    ASSERT_TRUE(after.count(name)) << name;
    EXPECT_EQ(after.at(name), content) << name;
  }
  EXPECT_EQ(after.size(), before.size() + 4);

  auto draft = save("drafts", "", "{\"answers\": {}}");
  ASSERT_EQ(draft->status, 201) << draft->body;
  const std::string draft_path = json::parse(draft->body)["path"];
  EXPECT_EQ(draft_path.rfind("drafts/draft-", 0), 0u) << draft_path;
  EXPECT_TRUE(fs::is_regular_file(forms_ / "skolskjuts" / draft_path));
  // No temporary file is left behind.
  for (const auto& e : fs::directory_iterator(tests)) EXPECT_NE(e.path().filename().string()[0], '.') << e.path();

  // An exact name (what the preview sends: it picks fresh names itself) is created once;
  // the second time it is a 409 and the first content stays.
  auto exact = save("scenarios", "?file=preview-20260815-101203.json", "{\"n\": 1}");
  ASSERT_EQ(exact->status, 201) << exact->body;
  EXPECT_EQ(json::parse(exact->body)["path"], "tests/preview-20260815-101203.json");
  auto again = save("scenarios", "?file=preview-20260815-101203.json", "{\"n\": 2}");
  EXPECT_EQ(again->status, 409);
  EXPECT_EQ(error_code(again), "dev.file_exists");
  EXPECT_EQ(slurp(tests / "preview-20260815-101203.json"), "{\"n\": 1}\n");
  auto existing = save("scenarios", "?file=" + occupied.begin()->first, "{}");
  EXPECT_EQ(existing->status, 409);
  EXPECT_EQ(slurp(tests / occupied.begin()->first), occupied.begin()->second);

  auto bad = save("scenarios", "", "not json");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(error_code(bad), "dev.bad_json");
  EXPECT_EQ(error_code(save("scenarios", "", "[1, 2]")), "dev.bad_json");
}

TEST_F(DevRoutesTest, RefusesPathTraversal) {
  start(true);
  const auto outside_before = snapshot(outside_);

  // Names that try to leave tests/.
  for (const char* query : {"?name=..%2F..%2F..%2Foutside%2Fevil", "?name=../x", "?name=.hidden", "?name=a/b", "?name=",
                            "?name=%2Ftmp%2Fx", "?file=..%2F..%2Foutside%2Fevil.json", "?file=../evil.json", "?file=..json",
                            "?file=.hidden.json", "?file=a%2Fb.json", "?file=evil.sh", "?file=%2Ftmp%2Fevil.json"}) {
    auto res = save("scenarios", query, "{}");
    ASSERT_TRUE(res) << query;
    EXPECT_EQ(res->status, 400) << query;
    EXPECT_EQ(error_code(res), "dev.bad_name") << query;
  }
  // Ids that try to leave --forms never match a route.
  for (const char* path : {"/api/dev/forms/..%2Foutside/files", "/api/dev/forms/../outside/files",
                           "/api/dev/forms/%2e%2e/files", "/preview/assets/../../forms/skolskjuts/form.json",
                           "/preview/assets/..%2F..%2Foutside%2Fsecret.json", "/preview/assets/%2e%2e/outside/secret.json"}) {
    auto res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(res->body.find("\"secret\": true"), std::string::npos) << path;  // the file's content
  }
  EXPECT_EQ(client_->Post("/api/dev/forms/..%2Foutside/scenarios", "{}", "application/json")->status, 404);

  // A form folder that is a symlink out of --forms is not a form folder.
  fs::create_directory_symlink(outside_, forms_ / "escape");
  spit(outside_ / "form.json", slurp(forms_ / "skolskjuts" / "form.json"));
  EXPECT_EQ(client_->Get("/api/dev/forms/escape/files")->status, 404);
  EXPECT_EQ(client_->Post("/api/dev/forms/escape/scenarios", "{}", "application/json")->status, 404);
  fs::remove(outside_ / "form.json");

  // A scenario that is a symlink to a file outside is not listed (nor read).
  fs::create_symlink(outside_ / "secret.json", forms_ / "skolskjuts" / "tests" / "leak.json");
  auto files = client_->Get("/api/dev/forms/skolskjuts/files");
  ASSERT_EQ(files->status, 200);
  EXPECT_EQ(files->body.find("leak.json"), std::string::npos);
  EXPECT_EQ(files->body.find("secret"), std::string::npos);  // neither its name nor its content

  // A drafts/ folder that is a symlink out of --forms is never written through.
  fs::create_directory_symlink(outside_, forms_ / "skolskjuts" / "drafts");
  auto res = save("drafts", "", "{\"answers\": {}}");
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(error_code(res), "dev.outside_forms");
  EXPECT_EQ(snapshot(outside_), outside_before);
}

}  // namespace
}  // namespace blankett
