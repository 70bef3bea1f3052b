// Reading JSON text from untrusted sources: bounded nesting, positions for errors, and
// the line of any JSON Pointer (computed only when there is an error to report).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/error.h"

namespace blankett {

constexpr int kMaxJsonDepth = 64;

// Parses `text` into *out. On failure returns false and fills *error with code
// "json.syntax" (or "json.too_deep"), line and column of the problem.
bool parse_json_text(std::string_view text, nlohmann::json* out, Error* error);

// Fills Error::line for each error whose pointer names a value in `text`
// (REQUIRES: text is valid JSON). Pointers not found keep line 0.
void fill_lines(std::string_view text, std::vector<Error>* errors);

// Escapes one reference token for a JSON Pointer ("~" -> "~0", "/" -> "~1").
std::string pointer_token(const std::string& key);

}  // namespace blankett
