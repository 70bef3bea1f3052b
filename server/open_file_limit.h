// How many files (sockets included) the process may have open. Each request thread that
// touches the database keeps its own SQLite connection, two descriptors (the database and
// its log), and each open connection from a client is one more: 256 request threads can
// need ~800, close to the soft limit of 1,024 that systemd and most shells start a
// process with (docs/api.md, "Connections").
#pragma once
#include <cstdint>
#include <string>

namespace blankett {

struct OpenFileLimit {
  uint64_t soft = 0;  // what the process may open now
  uint64_t hard = 0;  // what the soft limit may be raised to without privileges
};

// The current limits, or {0, 0} if they cannot be read.
OpenFileLimit open_file_limit();

// Raises the soft limit to the hard one (as Go's runtime does for every program): the
// hard limit is the administrator's decision, the low soft one a leftover of select().
// Returns "" on success (or if it already was), else why not.
std::string raise_open_file_limit();

}  // namespace blankett
