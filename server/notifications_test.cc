// The outbox's text handling: addresses masked in what the outbox stores and shows (SMTP
// servers repeat the recipient in their replies), and withdrawn messages kept but never
// sent or retried.
#include "notifications.h"

#include <gtest/gtest.h>

#include "store_testing.h"
#include "temp_dir.h"

namespace blankett {
namespace {

TEST(MaskEmailTest, MasksEveryAddressLikeTheRecipientColumn) {
  EXPECT_EQ(masked_email_address("johan.berg@example.se"), "j***@example.se");
  EXPECT_EQ(masked_email_address("åsa@example.se"), "å***@example.se");  // a whole character
  EXPECT_EQ(masked_email_address("@example.se"), "***");
  EXPECT_EQ(masked_email_address("nobody"), "***");
  EXPECT_EQ(mask_email_addresses("smtp.rejected: RCPT TO: 550 5.1.1 <johan.berg@example.se>: Recipient address rejected"),
            "smtp.rejected: RCPT TO: 550 5.1.1 <j***@example.se>: Recipient address rejected");
  EXPECT_EQ(mask_email_addresses("to anna+kommun@x.example.org and bo@y.se."), "to a***@x.example.org and b***@y.se.");
  EXPECT_EQ(mask_email_addresses("no address here @ all, a@ or @b"), "no address here @ all, a@ or @b");
  EXPECT_EQ(mask_email_addresses(""), "");
}

TEST(NotificationStoreTest, StoresErrorsMaskedAndKeepsWithdrawnMessages) {
  TempDir dir("blankett-notifications");
  Store store = must_open_store(dir.file("blankett.db"));
  const std::string link = "https://e.kommun.example/sign/x";
  const int64_t id = enqueue_notification(store, "johan.berg@example.se", "Sign", "Sign: " + link, link).value();
  ASSERT_TRUE(mark_notification_failed(store, id, "smtp.rejected: RCPT TO: 550 5.1.1 <johan.berg@example.se>: no", 0, true).ok());
  Notification n = list_notifications(store).value().front();
  EXPECT_EQ(n.last_error, "smtp.rejected: RCPT TO: 550 5.1.1 <j***@example.se>: no");
  EXPECT_EQ(n.state, "failed");

  ASSERT_TRUE(retry_notification(store, id).ok());
  EXPECT_EQ(pending_notifications_linking(store, "/sign/").value().size(), 1u);
  EXPECT_TRUE(pending_notifications_linking(store, "/complete/").value().empty());
  EXPECT_TRUE(cancel_notification(store, id, "the request is signed").value());
  EXPECT_FALSE(cancel_notification(store, id, "again").value());  // only a pending one
  n = list_notifications(store).value().front();
  EXPECT_EQ(n.state, "cancelled");
  EXPECT_EQ(n.last_error, "the request is signed");
  EXPECT_TRUE(due_notifications(store, 4102444800).value().empty());
  // An attempt that ends after the withdrawal leaves it withdrawn.
  ASSERT_TRUE(mark_notification_failed(store, id, "smtp.connect: refused", 0, false).ok());
  EXPECT_EQ(list_notifications(store).value().front().state, "cancelled");
  Result<bool> retried = retry_notification(store, id);
  ASSERT_FALSE(retried.ok());
  EXPECT_EQ(retried.errors().front().code, "notification.not_found");
}

}  // namespace
}  // namespace blankett
