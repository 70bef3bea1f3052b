// A real server for the server's tests: a fresh temporary folder, options a test can
// change before start(), the server on a free loopback port with an httplib::Client,
// a Store on the same database, users and signed-in sessions made straight in the store,
// and raw requests over a socket. Header-only; included by server/*_test.cc only.
//
// Use: derive a fixture from TestServer. The default SetUp() starts the server with
// options_; a fixture that needs other options sets them in its own SetUp() and then
// calls ASSERT_NO_FATAL_FAILURE(start()), or calls start() in each test.
#pragma once
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "accounts.h"
#include "clock.h"
#include "http_server.h"
#include "sessions.h"
#include "sqlite_db.h"
#include "store_testing.h"
#include "web_auth.h"

namespace blankett {

// The whole content of a file ("" when it cannot be read).
inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A small valid form definition whose one label is `label`: each label is another version.
inline std::string tiny_form(const std::string& id, const std::string& label) {
  const nlohmann::json form = {
      {"format", 1},
      {"id", id},
      {"title", {{"sv", "Prov"}, {"en", "Trial"}}},
      {"languages", {"sv", "en"}},
      {"steps", nlohmann::json::array({{{"id", "one"},
                                        {"title", {{"sv", "Ett"}, {"en", "One"}}},
                                        {"fields", nlohmann::json::array({{{"id", "name"},
                                                                           {"type", "text"},
                                                                           {"label", {{"sv", label}, {"en", label}}}}})}}})}};
  return form.dump(2);
}

// A user straight into the tables, with a password hash that matches nothing (so the
// user cannot sign in through /login). Hashing a real password with argon2id (add_user)
// costs a noticeable part of a second; tests that make sessions in the store need none.
inline int64_t insert_test_user(Store& store, const std::string& username, const std::string& display_name,
                                const std::vector<Role>& roles) {
  sqlite3* db = store.db.get();
  Result<sql::Statement> user = sql::prepare(db,
                                             "INSERT INTO users (username, display_name, password_hash, created_at) "
                                             "VALUES (?1, ?2, 'not a hash: cannot sign in', '2026-01-01T00:00:00.000Z')");
  EXPECT_TRUE(user.ok());
  if (!user.ok()) return 0;
  sql::bind_text(user.value(), 1, username);
  sql::bind_text(user.value(), 2, display_name);
  EXPECT_TRUE(sql::run(user.value()).ok()) << username;
  const int64_t id = sqlite3_last_insert_rowid(db);
  EXPECT_TRUE(set_roles(store, id, roles).ok());
  return id;
}

class TestServer : public ::testing::Test {
 protected:
  explicit TestServer(const std::string& prefix = "blankett-test") : dir_(prefix) {
    options_.port = 0;
    options_.data_dir = dir_.file("data");
    options_.forms_dir = BLANKETT_SOURCE_DIR "/forms";
    options_.web_dir = dir_.file("no-web");
    options_.http_threads = 4;  // the tests send one request at a time
  }

  void SetUp() override { start(); }
  void TearDown() override {
    client_.reset();
    stop();
    store_.reset();
  }

  // Creates the server from options_, binds a free port, serves on a thread and waits
  // until it answers; then client_ talks to it and store_ opens its database.
  void start() {
    Result<std::unique_ptr<BlankettServer>> server = BlankettServer::create(options_);
    ASSERT_TRUE(server.ok()) << to_string(server.errors().front());
    server_ = std::move(server).value();
    port_ = server_->bind();
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_->listen(); });
    while (!server_->http().is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    store_ = std::make_unique<Store>(must_open_store(options_.data_dir + "/blankett.db"));
  }
  // Stops the server and waits for its thread (store_ stays open). Safe to call twice.
  void stop() {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }

  // A user with a real password (argon2id), for tests that sign in through /login.
  int64_t add_user_with_password(const std::string& username, const std::string& display_name,
                                 const std::string& password, std::vector<Role> roles,
                                 std::vector<std::string> forms = {}) {
    Result<int64_t> id = add_user(*store_, NewUser{username, display_name, password, std::move(roles), std::move(forms)});
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : to_string(id.errors().front()));
    return id.ok() ? id.value() : 0;
  }
  // A user without a usable password (insert_test_user): fast, for sessions made in the store.
  int64_t insert_user(const std::string& username, const std::string& display_name, const std::vector<Role>& roles) {
    return insert_test_user(*store_, username, display_name, roles);
  }

  // A session made straight in the store: for tests about pages, not about /login. Its
  // csrf_token is what the pages' forms carry.
  Session sign_in(int64_t user_id) { return create_session(*store_, user_id, utc_now(), SessionPolicy{}).value(); }
  // The Cookie header of a session, with the pages in English.
  static httplib::Headers cookie(const Session& s) {
    return {{"Cookie", std::string(kSessionCookie) + "=" + s.token + "; blankett_lang=en"}};
  }
  httplib::Result get_as(const std::string& path, const Session& s) { return client_->Get(path.c_str(), cookie(s)); }
  // A form POST as the session's user, with its CSRF token unless `with_csrf` is false.
  httplib::Result post_as(const std::string& path, const Session& s, httplib::Params form = {}, bool with_csrf = true) {
    if (with_csrf) form.emplace("csrf", s.csrf_token);
    return client_->Post(path.c_str(), cookie(s), form);
  }

  // The response exactly as sent: httplib's client percent-decodes header values, which
  // would hide how Location and Content-Disposition are really encoded.
  std::string raw_request(const std::string& request) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string response;
    const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    EXPECT_TRUE(connected);
    if (connected) {
      const bool sent = ::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size());
      EXPECT_TRUE(sent);
      char buf[4096];
      for (ssize_t n; sent && (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) response.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return response;
  }
  // The header block of GET `path` with the Cookie header `cookie`, exactly as sent.
  std::string raw_headers(const std::string& path, const std::string& cookie) {
    const std::string raw = raw_request("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie +
                                        "\r\nConnection: close\r\n\r\n");
    return raw.substr(0, raw.find("\r\n\r\n"));
  }

  // Declared first so that it goes last: the database is closed before its files are removed.
  TempDir dir_;
  ServeOptions options_;
  std::unique_ptr<BlankettServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::unique_ptr<httplib::Client> client_;
  std::unique_ptr<Store> store_;
};

}  // namespace blankett
