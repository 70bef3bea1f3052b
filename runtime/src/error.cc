#include "blankett/error.h"

namespace blankett {

std::string to_string(const Error& e) {
  std::string out = e.code + " at " + (e.pointer.empty() ? "/" : e.pointer);
  if (e.line > 0 || e.column > 0) {
    out += " (";
    if (e.line > 0) out += "line " + std::to_string(e.line);
    if (e.line > 0 && e.column > 0) out += ", ";
    if (e.column > 0) out += "column " + std::to_string(e.column);
    out += ")";
  }
  return out + ": " + e.message;
}

}  // namespace blankett
