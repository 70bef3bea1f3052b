#include "listen_socket.h"

#include <sys/socket.h>

#include <memory>

#include <httplib.h>

namespace blankett {

int bind_listen_socket(httplib::Server& http, const std::string& host, int port) {
  // cpp-httplib calls the options on the socket it is about to bind, and only there: the
  // last socket it saw is the one that got bound (it tries each address of the host).
  auto listening = std::make_shared<int>(-1);
  http.set_socket_options([listening](int sock) {
    const int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    *listening = sock;
  });
  const int bound = port == 0 ? http.bind_to_any_port(host) : (http.bind_to_port(host, port) ? port : -1);
  if (bound < 0 || *listening < 0) return -1;
  if (::listen(*listening, kListenBacklog) != 0) return -1;
  return bound;
}

}  // namespace blankett
