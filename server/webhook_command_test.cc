// `blankett webhook …`: add prints a generated secret once, list never shows secrets,
// disable and replay are audited, bad input is a usage or refusal exit code.
#include "webhook_command.h"

#include <sstream>

#include <gtest/gtest.h>

#include "blankett/submission.h"
#include "store_testing.h"
#include "webhooks.h"

namespace blankett {
namespace {

class WebhookCommandTest : public ::testing::Test {
 protected:
  // Webhooks are for published forms only: "bygglov" is, as `blankett serve` stores it.
  void SetUp() override {
    const std::string definition = R"({"id":"bygglov"})";
    ASSERT_TRUE(put_form_version(store_, FormVersion{"bygglov", sha256_of(definition), definition, ""}).ok());
  }
  int run(std::vector<std::string> args) {
    args.push_back("--data");
    args.push_back(dir_.path);
    out_.str("");
    err_.str("");
    return webhook_command(args, out_, err_);
  }
  int64_t audit_entries() {
    Result<sql::Statement> s = sql::prepare(store_.db.get(), "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'webhook.%'");
    EXPECT_TRUE(s.ok());
    EXPECT_TRUE(sql::step(s.value()).value());
    return sql::column_int64(s.value(), 0);
  }
  TempDir dir_;
  Store store_ = must_open_store(dir_.file("blankett.db"));
  std::ostringstream out_, err_;
};

TEST_F(WebhookCommandTest, AddListDisableReplay) {
  ASSERT_EQ(run({"add", "--form", "bygglov", "--url", "https://arende.example/hook"}), 0) << err_.str();
  const std::string secret = out_.str();
  ASSERT_EQ(secret.size(), 65u);  // 64 hex digits and a newline
  EXPECT_EQ(list_webhooks(store_).value().at(0).secret + "\n", secret);

  ASSERT_EQ(run({"list"}), 0);
  EXPECT_NE(out_.str().find("bygglov\tactive\tsubmission.created,case.status_changed\thttps://arende.example/hook"),
            std::string::npos) << out_.str();
  EXPECT_EQ(out_.str().find(secret.substr(0, 64)), std::string::npos);

  ASSERT_EQ(run({"disable", "1"}), 0) << err_.str();
  EXPECT_FALSE(list_webhooks(store_).value().at(0).disabled_at.empty());
  EXPECT_EQ(audit_entries(), 2);

  EXPECT_EQ(run({"replay", "77"}), 1);
  EXPECT_NE(err_.str().find("webhook.delivery_not_found"), std::string::npos);
  EXPECT_EQ(audit_entries(), 2);  // a refused change leaves no entry
}

// As `token create --form`: a form id that was never published is refused (exit 1, the
// same message) and nothing is stored.
TEST_F(WebhookCommandTest, RefusesAFormThatWasNeverPublished) {
  EXPECT_EQ(run({"add", "--form", "bygglv", "--url", "https://arende.example/hook"}), 1);
  EXPECT_EQ(err_.str(), "webhook: no version of form 'bygglv' has been published on this server\n");
  EXPECT_EQ(out_.str(), "");
  EXPECT_TRUE(list_webhooks(store_).value().empty());
  EXPECT_EQ(audit_entries(), 0);
}

TEST_F(WebhookCommandTest, RefusesBadInput) {
  EXPECT_EQ(run({"add", "--form", "bygglov"}), 2);
  EXPECT_EQ(run({"add", "--form", "bygglov", "--url", "https://a.example/", "--events", "case.deleted"}), 1);
  EXPECT_NE(err_.str().find("webhook.bad_event"), std::string::npos);
  EXPECT_EQ(run({"disable", "x"}), 2);
  EXPECT_EQ(run({"frobnicate"}), 2);
  EXPECT_TRUE(list_webhooks(store_).value().empty());
  std::ostringstream out, err;
  EXPECT_EQ(webhook_command({"list", "--data", dir_.file("nowhere")}, out, err), 1);
}

}  // namespace
}  // namespace blankett
