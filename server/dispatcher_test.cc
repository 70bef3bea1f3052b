// The dispatcher: new cases and status changes become webhook deliveries once (across
// restarts), deliveries are signed, retried with backoff on an injected clock and
// replayable, and notifications reach a real SMTP server. Last, the same through a
// running BlankettServer.
#include "dispatcher.h"

#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "blankett/submission.h"
#include "case_store.h"
#include "http_server.h"
#include "notifications.h"
#include "signature_store.h"
#include "smtp_test_server.h"
#include "store_testing.h"
#include "webhooks.h"

namespace blankett {
namespace {

const std::string kSecret = "receiver-shared-secret-0123456789";

// A business system's endpoint: verifies each request's HMAC, fails the first
// `failures` requests with 500, records what it accepted.
class Receiver {
 public:
  explicit Receiver(std::function<int64_t()> now) : now_(std::move(now)) {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mutex_);
      ++requests_;
      if (!verify_webhook_signature(kSecret, req.get_header_value("Blankett-Signature"), req.body, now_())) {
        ++bad_signatures_;
        res.status = 401;
        return;
      }
      if (failures_ > 0) {
        --failures_;
        res.status = 500;
        return;
      }
      bodies_.push_back(req.body);
      events_.push_back(req.get_header_value("Blankett-Event"));
      res.status = 204;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  void fail_next(int n) {
    std::lock_guard<std::mutex> lock(mutex_);
    failures_ = n;
  }
  int requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  int bad_signatures() {
    std::lock_guard<std::mutex> lock(mutex_);
    return bad_signatures_;
  }
  std::vector<std::string> bodies() {
    std::lock_guard<std::mutex> lock(mutex_);
    return bodies_;
  }
  std::vector<std::string> events() {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_;
  }

 private:
  std::function<int64_t()> now_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  int failures_ = 0;
  int requests_ = 0;
  int bad_signatures_ = 0;
  std::vector<std::string> bodies_;
  std::vector<std::string> events_;
};

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string definition = R"({"id":"bygglov"})";
    version_ = sha256_of(definition);
    ASSERT_TRUE(put_form_version(store_, FormVersion{"bygglov", version_, definition, ""}).ok());
    Result<sql::Statement> s = sql::prepare(store_.db.get(),
        "INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (7, 'karin', 'Karin', 'x', '2026-01-01')");
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(sql::run(s.value()).ok());
  }

  // A submission and its case, as the writer appends them.
  int64_t add_case() {
    const ChainHead head = chain_head(store_).value();
    StoredSubmission row;
    row.seq = head.seq + 1;
    row.reference = "BYGG-2026-" + std::to_string(1000000 + row.seq).substr(1);
    row.form_id = "bygglov";
    row.version = version_;
    row.idempotency_key = "key-" + std::to_string(row.seq);
    row.canonical = R"({"answers":{"secret_answer":"do not send"}})";
    row.submission_sha256 = sha256_of(row.canonical);
    row.received_at = "2026-08-10T09:00:00.000Z";
    row.receipt = R"({"sequence":)" + std::to_string(row.seq) + "}";
    row.receipt_sha256 = sha256_of(row.receipt);
    row.previous_receipt_sha256 = head.receipt_sha256;
    CaseIntake intake;
    intake.applicant_name = "Anna Andersson";
    intake.applicant_number = "19800101-1234";
    Result<bool> done = insert_submission(store_, row, {}, intake);
    EXPECT_TRUE(done.ok()) << (done.ok() ? "" : to_string(done.errors().front()));
    return row.seq;
  }

  std::unique_ptr<Dispatcher> open_dispatcher(int max_attempts = 10, SmtpOptions smtp = {}) {
    DispatcherOptions o;
    o.db_path = dir_.file("blankett.db");
    o.now = [this] { return clock_.load(); };
    o.max_attempts = max_attempts;
    o.smtp = std::move(smtp);
    o.log = false;
    Result<std::unique_ptr<Dispatcher>> d = Dispatcher::open(std::move(o));
    if (!d) throw std::runtime_error(to_string(d.errors().front()));
    return std::move(d).value();
  }

  DispatchStats pass(Dispatcher& d) {
    Result<DispatchStats> r = d.run_once();
    if (!r) throw std::runtime_error(to_string(r.errors().front()));
    return r.value();
  }

  TempDir dir_;
  Store store_ = must_open_store(dir_.file("blankett.db"));
  std::string version_;
  std::atomic<int64_t> clock_{1800000000};
};

TEST(RetryDelay, DoublesFromTenSecondsUpToAnHour) {
  EXPECT_EQ(retry_delay_seconds(1), 10);
  EXPECT_EQ(retry_delay_seconds(2), 20);
  EXPECT_EQ(retry_delay_seconds(3), 40);
  EXPECT_EQ(retry_delay_seconds(9), 2560);
  EXPECT_EQ(retry_delay_seconds(10), 3600);
  EXPECT_EQ(retry_delay_seconds(60), 3600);
}

TEST_F(DispatcherTest, RetriesWithBackoffUntilTheReceiverAccepts) {
  Receiver receiver([this] { return clock_.load(); });
  receiver.fail_next(2);
  ASSERT_TRUE(add_webhook(store_, "bygglov", receiver.url(), kSecret, {kEventSubmissionCreated}, "cli").ok());
  std::unique_ptr<Dispatcher> d = open_dispatcher();
  const int64_t seq = add_case();

  DispatchStats s = pass(*d);
  EXPECT_EQ(s.events, 1);
  EXPECT_EQ(s.webhooks_failed, 1);
  WebhookDelivery row = list_deliveries(store_).value().at(0);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.last_status, 500);
  EXPECT_EQ(row.next_attempt_at, clock_.load() + 10);

  EXPECT_EQ(pass(*d).webhooks_failed, 0);  // not due yet
  EXPECT_EQ(receiver.requests(), 1);
  clock_ += 10;
  EXPECT_EQ(pass(*d).webhooks_failed, 1);
  EXPECT_EQ(list_deliveries(store_).value().at(0).next_attempt_at, clock_.load() + 20);
  clock_ += 19;
  pass(*d);
  EXPECT_EQ(receiver.requests(), 2);
  clock_ += 1;
  EXPECT_EQ(pass(*d).webhooks_delivered, 1);
  EXPECT_EQ(receiver.requests(), 3);
  EXPECT_EQ(receiver.bad_signatures(), 0);

  row = list_deliveries(store_).value().at(0);
  EXPECT_EQ(row.state, "delivered");
  EXPECT_EQ(row.attempts, 3);
  EXPECT_EQ(row.last_status, 204);
  ASSERT_EQ(receiver.bodies().size(), 1u);
  const nlohmann::json body = nlohmann::json::parse(receiver.bodies()[0]);
  EXPECT_EQ(body["event"], "submission.created");
  EXPECT_EQ(body["form"], "bygglov");
  EXPECT_EQ(body["seq"], seq);
  EXPECT_EQ(body["reference"], "BYGG-2026-" + std::to_string(1000000 + seq).substr(1));
  // Ids only: no answers, no names, no personal numbers.
  EXPECT_EQ(receiver.bodies()[0].find("do not send"), std::string::npos);
  EXPECT_EQ(receiver.bodies()[0].find("Anna"), std::string::npos);
  EXPECT_EQ(receiver.bodies()[0].find("19800101"), std::string::npos);

  clock_ += 3600;
  pass(*d);
  EXPECT_EQ(receiver.requests(), 3);  // delivered means done
}

TEST_F(DispatcherTest, GivesUpAfterMaxAttempts) {
  Receiver receiver([this] { return clock_.load(); });
  receiver.fail_next(100);
  ASSERT_TRUE(add_webhook(store_, "bygglov", receiver.url(), kSecret, {kEventSubmissionCreated}, "cli").ok());
  std::unique_ptr<Dispatcher> d = open_dispatcher(3);
  add_case();
  for (int i = 0; i < 5; ++i) {
    pass(*d);
    clock_ += 3600;
  }
  EXPECT_EQ(receiver.requests(), 3);
  const WebhookDelivery row = list_deliveries(store_).value().at(0);
  EXPECT_EQ(row.state, "failed");
  EXPECT_EQ(row.attempts, 3);
  EXPECT_EQ(row.last_error, "webhook.http_status 500");
}

TEST_F(DispatcherTest, OneDeliveryPerSubmissionAcrossRestartsAndNoBacklog) {
  Receiver receiver([this] { return clock_.load(); });
  ASSERT_TRUE(add_webhook(store_, "bygglov", receiver.url(), kSecret, {kEventSubmissionCreated}, "cli").ok());
  add_case();  // before the dispatcher ever ran: not an event for it
  {
    std::unique_ptr<Dispatcher> d = open_dispatcher();
    EXPECT_EQ(pass(*d).events, 0);
    add_case();
    EXPECT_EQ(pass(*d).events, 1);
  }
  std::unique_ptr<Dispatcher> again = open_dispatcher();
  EXPECT_EQ(pass(*again).events, 0);
  add_case();
  EXPECT_EQ(pass(*again).events, 1);
  EXPECT_EQ(list_deliveries(store_).value().size(), 2u);
  EXPECT_EQ(receiver.bodies().size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(receiver.bodies()[0])["seq"], 2);
  EXPECT_EQ(nlohmann::json::parse(receiver.bodies()[1])["seq"], 3);
}

TEST_F(DispatcherTest, StatusChangeIsAnEventAndReplayResends) {
  Receiver receiver([this] { return clock_.load(); });
  ASSERT_TRUE(add_webhook(store_, "bygglov", receiver.url(), kSecret, {kEventCaseStatusChanged}, "cli").ok());
  std::unique_ptr<Dispatcher> d = open_dispatcher();
  const int64_t seq = add_case();
  EXPECT_EQ(pass(*d).events, 0);  // not subscribed to submission.created
  ASSERT_TRUE(change_case_status(store_, seq, CaseStatus::in_progress, 7, "").ok());
  ASSERT_TRUE(add_case_note(store_, seq, "a note is not a status change", 7).ok());
  DispatchStats s = pass(*d);
  EXPECT_EQ(s.events, 1);
  EXPECT_EQ(s.webhooks_delivered, 1);
  ASSERT_EQ(receiver.bodies().size(), 1u);
  const nlohmann::json body = nlohmann::json::parse(receiver.bodies()[0]);
  EXPECT_EQ(body["event"], "case.status_changed");
  EXPECT_EQ(body["status"], "in_progress");
  EXPECT_EQ(body["seq"], seq);
  EXPECT_EQ(receiver.events(), (std::vector<std::string>{"case.status_changed"}));

  const int64_t id = list_deliveries(store_).value().at(0).id;
  ASSERT_TRUE(replay_delivery(store_, id).ok());
  EXPECT_EQ(pass(*d).webhooks_delivered, 1);
  ASSERT_EQ(receiver.bodies().size(), 2u);
  EXPECT_EQ(receiver.bodies()[1], receiver.bodies()[0]);
  EXPECT_EQ(list_deliveries(store_).value().size(), 1u);
}

TEST_F(DispatcherTest, NotificationsWaitWithoutSmtpAndArriveWithIt) {
  const std::string link = "https://e.kommun.example/case/BYGG-2026-000001";
  Result<int64_t> id = enqueue_notification(store_, "anna@example.org", "Ditt ärende har fått ett beslut",
                                           "Logga in för att läsa beslutet:\n" + link + "\n", link);
  ASSERT_TRUE(id.ok()) << to_string(id.errors().front());
  EXPECT_EQ(enqueue_notification(store_, "not an address", "s", link, link).errors().front().code, "notification.bad_recipient");
  EXPECT_EQ(enqueue_notification(store_, "a@example.org", "s", "no link here", link).errors().front().code, "notification.bad_body");
  EXPECT_EQ(enqueue_notification(store_, "a@example.org", "s\r\nBcc: x@y", link, link).errors().front().code,
            "notification.bad_subject");
  EXPECT_EQ(enqueue_notification(store_, "a@example.org", "s", "javascript:x", "javascript:x").errors().front().code,
            "notification.bad_link");
  {
    std::unique_ptr<Dispatcher> no_smtp = open_dispatcher();
    EXPECT_EQ(pass(*no_smtp).mails_sent, 0);
    EXPECT_EQ(list_notifications(store_, "pending").value().size(), 1u);
  }
  SmtpTestServer smtp;
  SmtpOptions o;
  o.host = "127.0.0.1";
  o.port = smtp.port();
  o.from = "noreply@kommun.example";
  o.timeout_ms = 5000;
  ASSERT_TRUE(enqueue_notification(store_, "refuse@example.org", "Hej", link, link).ok());
  std::unique_ptr<Dispatcher> d = open_dispatcher(10, o);
  DispatchStats s = pass(*d);
  EXPECT_EQ(s.mails_sent, 1);
  EXPECT_EQ(s.mails_failed, 1);
  const std::vector<std::string> mail = smtp.wait_for_messages(1);
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_NE(mail[0].find("X-Envelope-To: anna@example.org\n"), std::string::npos);
  EXPECT_NE(mail[0].find("\n\nLogga in för att läsa beslutet:\n" + link + "\n"), std::string::npos) << mail[0];

  const std::vector<Notification> all = list_notifications(store_).value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].state, "sent");  // newest first: [0] is the refused one
  EXPECT_EQ(all[0].state, "pending");
  EXPECT_EQ(all[0].attempts, 1);
  EXPECT_EQ(all[0].next_attempt_at, clock_.load() + 10);
  EXPECT_EQ(all[0].last_error.rfind("smtp.rejected: RCPT TO: 550", 0), 0u) << all[0].last_error;
}

// A signing e-mail whose link leads nowhere any more (replaced, signed, expired, or its
// case closed while the mail server was down) is withdrawn before sending, not sent.
TEST_F(DispatcherTest, WithdrawsSigningMailsWhoseLinkLeadsNowhere) {
  const std::string dead = "https://e.kommun.example/sign/" + new_signing_token(1786000000000);  // no request has it
  Result<int64_t> stale = enqueue_notification(store_, "johan.berg@example.se", "Sign", "Sign here: " + dead + "\n", dead);
  ASSERT_TRUE(stale.ok());
  const std::string other = "https://e.kommun.example/case/BYGG-2026-000001";
  ASSERT_TRUE(enqueue_notification(store_, "anna@example.org", "Beslut", "Logga in: " + other + "\n", other).ok());
  SmtpOptions o;
  o.host = "127.0.0.1";
  o.port = 9;  // nothing listens: the other mail fails, as when the mail server is down
  o.from = "noreply@kommun.example";
  o.timeout_ms = 1000;
  std::unique_ptr<Dispatcher> d = open_dispatcher(10, o);
  const DispatchStats s = pass(*d);
  EXPECT_EQ(s.mails_withdrawn, 1);
  EXPECT_EQ(s.mails_failed, 1);
  const std::vector<Notification> all = list_notifications(store_).value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].state, "cancelled");
  EXPECT_EQ(all[1].attempts, 0);  // never tried
  EXPECT_EQ(all[1].last_error, "the signing link was replaced by a reminder");
  EXPECT_EQ(all[0].state, "pending");
  EXPECT_EQ(pass(*d).mails_withdrawn, 0);  // once
}

TEST(DispatcherInServer, DeliversWebhooksAndMailWhileServing) {
  TempDir dir("blankett-dispatch-server");
  SmtpTestServer smtp;
  Receiver receiver([] { return static_cast<int64_t>(std::time(nullptr)); });
  ServeOptions options;
  options.port = 0;
  options.forms_dir = BLANKETT_SOURCE_DIR "/forms";
  options.data_dir = dir.file("data");
  options.web_dir = dir.file("web");
  options.smtp.host = "127.0.0.1";
  options.smtp.port = smtp.port();
  options.smtp.from = "noreply@kommun.example";
  options.dispatch_interval_ms = 50;
  Result<std::unique_ptr<BlankettServer>> server = BlankettServer::create(options);
  ASSERT_TRUE(server.ok()) << to_string(server.errors().front());

  Store store = must_open_store(options.data_dir + "/blankett.db");
  const std::string link = "https://e.kommun.example/sign/xyz";
  ASSERT_TRUE(enqueue_notification(store, "olle@example.org", "Att skriva under", "Skriv under här: " + link, link).ok());
  ASSERT_TRUE(add_webhook(store, "skolskjuts", receiver.url(), kSecret, {kEventSubmissionCreated}, "cli").ok());
  const FormVersion form = list_form_versions(store, "skolskjuts").value().at(0);
  StoredSubmission row;
  row.seq = 1;
  row.reference = "SKOL-2026-000001";
  row.form_id = "skolskjuts";
  row.version = form.version;
  row.idempotency_key = "k1";
  row.canonical = "{}";
  row.submission_sha256 = sha256_of(row.canonical);
  row.received_at = "2026-08-10T09:00:00.000Z";
  row.receipt = "{}";
  row.receipt_sha256 = sha256_of(row.receipt);
  row.previous_receipt_sha256 = kNoPreviousReceipt;
  ASSERT_TRUE(insert_submission(store, row, {}).ok());

  EXPECT_EQ(smtp.wait_for_messages(1).size(), 1u);
  for (int i = 0; i < 200 && receiver.bodies().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(receiver.bodies().size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(receiver.bodies()[0])["reference"], "SKOL-2026-000001");
  EXPECT_EQ(receiver.bad_signatures(), 0);
  server.value().reset();  // stops and joins the dispatcher
}

}  // namespace
}  // namespace blankett
