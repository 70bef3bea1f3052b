#include "clock.h"

#include <ctime>

namespace blankett {

std::string local_today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &local);
  return buf;
}

int year_of(const std::string& timestamp) {
  if (timestamp.size() < 4) return 0;
  int year = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = timestamp[static_cast<size_t>(i)];
    if (c < '0' || c > '9') return 0;
    year = year * 10 + (c - '0');
  }
  return year;
}

}  // namespace blankett
