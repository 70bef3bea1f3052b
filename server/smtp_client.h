// A small SMTP client for the notification outbox: one message per connection over TCP,
// EHLO, optional STARTTLS (OpenSSL; the server's certificate and host name verified
// unless allow_self_signed), optional AUTH PLAIN (only over TLS), MAIL FROM, RCPT TO,
// DATA (CRLF line endings, dot-stuffed), QUIT. docs/notifications.md.
#pragma once
#include <string>

#include "blankett/error.h"

namespace blankett {

enum class StartTls { off, required };

struct SmtpOptions {
  std::string host;  // "" = SMTP not configured: nothing is sent
  int port = 25;
  StartTls starttls = StartTls::off;
  std::string username;  // "" = no AUTH
  std::string password;
  std::string from;  // envelope and From: address
  bool allow_self_signed = false;  // tests and development only
  int timeout_ms = 10000;  // per connect and per reply
  std::string helo_name = "blankett.localdomain";
};

struct MailMessage {
  std::string to;
  std::string subject;  // one line; encoded (RFC 2047) when not ASCII
  std::string body;     // plain UTF-8 text; any line endings
};

// Sends one message. Errors (the message never includes the recipient's address):
// "smtp.config" (no host, no from, AUTH without TLS), "smtp.connect" (resolve, connect,
// timeout, connection closed), "smtp.tls" (STARTTLS not offered, handshake or certificate
// failure), "smtp.rejected" (the server's reply: "<step>: <code> <line>").
Result<bool> send_mail(const SmtpOptions& options, const MailMessage& message);

// The DATA section as sent, before dot-stuffing: headers, a blank line and the body, all
// with CRLF. Exposed for tests.
std::string format_message(const SmtpOptions& options, const MailMessage& message, const std::string& date,
                           const std::string& message_id);
// "." at the start of a line doubled, line endings made CRLF, and a final CRLF.
std::string dot_stuff(const std::string& text);

}  // namespace blankett
