// Parsing JSON from untrusted sources (request bodies, uploaded files) the way the
// engine parses form definitions: nesting limited to 64 levels, invalid UTF-8 refused,
// and errors that say where (line and column).
#pragma once
#include <string_view>

#include <nlohmann/json.hpp>

#include "blankett/error.h"

namespace blankett {

// On success fills *out and returns true. On failure returns false and fills *error:
// "json.syntax" (with line and column of the problem), "json.too_deep",
// "json.number_too_large", or "json.duplicate_key" for an object with a key used twice
// (with the pointer to, and the line and column of, its second use).
bool parse_json_input(std::string_view text, nlohmann::json* out, Error* error);

}  // namespace blankett
