#include "listen_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>

namespace blankett {
namespace {

// Starts a non-blocking connect to 127.0.0.1:port; returns the socket.
int start_connect(int port) {
  const int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  ::fcntl(sock, F_SETFL, O_NONBLOCK);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  return sock;
}

TEST(ListenSocket, ASecondServerCannotTakeTheSamePort) {
  httplib::Server first, second;
  const int port = bind_listen_socket(first, "127.0.0.1", 0);
  ASSERT_GT(port, 0);
  // cpp-httplib's own default (SO_REUSEPORT) would let this succeed and split the traffic.
  EXPECT_EQ(bind_listen_socket(second, "127.0.0.1", port), -1);
}

TEST(ListenSocket, ABurstOfConnectionsIsQueuedNotDropped) {
  // Nobody accepts yet (as when every request thread is busy): with cpp-httplib's backlog
  // of 5 the kernel drops the handshakes beyond it and clients wait a second or more.
  httplib::Server server;
  const int port = bind_listen_socket(server, "127.0.0.1", 0);
  ASSERT_GT(port, 0);
  constexpr int kClients = 200;
  std::vector<pollfd> fds;
  for (int i = 0; i < kClients; ++i) fds.push_back(pollfd{start_connect(port), POLLOUT, 0});
  int connected = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  while (connected < kClients && std::chrono::steady_clock::now() < deadline) {
    ::poll(fds.data(), fds.size(), 50);
    connected = 0;
    for (pollfd& p : fds) {
      int err = 0;
      socklen_t len = sizeof(err);
      if ((p.revents & POLLOUT) != 0 && ::getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) ++connected;
    }
  }
  for (pollfd& p : fds) ::close(p.fd);
  EXPECT_EQ(connected, kClients);
}

}  // namespace
}  // namespace blankett
