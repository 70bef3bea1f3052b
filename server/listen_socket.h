// Binding the listening socket of a cpp-httplib server. cpp-httplib 0.11 listens with a
// backlog of 5 and sets SO_REUSEPORT. Under load (hundreds of new connections a second,
// request threads busy) a backlog of 5 overflows: the kernel drops handshakes and clients
// wait for SYN retransmits, seconds each. SO_REUSEPORT lets a second server bind the same
// port unnoticed and take half of the connections. So: SO_REUSEADDR only, and listen()
// again with a backlog sized for bursts (Linux takes a new backlog on a listening socket).
#pragma once
#include <string>

#include "httplib_fwd.h"

namespace blankett {

constexpr int kListenBacklog = 1024;

// Binds `http` to host:port (port 0: any free port) with the options above. Returns the
// port, or -1 if it cannot bind (e.g. the port is in use).
int bind_listen_socket(httplib::Server& http, const std::string& host, int port);

}  // namespace blankett
