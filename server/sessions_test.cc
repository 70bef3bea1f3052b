#include "sessions.h"

#include <gtest/gtest.h>

#include "blankett/submission.h"
#include "store_testing.h"

namespace blankett {
namespace {

class SessionsTest : public ::testing::Test {
 protected:
  TempDir dir_;
  Store store_ = must_open_store(dir_.file("blankett.db"));
  SessionPolicy policy_;  // 30 min idle, 10 h absolute
  int64_t user_ = insert_user("anna");

  // A user row without going through the password hash: these tests are about sessions.
  int64_t insert_user(const std::string& name) {
    Result<sql::Statement> s = sql::prepare(store_.db.get(),
                                            "INSERT INTO users (username, display_name, password_hash, created_at) "
                                            "VALUES (?1, 'Anna', 'x', '2026-01-01T00:00:00.000Z')");
    sql::bind_text(s.value(), 1, name);
    EXPECT_TRUE(sql::run(s.value()).ok());
    return sqlite3_last_insert_rowid(store_.db.get());
  }
  int64_t rows() {
    Result<sql::Statement> s = sql::prepare(store_.db.get(), "SELECT COUNT(*) FROM sessions");
    EXPECT_TRUE(sql::step(s.value()).value());
    return sql::column_int64(s.value(), 0);
  }
  std::optional<Session> resume(const std::string& token, const std::string& now) {
    Result<std::optional<Session>> r = resume_session(store_, token, now, policy_);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value() : std::nullopt;
  }
  Session create(const std::string& now) {
    Result<Session> s = create_session(store_, user_, now, policy_);
    EXPECT_TRUE(s.ok());
    return s.value();
  }
};

TEST_F(SessionsTest, TokensAreRandomAndStoredOnlyAsTheirHash) {
  const Session s = create("2026-08-15T08:00:00.000Z");
  EXPECT_EQ(s.token.size(), 43u);
  EXPECT_EQ(s.csrf_token.size(), 43u);
  EXPECT_NE(s.token, s.csrf_token);
  EXPECT_EQ(s.token_sha256, sha256_of(s.token));
  EXPECT_EQ(s.created_at, "2026-08-15T08:00:00.000Z");
  EXPECT_EQ(s.expires_at, "2026-08-15T18:00:00.000Z");
  Result<sql::Statement> q = sql::prepare(store_.db.get(), "SELECT token_sha256 FROM sessions");
  ASSERT_TRUE(sql::step(q.value()).value());
  EXPECT_EQ(sql::column_text(q.value(), 0), s.token_sha256);
  Result<sql::Statement> leak = sql::prepare(store_.db.get(), "SELECT COUNT(*) FROM sessions WHERE token_sha256 = ?1");
  sql::bind_text(leak.value(), 1, s.token);
  ASSERT_TRUE(sql::step(leak.value()).value());
  EXPECT_EQ(sql::column_int64(leak.value(), 0), 0);
  EXPECT_NE(create("2026-08-15T08:00:00.000Z").token, s.token);
}

TEST_F(SessionsTest, ResumeFindsTheSessionAndItsCsrfToken) {
  const Session s = create("2026-08-15T08:00:00.000Z");
  std::optional<Session> r = resume(s.token, "2026-08-15T08:10:00.000Z");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->user_id, user_);
  EXPECT_EQ(r->csrf_token, s.csrf_token);
  EXPECT_TRUE(r->token.empty());  // the store never knew it
  EXPECT_FALSE(resume(s.token + "x", "2026-08-15T08:10:00.000Z").has_value());
  EXPECT_FALSE(resume("", "2026-08-15T08:10:00.000Z").has_value());
  EXPECT_FALSE(resume(std::string(43, 'A'), "2026-08-15T08:10:00.000Z").has_value());
}

TEST_F(SessionsTest, IdleSessionEnds) {
  const Session s = create("2026-08-15T08:00:00.000Z");
  ASSERT_TRUE(resume(s.token, "2026-08-15T08:29:59.000Z").has_value());  // moves last_seen
  ASSERT_TRUE(resume(s.token, "2026-08-15T08:59:58.000Z").has_value());  // 29:59 after that
  EXPECT_FALSE(resume(s.token, "2026-08-15T09:30:00.000Z").has_value());  // 30:02 idle
  EXPECT_EQ(rows(), 0);  // and the row is gone, so it stays ended
  EXPECT_FALSE(resume(s.token, "2026-08-15T09:30:01.000Z").has_value());
}

TEST_F(SessionsTest, LastSeenIsWrittenAtMostOncePerMinute) {
  const Session s = create("2026-08-15T08:00:00.000Z");
  EXPECT_EQ(resume(s.token, "2026-08-15T08:00:59.000Z")->last_seen_at, "2026-08-15T08:00:00.000Z");
  EXPECT_EQ(resume(s.token, "2026-08-15T08:01:00.000Z")->last_seen_at, "2026-08-15T08:01:00.000Z");
  // A request at 08:01:30 was not written, so idleness counts from 08:01:00 (30 s early).
  EXPECT_EQ(resume(s.token, "2026-08-15T08:01:30.000Z")->last_seen_at, "2026-08-15T08:01:00.000Z");
  EXPECT_FALSE(resume(s.token, "2026-08-15T08:31:00.000Z").has_value());
}

TEST_F(SessionsTest, AbsoluteExpiryEndsEvenABusySession) {
  const Session s = create("2026-08-15T08:00:00.000Z");
  for (int hour = 8; hour < 18; ++hour) {
    for (const char* minute : {":00:01", ":20:00", ":40:00"}) {
      const std::string now = "2026-08-15T" + std::string(hour < 10 ? "0" : "") + std::to_string(hour) + minute + ".000Z";
      ASSERT_TRUE(resume(s.token, now).has_value()) << now;
    }
  }
  EXPECT_FALSE(resume(s.token, "2026-08-15T18:00:00.000Z").has_value());
  EXPECT_EQ(rows(), 0);
}

TEST_F(SessionsTest, DisabledUsersSessionStops) {
  const Session s = create("2026-08-15T08:00:00.000Z");
  ASSERT_TRUE(sql::exec(store_.db.get(), "UPDATE users SET disabled = 1").ok());
  EXPECT_FALSE(resume(s.token, "2026-08-15T08:01:00.000Z").has_value());
  EXPECT_EQ(rows(), 0);
}

TEST_F(SessionsTest, EndingSessions) {
  const Session a = create("2026-08-15T08:00:00.000Z");
  const Session b = create("2026-08-15T08:00:00.000Z");
  const int64_t other = insert_user("bertil");
  const Session c = create_session(store_, other, "2026-08-15T08:00:00.000Z", policy_).value();
  EXPECT_TRUE(end_session(store_, a.token).value());
  EXPECT_FALSE(end_session(store_, a.token).value());
  EXPECT_FALSE(resume(a.token, "2026-08-15T08:01:00.000Z").has_value());
  ASSERT_TRUE(end_sessions_of(store_, user_).ok());
  EXPECT_FALSE(resume(b.token, "2026-08-15T08:01:00.000Z").has_value());
  EXPECT_TRUE(resume(c.token, "2026-08-15T08:01:00.000Z").has_value());
}

TEST_F(SessionsTest, NewSessionsSweepExpiredOnes) {
  create("2026-08-15T08:00:00.000Z");
  create("2026-08-15T08:00:00.000Z");
  EXPECT_EQ(rows(), 2);
  create("2026-08-15T09:00:00.000Z");  // the first two have been idle for an hour
  EXPECT_EQ(rows(), 1);
}

TEST_F(SessionsTest, TimesMustBeRfc3339Utc) {
  EXPECT_FALSE(create_session(store_, user_, "yesterday", policy_).ok());
  EXPECT_FALSE(create_session(store_, user_, "2026-08-15T08:00:00+02:00", policy_).ok());
  EXPECT_TRUE(create_session(store_, user_, "2026-08-15T08:00:00Z", policy_).ok());
  EXPECT_FALSE(resume_session(store_, random_token(), "2026-08-15 08:00", policy_).ok());
}

TEST(Tokens, CompareInConstantTimeAndOnlyEqualLengths) {
  const std::string t = random_token();
  EXPECT_TRUE(tokens_equal(t, std::string(t)));
  EXPECT_FALSE(tokens_equal(t, t.substr(0, 42)));
  EXPECT_FALSE(tokens_equal(t, t.substr(0, 42) + (t.back() == 'A' ? "B" : "A")));
  EXPECT_FALSE(tokens_equal("", ""));  // a missing token never matches a missing token
}

}  // namespace
}  // namespace blankett
