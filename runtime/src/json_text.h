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
// `canonical` (optional) receives out->dump() when that can be had on the way, which is
// when the text is canonical but for white space (as a dump() of any indent is, if it
// holds no escapes and no fractions); it is left empty otherwise.
bool parse_json_text(std::string_view text, nlohmann::json* out, Error* error, std::string* canonical = nullptr);

// Fills Error::line for each error whose pointer names a value in `text`
// (REQUIRES: text is valid JSON). Pointers not found keep line 0.
void fill_lines(std::string_view text, std::vector<Error>* errors);

// Exactly value.dump(): compact, keys in the order of the (sorted) object, the same
// escapes and number formats, and the same exception for a string that is not UTF-8.
// Faster for a large definition, whose version is the hash of these bytes: plain strings
// and integers are written directly; anything else is left to nlohmann's serializer.
std::string canonical_json(const nlohmann::json& value);

// Escapes one reference token for a JSON Pointer ("~" -> "~0", "/" -> "~1").
std::string pointer_token(const std::string& key);

}  // namespace blankett
