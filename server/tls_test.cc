// The optional TLS listener: HTTPS only on the port, HSTS, and Secure session cookies.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "test_server.h"

namespace blankett {
namespace {

// Each test starts the server itself (start()), after it has made what it needs.
class TlsServerTest : public TestServer {
 protected:
  TlsServerTest() : TestServer("blankett-tls") {}
  void SetUp() override {
    cert_ = dir_.file("cert.pem");
    key_ = dir_.file("key.pem");
    // A throwaway self-signed pair from the openssl command (libssl-dev's openssl).
    const std::string make = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " + key_ +
                             " -out " + cert_ + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(make.c_str()), 0) << "openssl could not make a test certificate";
    options_.tls_cert = cert_;
    options_.tls_key = key_;
  }
  std::string cert_, key_;
};

TEST_F(TlsServerTest, ServesHttpsWithHstsAndRefusesPlainHttp) {
  ASSERT_NO_FATAL_FAILURE(start());
  httplib::SSLClient https("127.0.0.1", port_);
  https.enable_server_certificate_verification(false);
  auto res = https.Get("/healthz");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Strict-Transport-Security"), "max-age=31536000");

  httplib::Client plain("127.0.0.1", port_);
  plain.set_read_timeout(2, 0);
  auto refused = plain.Get("/healthz");
  EXPECT_FALSE(refused && refused->status == 200);
}

TEST_F(TlsServerTest, SessionCookiesAreSecure) {
  {
    std::filesystem::create_directories(options_.data_dir);
    Result<Store> store = open_store(options_.data_dir + "/blankett.db");
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(add_user(store.value(), NewUser{"case.worker", "Case Worker", "a long enough password", {Role::caseworker}, {"skolskjuts"}}).ok());
  }
  ASSERT_NO_FATAL_FAILURE(start());
  httplib::SSLClient https("127.0.0.1", port_);
  https.enable_server_certificate_verification(false);
  auto res = https.Post("/login", "username=case.worker&password=a+long+enough+password", "application/x-www-form-urlencoded");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 303);
  std::string cookie;
  for (const auto& [name, value] : res->headers) {
    if (name == "Set-Cookie" && value.rfind("blankett_session=", 0) == 0) cookie = value;
  }
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
}

TEST(TlsOptions, RefusesHalfAPairOrBadFiles) {
  TempDir dir("blankett-tls-bad");
  ServeOptions options;
  options.port = 0;
  options.data_dir = dir.file("data");
  options.forms_dir = BLANKETT_SOURCE_DIR "/forms";
  options.tls_cert = dir.file("missing.pem");
  Result<std::unique_ptr<BlankettServer>> half = BlankettServer::create(options);
  ASSERT_FALSE(half.ok());
  EXPECT_EQ(half.errors().front().code, "serve.tls");
  options.tls_key = dir.file("missing-key.pem");
  Result<std::unique_ptr<BlankettServer>> missing = BlankettServer::create(options);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.errors().front().code, "serve.tls");
}

}  // namespace
}  // namespace blankett
