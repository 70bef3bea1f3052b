// A real SMTP server on loopback for tests: Debian's python3-aiosmtpd, run as a child
// process with a small handler that writes each accepted message to <dir>/msgN.eml
// (envelope lines first) and refuses recipients whose address starts with "refuse".
// Header-only; used by the server's tests only. scripts/setup installs python3-aiosmtpd.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "temp_dir.h"

namespace blankett {

inline constexpr const char* kSmtpCaptureHandler = R"py(
import os

class Capture:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0

    @classmethod
    def from_cli(cls, parser, *args):
        return cls(args[0])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith('refuse'):
            return '550 5.1.1 mailbox unavailable'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        tmp = os.path.join(self.outdir, 'msg%d.tmp' % self.count)
        with open(tmp, 'wb') as f:
            f.write(('X-Envelope-From: %s\r\nX-Envelope-To: %s\r\n' % (envelope.mail_from, ','.join(envelope.rcpt_tos))).encode())
            f.write(envelope.original_content or envelope.content)
        os.rename(tmp, os.path.join(self.outdir, 'msg%d.eml' % self.count))
        return '250 Message accepted'
)py";

// A port that was free a moment ago (bound to 0, then closed).
inline int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

inline bool loopback_port_accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

class SmtpTestServer {
 public:
  // With tls_cert/tls_key (PEM files): STARTTLS offered and required before MAIL.
  explicit SmtpTestServer(const std::string& tls_cert = "", const std::string& tls_key = "") {
    // Debian's python3 on purpose: a pyenv or venv python3 earlier on PATH lacks the
    // Debian package.
    if (std::system("/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null") != 0) {
      throw std::runtime_error("python3-aiosmtpd is missing: run scripts/setup (apt-get install python3-aiosmtpd)");
    }
    std::filesystem::create_directories(mail_dir());
    std::ofstream(dir_.file("blankett_smtp_capture.py")) << kSmtpCaptureHandler;
    port_ = free_loopback_port();
    const std::string listen = "127.0.0.1:" + std::to_string(port_);
    std::vector<std::string> args = {"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", listen, "-c",
                                     "blankett_smtp_capture.Capture"};
    if (!tls_cert.empty()) {
      for (const std::string& a : {std::string("--tlscert"), tls_cert, std::string("--tlskey"), tls_key}) args.push_back(a);
    }
    args.push_back(mail_dir());
    // Everything the child needs is built before fork (the test process has threads).
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::string pythonpath = "PYTHONPATH=" + dir_.path;
    std::vector<char*> envp = {pythonpath.data(), nullptr};
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    for (int i = 0; i < 200; ++i) {
      if (loopback_port_accepts(port_)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    stop();
    throw std::runtime_error("aiosmtpd did not start listening on " + listen);
  }
  ~SmtpTestServer() { stop(); }
  SmtpTestServer(const SmtpTestServer&) = delete;
  SmtpTestServer& operator=(const SmtpTestServer&) = delete;

  int port() const { return port_; }
  std::string mail_dir() const { return dir_.file("mail"); }

  // Accepted messages so far, in order, with "\r\n" made "\n".
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    for (int n = 1;; ++n) {
      std::ifstream in(mail_dir() + "/msg" + std::to_string(n) + ".eml", std::ios::binary);
      if (!in) return out;
      std::stringstream text;
      text << in.rdbuf();
      std::string s;
      for (char c : text.str()) {
        if (c != '\r') s += c;
      }
      out.push_back(s);
    }
  }

  // Waits up to `timeout_ms` for at least `count` messages.
  std::vector<std::string> wait_for_messages(size_t count, int timeout_ms = 10000) const {
    for (int waited = 0;; waited += 50) {
      std::vector<std::string> got = messages();
      if (got.size() >= count || waited >= timeout_ms) return got;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

 private:
  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

  TempDir dir_{"blankett-smtp"};
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace blankett
