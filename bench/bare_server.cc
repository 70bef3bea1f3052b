// The ceiling for the server benchmark (bench/server_bench.sh): a bare cpp-httplib
// server, with the same library, the same listening socket (server/listen_socket.h:
// backlog, options) and cpp-httplib's defaults otherwise (thread pool, keep-alive), whose every POST is answered with a fixed 201 and a small
// JSON body. No parsing, no engine, no storage: what the HTTP layer alone can do here.
//
// Usage: bare_server [--port N] [--tcp-nodelay]
//   --port 0 (default): any free port. Prints "port N" on stdout once bound.
//   --tcp-nodelay: set TCP_NODELAY on accepted sockets (cpp-httplib's default is off).
//     cpp-httplib writes a response's headers and body in two send()s; without
//     TCP_NODELAY the body waits for the client's delayed ACK (~40 ms on Linux), which
//     caps a keep-alive connection at ~25 responses/s. The benchmark's ceiling uses it.
// Listens on 127.0.0.1 only; stops on SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <httplib.h>

#include "listen_socket.h"

namespace {

httplib::Server* g_server = nullptr;

void on_signal(int) {
  if (g_server != nullptr) g_server->stop();
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  bool tcp_nodelay = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
      port = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--tcp-nodelay") == 0) {
      tcp_nodelay = true;
    } else {
      std::fprintf(stderr, "usage: bare_server [--port N] [--tcp-nodelay]\n");
      return 2;
    }
  }
  httplib::Server server;
  server.set_tcp_nodelay(tcp_nodelay);
  static const std::string kBody = R"({"status":"created","receipt":{"reference":"SKOL-2026-000001"}})";
  server.Post(R"(/.*)", [](const httplib::Request&, httplib::Response& res) {
    res.status = 201;
    res.set_content(kBody, "application/json; charset=utf-8");
  });
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json; charset=utf-8");
  });
  const int bound = blankett::bind_listen_socket(server, "127.0.0.1", port);
  if (bound < 0) {
    std::fprintf(stderr, "bare_server: cannot listen on 127.0.0.1:%d\n", port);
    return 1;
  }
  g_server = &server;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::printf("port %d\n", bound);
  std::fflush(stdout);
  const bool ok = server.listen_after_bind();
  g_server = nullptr;
  return ok ? 0 : 1;
}
