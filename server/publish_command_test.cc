// `blankett publish` against a real server: a local check first, then the upload, and
// the server's refusals as exit code 1 with its message.
#include "publish_command.h"

#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api_tokens.h"
#include "publications.h"
#include "test_server.h"

namespace blankett {
namespace {

struct Outcome {
  int status = -1;
  std::string out, err;
};

class PublishCommandTest : public TestServer {
 protected:
  void SetUp() override {
    unsetenv("BLANKETT_TOKEN");
    write("forms/proov/form.json", tiny_form("proov", "Namn"));
    options_.forms_dir = dir_.file("forms");
    options_.http_threads = 2;
    ASSERT_NO_FATAL_FAILURE(start());
    dev_ = insert_user("dev", "Dev", {Role::developer});
    token_ = create_api_token(*store_, "publish", "", dev_, "laptop").value().token;
  }
  void TearDown() override {
    unsetenv("BLANKETT_TOKEN");
    TestServer::TearDown();
  }

  void write(const std::string& name, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(dir_.file(name)).parent_path());
    std::ofstream(dir_.file(name)) << text;
  }
  std::string server() const { return "http://127.0.0.1:" + std::to_string(port_); }
  Outcome run(std::vector<std::string> args) {
    std::ostringstream out, err;
    Outcome r;
    r.status = publish_command(args, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
  }

  int64_t dev_ = 0;
  std::string token_;
};

TEST_F(PublishCommandTest, UploadsADraftAndPrintsThePreviewLink) {
  write("work/proov/form.json", tiny_form("proov", "Ditt namn"));
  const Outcome r = run({dir_.file("work/proov"), "--server", server() + "/", "--token", token_});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::vector<Publication> drafts = list_drafts(*store_).value();
  ASSERT_EQ(drafts.size(), 1u);
  EXPECT_NE(r.out.find("form.json: ok (proov, version "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("publication " + std::to_string(drafts[0].id) + ": draft (new)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("version " + drafts[0].version), std::string::npos);
  EXPECT_NE(r.out.find("changes against the published version "), std::string::npos);
  EXPECT_NE(r.out.find(": 2 (2 replace)\n  replace /steps/0/fields/0/label/en\n"), std::string::npos) << r.out;
  const size_t preview = r.out.find("preview: " + server() + "/p/");
  ASSERT_NE(preview, std::string::npos) << r.out;
  const std::string link = r.out.substr(preview + 9, r.out.find('\n', preview) - preview - 9);
  httplib::Client client("127.0.0.1", port_);
  EXPECT_EQ(client.Get(("/api/previews/" + link.substr(link.rfind('/') + 1)).c_str())->status, 200);
  EXPECT_NE(r.out.find("review: " + server() + "/admin/publications/" + std::to_string(drafts[0].id)), std::string::npos);

  // The token may come from the environment; the same upload is the same draft.
  setenv("BLANKETT_TOKEN", token_.c_str(), 1);
  const Outcome again = run({dir_.file("work/proov/form.json"), "--server=" + server()});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find("the same draft as before"), std::string::npos);
  EXPECT_EQ(list_drafts(*store_).value().size(), 1u);

  // The published version itself: nothing to approve.
  const Outcome same = run({dir_.file("forms/proov"), "--server", server()});
  ASSERT_EQ(same.status, 0) << same.err;
  EXPECT_NE(same.out.find("already the published one"), std::string::npos);
}

TEST_F(PublishCommandTest, ABrokenFormIsNeverSent) {
  write("work/proov/form.json", "{\n  \"format\": 1,\n  \"id\": \"proov\",\n  \"steps\": 3\n}");
  const Outcome r = run({dir_.file("work/proov"), "--server", server(), "--token", token_});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(dir_.file("work/proov/form.json") + ":4: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[/steps]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was uploaded"), std::string::npos);
  EXPECT_TRUE(list_drafts(*store_).value().empty());
}

TEST_F(PublishCommandTest, RefusalsExitOneWithTheServersMessage) {
  const Outcome bad = run({dir_.file("forms/proov"), "--server", server(), "--token", "blk_wrong"});
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("(HTTP 401): auth.bad_token: the token is unknown or revoked"), std::string::npos) << bad.err;

  const Outcome unreachable = run({dir_.file("forms/proov"), "--server", "http://127.0.0.1:1", "--token", token_});
  EXPECT_EQ(unreachable.status, 1);
  EXPECT_NE(unreachable.err.find("cannot reach http://127.0.0.1:1"), std::string::npos) << unreachable.err;

  const Outcome missing = run({dir_.file("nowhere"), "--server", server(), "--token", token_});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("cannot read the file"), std::string::npos);
}

// A server that cannot be reached is told with the system's reason, not only
// cpp-httplib's "Connection", and a hint at --server.
TEST_F(PublishCommandTest, AnUnreachableServerIsToldWithTheReason) {
  const Outcome refused = run({dir_.file("forms/proov"), "--server", "http://127.0.0.1:1", "--token", token_});
  EXPECT_EQ(refused.status, 1);
  EXPECT_EQ(refused.err,
            "blankett publish: cannot reach http://127.0.0.1:1: Connection refused (Connection)\n"
            "  check --server: is a blankett server running at that address, and is it reachable from here?\n");
  // .invalid never resolves (RFC 6761).
  const Outcome unknown = run({dir_.file("forms/proov"), "--server", "http://no-such-host.invalid:8080", "--token", token_});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_NE(unknown.err.find("cannot reach http://no-such-host.invalid:8080: could not resolve host 'no-such-host.invalid': "),
            std::string::npos)
      << unknown.err;
  EXPECT_NE(unknown.err.find("check --server"), std::string::npos) << unknown.err;
}

TEST_F(PublishCommandTest, UsageErrorsExitTwo) {
  EXPECT_EQ(run({}).status, 2);
  EXPECT_EQ(run({dir_.file("forms/proov"), "--token", token_}).status, 2);                     // no --server
  EXPECT_EQ(run({dir_.file("forms/proov"), "--server", server()}).status, 2);                 // no token
  EXPECT_EQ(run({dir_.file("forms/proov"), "--server", "ftp://x", "--token", "t"}).status, 2);
  EXPECT_EQ(run({dir_.file("forms/proov"), "--server", server(), "--token"}).status, 2);
  const Outcome unknown = run({dir_.file("forms/proov"), "--frobnicate"});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("unknown option --frobnicate"), std::string::npos);
}

}  // namespace
}  // namespace blankett
