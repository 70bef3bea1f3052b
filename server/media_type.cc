#include "media_type.h"

namespace blankett {

namespace {

char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// RFC 9110 §5.6.3: optional white space is spaces and horizontal tabs.
std::string_view trimmed(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace

bool has_media_type(std::string_view content_type, std::string_view type) {
  const std::string_view named = trimmed(content_type.substr(0, content_type.find(';')));
  if (named.size() != type.size()) return false;
  for (size_t i = 0; i < named.size(); ++i) {
    if (lower_ascii(named[i]) != type[i]) return false;
  }
  return true;
}

}  // namespace blankett
