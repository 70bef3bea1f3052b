// Webhooks: registration rules, the HMAC signature round trip and what breaks it,
// deliveries created once per event, replay.
#include "webhooks.h"

#include <gtest/gtest.h>

#include "store_testing.h"

namespace blankett {
namespace {

const std::string kSecret = "a-webhook-secret-of-some-length";

TEST(WebhookSignature, RoundTrip) {
  const std::string body = R"({"event":"submission.created","seq":1})";
  const std::string header = webhook_signature_header(kSecret, body, 1800000000);
  EXPECT_EQ(header.rfind("t=1800000000,v1=", 0), 0u);
  EXPECT_EQ(header.size(), std::string("t=1800000000,v1=").size() + 64);
  EXPECT_TRUE(verify_webhook_signature(kSecret, header, body, 1800000000));
  EXPECT_TRUE(verify_webhook_signature(kSecret, header, body, 1800000000 + 299));
}

TEST(WebhookSignature, KnownVector) {
  // HMAC-SHA256(key "key", "1.{}") computed independently:
  // printf '1.{}' | openssl dgst -sha256 -hmac key
  EXPECT_EQ(webhook_signature_header("key", "{}", 1),
            "t=1,v1=1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224");
}

TEST(WebhookSignature, TamperedBodyWrongSecretOrOldTimestampFail) {
  const std::string body = R"({"event":"submission.created","seq":1})";
  const std::string header = webhook_signature_header(kSecret, body, 1800000000);
  EXPECT_FALSE(verify_webhook_signature(kSecret, header, R"({"event":"submission.created","seq":2})", 1800000000));
  EXPECT_FALSE(verify_webhook_signature("another-secret-entirely", header, body, 1800000000));
  EXPECT_FALSE(verify_webhook_signature(kSecret, header, body, 1800000000 + 301));
  EXPECT_FALSE(verify_webhook_signature(kSecret, header, body, 1800000000 - 301));
  // A signature moved to another timestamp does not verify.
  std::string moved = header;
  moved.replace(2, 10, "1800000100");
  EXPECT_FALSE(verify_webhook_signature(kSecret, moved, body, 1800000100));
  EXPECT_FALSE(verify_webhook_signature(kSecret, "", body, 1800000000));
  EXPECT_FALSE(verify_webhook_signature(kSecret, "t=x,v1=00", body, 1800000000));
  EXPECT_FALSE(verify_webhook_signature(kSecret, "v1=" + header.substr(16), body, 1800000000));
}

class WebhookStoreTest : public ::testing::Test {
 protected:
  TempDir dir_;
  Store store_ = must_open_store(dir_.file("blankett.db"));
};

TEST_F(WebhookStoreTest, AddValidatesItsInput) {
  EXPECT_EQ(add_webhook(store_, "Bad Form", "https://x.example/h", kSecret, {"submission.created"}, "cli").errors().front().code,
            "webhook.bad_form");
  EXPECT_EQ(add_webhook(store_, "bygglov", "ftp://x.example/h", kSecret, {"submission.created"}, "cli").errors().front().code,
            "webhook.bad_url");
  EXPECT_EQ(add_webhook(store_, "bygglov", "https://x.example/h", "short", {"submission.created"}, "cli").errors().front().code,
            "webhook.bad_secret");
  EXPECT_EQ(add_webhook(store_, "bygglov", "https://x.example/h", kSecret, {"case.deleted"}, "cli").errors().front().code,
            "webhook.bad_event");
  Result<int64_t> id = add_webhook(store_, "bygglov", "https://x.example/h", kSecret,
                                   {"submission.created", "case.status_changed"}, "cli");
  ASSERT_TRUE(id.ok());
  const std::vector<Webhook> hooks = list_webhooks(store_).value();
  ASSERT_EQ(hooks.size(), 1u);
  EXPECT_EQ(hooks[0].events, (std::vector<std::string>{"submission.created", "case.status_changed"}));
  EXPECT_EQ(hooks[0].secret, kSecret);
  EXPECT_TRUE(hooks[0].disabled_at.empty());
  EXPECT_TRUE(disable_webhook(store_, id.value()).ok());
  EXPECT_FALSE(list_webhooks(store_).value()[0].disabled_at.empty());
  EXPECT_EQ(disable_webhook(store_, 999).errors().front().code, "webhook.not_found");
}

TEST_F(WebhookStoreTest, AnEventIsDeliveredOncePerWebhookAndOnlyToSubscribers) {
  const int64_t a = add_webhook(store_, "bygglov", "https://a.example/h", kSecret, {"submission.created"}, "cli").value();
  add_webhook(store_, "bygglov", "https://b.example/h", kSecret, {"case.status_changed"}, "cli").value();
  add_webhook(store_, "skolskjuts", "https://c.example/h", kSecret, {"submission.created"}, "cli").value();
  const nlohmann::json payload = webhook_payload("submission.created", "bygglov", "BYGG-2026-000001", 1, "2026-08-10T09:00:00.000Z");
  EXPECT_EQ(payload.dump(),
            R"({"at":"2026-08-10T09:00:00.000Z","event":"submission.created","form":"bygglov","reference":"BYGG-2026-000001","seq":1})");
  EXPECT_EQ(enqueue_webhook_event(store_, "bygglov", "submission.created", "case:1", payload).value(), 1);
  EXPECT_EQ(enqueue_webhook_event(store_, "bygglov", "submission.created", "case:1", payload).value(), 0);
  const std::vector<WebhookDelivery> due = due_deliveries(store_, 0).value();
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].webhook_id, a);
  EXPECT_EQ(due[0].payload, payload.dump());

  ASSERT_TRUE(record_delivery_attempt(store_, due[0].id, true, 204, "", 0, false, "2026-08-10T09:00:01.000Z").ok());
  EXPECT_TRUE(due_deliveries(store_, 0).value().empty());
  EXPECT_EQ(list_deliveries(store_).value()[0].state, "delivered");
  ASSERT_TRUE(replay_delivery(store_, due[0].id).ok());
  EXPECT_EQ(due_deliveries(store_, 0).value().size(), 1u);
  EXPECT_EQ(replay_delivery(store_, 999).errors().front().code, "webhook.delivery_not_found");

  // A disabled webhook's pending deliveries wait.
  ASSERT_TRUE(disable_webhook(store_, a).ok());
  EXPECT_TRUE(due_deliveries(store_, 0).value().empty());
  EXPECT_EQ(enqueue_webhook_event(store_, "bygglov", "submission.created", "case:2", payload).value(), 0);
}

}  // namespace
}  // namespace blankett
