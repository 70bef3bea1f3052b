#include "open_file_limit.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>

namespace blankett {

OpenFileLimit open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return {};
  return OpenFileLimit{static_cast<uint64_t>(limit.rlim_cur), static_cast<uint64_t>(limit.rlim_max)};
}

std::string raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return std::string("getrlimit: ") + std::strerror(errno);
  if (limit.rlim_cur == limit.rlim_max) return "";
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return std::string("setrlimit: ") + std::strerror(errno);
  return "";
}

}  // namespace blankett
