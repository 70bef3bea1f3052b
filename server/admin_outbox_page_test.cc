// The outbox page shows no full address or webhook credential: recipients and every
// address in an error text masked (rows stored before errors were masked too), webhook
// URLs without user:password or query; withdrawn mails marked, without a retry button.
#include "admin_outbox_page.h"

#include <gtest/gtest.h>

#include "notifications.h"
#include "test_server.h"
#include "webhooks.h"

namespace blankett {
namespace {

bool has(const std::string& body, const std::string& text) { return body.find(text) != std::string::npos; }

class AdminOutboxPageTest : public TestServer {};

TEST_F(AdminOutboxPageTest, ShowsNoAddressOrCredentialInFull) {
  const Session admin = sign_in(insert_user("root", "Root", {Role::admin}));
  const std::string link = "https://e.kommun.example/case/X";
  const int64_t masked = enqueue_notification(*store_, "johan.berg@example.se", "Hej", "Se " + link, link).value();
  ASSERT_TRUE(mark_notification_failed(*store_, masked, "smtp.rejected: RCPT TO: 550 5.1.1 <johan.berg@example.se>: Recipient address rejected",
                                       0, true).ok());
  // A row stored before errors were masked.
  const int64_t legacy = enqueue_notification(*store_, "karin.ek@example.se", "Hej", "Se " + link, link).value();
  Result<sql::Statement> s = sql::prepare(store_->db.get(), "UPDATE notifications SET state = 'failed', last_error = ?2 WHERE id = ?1");
  ASSERT_TRUE(s.ok());
  sql::bind_int64(s.value(), 1, legacy);
  sql::bind_text(s.value(), 2, "smtp.rejected: 550 <karin.ek@example.se> unknown");
  ASSERT_TRUE(sql::run(s.value()).ok());
  const int64_t withdrawn = enqueue_notification(*store_, "bo@example.se", "Hej", "Se " + link, link).value();
  ASSERT_TRUE(cancel_notification(*store_, withdrawn, "the request is signed").value());
  ASSERT_TRUE(add_webhook(*store_, "skolskjuts", "https://ci:hunter2-secret@hooks.example/in?token=abc123", "a-secret-of-enough-length",
                          {"submission.created"}, "cli").ok());
  ASSERT_EQ(enqueue_webhook_event(*store_, "skolskjuts", "submission.created", "case:1", {{"x", 1}}).value(), 1);

  httplib::Result page = get_as("/admin/outbox", admin);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  const std::string& b = page->body;
  for (const char* secret : {"johan.berg", "karin.ek", "hunter2", "abc123", "ci:"}) EXPECT_FALSE(has(b, secret)) << secret;
  EXPECT_TRUE(has(b, "550 5.1.1 &lt;j***@example.se&gt;: Recipient address rejected")) << b;
  EXPECT_TRUE(has(b, "550 &lt;k***@example.se&gt; unknown"));
  EXPECT_TRUE(has(b, "https://***@hooks.example/in?***"));
  EXPECT_TRUE(has(b, "<td>Cancelled</td><td>0</td><td>the request is signed</td>")) << b;
  EXPECT_TRUE(has(b, "/admin/outbox/mails/" + std::to_string(masked) + "/retry"));
  EXPECT_FALSE(has(b, "/admin/outbox/mails/" + std::to_string(withdrawn) + "/retry"));
}

}  // namespace
}  // namespace blankett
