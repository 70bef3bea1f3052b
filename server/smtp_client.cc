#include "smtp_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <vector>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sodium.h>

namespace blankett {

namespace {

Error err(const std::string& code, const std::string& message) { return Error{code, "", 0, 0, message}; }

struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

struct SslCtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};

struct AddrFree {
  void operator()(addrinfo* a) const { freeaddrinfo(a); }
};

std::string openssl_error() {
  const unsigned long e = ERR_get_error();
  if (e == 0) return "unknown";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

// Connects with a timeout: a non-blocking connect, then poll.
Result<int> connect_to(const std::string& host, int port, int timeout_ms) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  const int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &raw);
  if (rc != 0) return Errors{err("smtp.connect", "cannot resolve the SMTP host: " + std::string(gai_strerror(rc)))};
  std::unique_ptr<addrinfo, AddrFree> list(raw);
  std::string last = "no address";
  for (addrinfo* a = list.get(); a != nullptr; a = a->ai_next) {
    auto fd = std::make_unique<Fd>(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol));
    if (fd->fd < 0) continue;
    const int flags = fcntl(fd->fd, F_GETFL, 0);
    fcntl(fd->fd, F_SETFL, flags | O_NONBLOCK);
    int c = ::connect(fd->fd, a->ai_addr, a->ai_addrlen);
    if (c != 0 && errno == EINPROGRESS) {
      pollfd p{fd->fd, POLLOUT, 0};
      c = ::poll(&p, 1, timeout_ms);
      if (c == 0) {
        last = "timed out";
        continue;
      }
      int so_error = 0;
      socklen_t len = sizeof so_error;
      getsockopt(fd->fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
      if (so_error != 0) {
        last = std::strerror(so_error);
        continue;
      }
      c = 0;
    } else if (c != 0) {
      last = std::strerror(errno);
      continue;
    }
    fcntl(fd->fd, F_SETFL, flags);
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    const int out = fd->fd;
    fd->fd = -1;
    return out;
  }
  return Errors{err("smtp.connect", "cannot connect to the SMTP server " + host + ":" + std::to_string(port) + ": " + last)};
}

struct Reply {
  int code = 0;
  std::string last_line;
  std::vector<std::string> lines;  // text after "250-" / "250 "
};

class Connection {
 public:
  explicit Connection(int fd) : fd_(fd) {}

  Result<bool> write(const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
      int n = ssl_? SSL_write(ssl_.get(), data.data() + done, static_cast<int>(data.size() - done))
                  : static_cast<int>(::send(fd_.fd, data.data() + done, data.size() - done, MSG_NOSIGNAL));
      if (n <= 0) return Errors{err("smtp.connect", "the SMTP connection failed while sending")};
      done += static_cast<size_t>(n);
    }
    return true;
  }

  Result<Reply> read_reply() {
    Reply reply;
    for (;;) {
      Result<std::string> line = read_line();
      if (!line) return line.errors();
      const std::string& l = line.value();
      if (l.size() < 3 || !isdigit(static_cast<unsigned char>(l[0]))) {
        return Errors{err("smtp.connect", "the SMTP server sent something that is not a reply")};
      }
      reply.code = std::atoi(l.substr(0, 3).c_str());
      reply.lines.push_back(l.size() > 4 ? l.substr(4) : "");
      reply.last_line = l;
      if (l.size() == 3 || l[3] != '-') return reply;
    }
  }

  Result<bool> start_tls(const SmtpOptions& o) {
    ctx_.reset(SSL_CTX_new(TLS_client_method()));
    if (!ctx_) return Errors{err("smtp.tls", "cannot create a TLS context: " + openssl_error())};
    SSL_CTX_set_min_proto_version(ctx_.get(), TLS1_2_VERSION);
    if (!o.allow_self_signed) {
      SSL_CTX_set_default_verify_paths(ctx_.get());
      SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
    }
    ssl_.reset(SSL_new(ctx_.get()));
    if (!ssl_) return Errors{err("smtp.tls", "cannot create a TLS session: " + openssl_error())};
    SSL_set_tlsext_host_name(ssl_.get(), o.host.c_str());
    if (!o.allow_self_signed) SSL_set1_host(ssl_.get(), o.host.c_str());
    SSL_set_fd(ssl_.get(), fd_.fd);
    if (SSL_connect(ssl_.get()) != 1) {
      const long verify = SSL_get_verify_result(ssl_.get());
      std::string why = verify != X509_V_OK ? X509_verify_cert_error_string(verify) : openssl_error();
      ssl_.reset();
      return Errors{err("smtp.tls", "the TLS handshake with the SMTP server failed: " + why)};
    }
    buffer_.clear();
    return true;
  }

  bool tls() const { return ssl_ != nullptr; }

 private:
  Result<std::string> read_line() {
    for (;;) {
      const size_t nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
      }
      if (buffer_.size() > 64 * 1024) return Errors{err("smtp.connect", "the SMTP server sent an overlong line")};
      char chunk[4096];
      const int n = ssl_ ? SSL_read(ssl_.get(), chunk, sizeof chunk) : static_cast<int>(::recv(fd_.fd, chunk, sizeof chunk, 0));
      if (n <= 0) return Errors{err("smtp.connect", "the SMTP server closed the connection or did not answer in time")};
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  Fd fd_;
  std::unique_ptr<SSL_CTX, SslCtxFree> ctx_;  // declared before ssl_: freed after it
  std::unique_ptr<SSL, SslFree> ssl_;
  std::string buffer_;
};

bool is_ascii(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

std::string base64(const std::string& bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

bool no_line_break(const std::string& s) { return s.find_first_of("\r\n") == std::string::npos; }

std::string rfc2822_date() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace

std::string dot_stuff(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 16);
  bool line_start = true;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') continue;  // the \n adds the CRLF
      out += "\r\n";
      line_start = true;
      continue;
    }
    if (c == '\n') {
      out += "\r\n";
      line_start = true;
      continue;
    }
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = false;
  }
  if (!line_start) out += "\r\n";
  return out;
}

std::string format_message(const SmtpOptions& options, const MailMessage& message, const std::string& date,
                           const std::string& message_id) {
  const std::string subject = is_ascii(message.subject) ? message.subject : "=?UTF-8?B?" + base64(message.subject) + "?=";
  return "From: " + options.from + "\r\nTo: " + message.to + "\r\nSubject: " + subject + "\r\nDate: " + date +
         "\r\nMessage-ID: " + message_id + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
         "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n\r\n" + message.body;
}

Result<bool> send_mail(const SmtpOptions& o, const MailMessage& m) {
  if (sodium_init() < 0) return Errors{err("smtp.config", "libsodium cannot start")};  // for the Message-ID
  if (o.host.empty()) return Errors{err("smtp.config", "no SMTP host is configured")};
  if (o.from.empty() || !no_line_break(o.from)) return Errors{err("smtp.config", "no valid sender (--smtp-from) is configured")};
  if (!o.username.empty() && o.starttls != StartTls::required) {
    return Errors{err("smtp.config", "SMTP AUTH is sent only over TLS: use --smtp-starttls required")};
  }
  if (m.to.empty() || !no_line_break(m.to) || !no_line_break(m.subject) || m.to.find_first_of("<> ") != std::string::npos) {
    return Errors{err("smtp.config", "the message has a bad recipient or subject")};
  }
  Result<int> fd = connect_to(o.host, o.port, o.timeout_ms);
  if (!fd) return fd.errors();
  Connection c(fd.value());

  // Sends a command (nullptr: none, just read) and expects a reply code class.
  auto step = [&c](const char* what, const std::string* command, int expect) -> Result<Reply> {
    if (command != nullptr) {
      Result<bool> w = c.write(*command);
      if (!w) return w.errors();
    }
    Result<Reply> r = c.read_reply();
    if (!r) return r.errors();
    if (r.value().code / 100 != expect / 100) {
      return Errors{err("smtp.rejected", std::string(what) + ": " + r.value().last_line)};
    }
    return r;
  };

  Result<Reply> greeting = step("greeting", nullptr, 220);
  if (!greeting) return greeting.errors();
  const std::string ehlo = "EHLO " + o.helo_name + "\r\n";
  Result<Reply> hello = step("EHLO", &ehlo, 250);
  if (!hello) return hello.errors();
  auto offers = [](const Reply& r, const std::string& keyword) {
    for (const std::string& l : r.lines) {
      std::string upper;
      for (char ch : l) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (upper == keyword || upper.rfind(keyword + " ", 0) == 0) return true;
    }
    return false;
  };
  if (o.starttls == StartTls::required) {
    if (!offers(hello.value(), "STARTTLS")) return Errors{err("smtp.tls", "the SMTP server does not offer STARTTLS")};
    const std::string cmd = "STARTTLS\r\n";
    Result<Reply> go = step("STARTTLS", &cmd, 220);
    if (!go) return go.errors();
    Result<bool> tls = c.start_tls(o);
    if (!tls) return tls.errors();
    hello = step("EHLO", &ehlo, 250);  // capabilities may differ over TLS
    if (!hello) return hello.errors();
  }
  if (!o.username.empty()) {
    const std::string plain = std::string(1, '\0') + o.username + std::string(1, '\0') + o.password;
    const std::string cmd = "AUTH PLAIN " + base64(plain) + "\r\n";
    Result<Reply> auth = step("AUTH", &cmd, 235);
    if (!auth) return auth.errors();
  }
  const bool eight_bit = offers(hello.value(), "8BITMIME");
  const std::string mail = "MAIL FROM:<" + o.from + ">" + (eight_bit ? " BODY=8BITMIME" : "") + "\r\n";
  Result<Reply> from = step("MAIL FROM", &mail, 250);
  if (!from) return from.errors();
  const std::string rcpt = "RCPT TO:<" + m.to + ">\r\n";
  Result<Reply> to = step("RCPT TO", &rcpt, 250);
  if (!to) return to.errors();
  const std::string data = "DATA\r\n";
  Result<Reply> go = step("DATA", &data, 354);
  if (!go) return go.errors();
  unsigned char id[12];
  randombytes_buf(id, sizeof id);
  char hex[sizeof id * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, id, sizeof id);
  const std::string domain = o.from.substr(o.from.find('@') == std::string::npos ? o.from.size() : o.from.find('@') + 1);
  const std::string content =
      dot_stuff(format_message(o, m, rfc2822_date(), "<" + std::string(hex) + "@" + (domain.empty() ? "blankett" : domain) + ">")) +
      ".\r\n";
  Result<Reply> accepted = step("message", &content, 250);
  if (!accepted) return accepted.errors();
  const std::string quit = "QUIT\r\n";
  (void)step("QUIT", &quit, 221);  // the message is accepted; a rude goodbye changes nothing
  return true;
}

}  // namespace blankett
