// The SMTP client against a real SMTP server (aiosmtpd) on loopback: a message arrives
// exactly, STARTTLS works and verifies certificates, refusals and closed ports are clear
// errors.
#include "smtp_client.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "smtp_test_server.h"

namespace blankett {
namespace {

SmtpOptions options_for(int port) {
  SmtpOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  o.from = "noreply@kommun.example";
  o.timeout_ms = 5000;
  return o;
}

TEST(SmtpClient, DotStuffingAndLineEndings) {
  EXPECT_EQ(dot_stuff("a\n.b\r\n..c\rd"), "a\r\n..b\r\n...c\r\nd\r\n");
  EXPECT_EQ(dot_stuff(".\n"), "..\r\n");
  EXPECT_EQ(dot_stuff(""), "");
}

TEST(SmtpClient, DeliversOneMessageExactly) {
  SmtpTestServer server;
  const std::string link = "https://e.kommun.example/sign/abc123";
  const std::string body = "Hej!\nDu har ett dokument att skriva under:\n" + link + "\n.hidden line\n.\nHälsningar";
  Result<bool> sent = send_mail(options_for(server.port()), MailMessage{"anna@example.org", "Underskrift väntar", body});
  ASSERT_TRUE(sent.ok()) << to_string(sent.errors().front());
  const std::vector<std::string> got = server.wait_for_messages(1);
  ASSERT_EQ(got.size(), 1u);
  const std::string& m = got[0];
  EXPECT_NE(m.find("X-Envelope-From: noreply@kommun.example\n"), std::string::npos);
  EXPECT_NE(m.find("X-Envelope-To: anna@example.org\n"), std::string::npos);
  EXPECT_NE(m.find("\nTo: anna@example.org\n"), std::string::npos);
  // Not ASCII, so RFC 2047: base64 of the UTF-8 bytes.
  EXPECT_NE(m.find("\nSubject: =?UTF-8?B?VW5kZXJza3JpZnQgdsOkbnRhcg==?=\n"), std::string::npos) << m;
  // The body arrives as written: the server undid the dot-stuffing.
  const size_t blank = m.find("\n\n");
  ASSERT_NE(blank, std::string::npos);
  EXPECT_EQ(m.substr(blank + 2), body + "\n");
}

TEST(SmtpClient, RefusedRecipientIsARejectionWithTheReply) {
  SmtpTestServer server;
  Result<bool> sent = send_mail(options_for(server.port()), MailMessage{"refuse-me@example.org", "Hej", "text"});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.errors().front().code, "smtp.rejected");
  EXPECT_NE(sent.errors().front().message.find("RCPT TO: 550"), std::string::npos) << sent.errors().front().message;
  EXPECT_TRUE(server.messages().empty());
}

TEST(SmtpClient, ClosedPortIsAConnectError) {
  Result<bool> sent = send_mail(options_for(free_loopback_port()), MailMessage{"anna@example.org", "Hej", "text"});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.errors().front().code, "smtp.connect");
}

TEST(SmtpClient, RefusesHeaderInjectionAndAuthWithoutTls) {
  SmtpOptions o = options_for(25);
  EXPECT_EQ(send_mail(o, MailMessage{"a@example.org", "Hej\r\nBcc: x@example.org", "t"}).errors().front().code, "smtp.config");
  o.username = "user";
  EXPECT_EQ(send_mail(o, MailMessage{"a@example.org", "Hej", "t"}).errors().front().code, "smtp.config");
}

class SmtpTls : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 -keyout " + dir_.file("key.pem") +
                            " -out " + dir_.file("cert.pem") + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "the openssl command is needed to make a test certificate";
  }
  TempDir dir_{"blankett-smtp-tls"};
};

TEST_F(SmtpTls, StartTlsWithASelfSignedCertificateWhenAllowed) {
  SmtpTestServer server(dir_.file("cert.pem"), dir_.file("key.pem"));
  SmtpOptions o = options_for(server.port());
  o.starttls = StartTls::required;
  o.allow_self_signed = true;
  Result<bool> sent = send_mail(o, MailMessage{"anna@example.org", "Hej", "https://e.kommun.example/x"});
  ASSERT_TRUE(sent.ok()) << to_string(sent.errors().front());
  EXPECT_EQ(server.wait_for_messages(1).size(), 1u);
}

TEST_F(SmtpTls, StartTlsVerifiesTheCertificateByDefault) {
  SmtpTestServer server(dir_.file("cert.pem"), dir_.file("key.pem"));
  SmtpOptions o = options_for(server.port());
  o.starttls = StartTls::required;
  Result<bool> sent = send_mail(o, MailMessage{"anna@example.org", "Hej", "text"});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.errors().front().code, "smtp.tls");
  EXPECT_TRUE(server.messages().empty());
}

TEST_F(SmtpTls, PlainTextToAServerThatRequiresTlsIsRejected) {
  SmtpTestServer server(dir_.file("cert.pem"), dir_.file("key.pem"));
  Result<bool> sent = send_mail(options_for(server.port()), MailMessage{"anna@example.org", "Hej", "text"});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.errors().front().code, "smtp.rejected");
}

TEST(SmtpClient, StartTlsRequiredButNotOffered) {
  SmtpTestServer server;
  SmtpOptions o = options_for(server.port());
  o.starttls = StartTls::required;
  Result<bool> sent = send_mail(o, MailMessage{"anna@example.org", "Hej", "text"});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.errors().front().code, "smtp.tls");
}

}  // namespace
}  // namespace blankett
