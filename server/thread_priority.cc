#include "thread_priority.h"

#include <cerrno>
#include <cstring>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace blankett {

namespace {

// PRIO_PROCESS with a thread id addresses that one thread (Linux; see setpriority(2), BUGS).
id_t this_thread_id() { return static_cast<id_t>(syscall(SYS_gettid)); }

}  // namespace

std::string set_this_thread_nice(int nice) {
  if (setpriority(PRIO_PROCESS, this_thread_id(), nice) == 0) return "";
  return std::string("setpriority(") + std::to_string(nice) + "): " + std::strerror(errno);
}

int this_thread_nice() {
  errno = 0;  // -1 is a valid answer; errno tells an error apart
  const int nice = getpriority(PRIO_PROCESS, this_thread_id());
  return errno == 0 ? nice : 0;
}

}  // namespace blankett
