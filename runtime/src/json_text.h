// Reading JSON text from untrusted sources: bounded nesting, positions for errors, and
// the line of any JSON Pointer (computed only when there is an error to report).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/error.h"

namespace blankett {

constexpr int kMaxJsonDepth = 64;

// Parses `text` into *out. On failure returns false and fills *error with code
// "json.syntax" (or "json.too_deep", or "json.number_too_large" for a number beyond a
// double), line and column of the problem; or "json.duplicate_key" for an object with a
// key used twice (which parse() would take, keeping the last value), with the line and
// column of its second use and the pointer to it.
// `canonical` (optional) receives out->dump() when that can be had on the way, which is
// when the text is canonical but for white space (as a dump() of any indent is, if it
// holds no escapes and no fractions); it is left empty otherwise.
bool parse_json_text(std::string_view text, nlohmann::json* out, Error* error, std::string* canonical = nullptr);

// What nlohmann::json::parse would have thrown for a text it refuses.
struct JsonParseFailure {
  std::optional<nlohmann::json::parse_error> syntax;     // a syntax error (parse_error.101-103)
  std::optional<nlohmann::json::out_of_range> overflow;  // a number beyond a double (out_of_range.406)
  size_t overflow_at = 0;                                // where that number starts (byte offset)
  [[noreturn]] void rethrow() const;                     // throws it, as parse() does
};

// Exactly nlohmann::json::parse(text): all of JSON, no nesting limit; on success fills
// *out and returns true. On failure returns false, leaves *out as it is and, when
// `failure` is not null, fills it instead of throwing. Every parse of JSON text in the
// engine goes through this one function (or parse_json_text, which uses it), so there is
// one copy of nlohmann's parser in the binary (the WASM size budget, docs/performance.md).
bool parse_json_nlohmann(std::string_view text, nlohmann::json* out, JsonParseFailure* failure = nullptr);

// Fills Error::line for each error whose pointer names a value in `text`
// (REQUIRES: text is valid JSON). Pointers not found keep line 0.
void fill_lines(std::string_view text, std::vector<Error>* errors);

// Exactly value.dump(): compact, keys in the order of the (sorted) object, the same
// escapes and number formats, and the same exception for a string that is not UTF-8.
// Faster for a large definition, whose version is the hash of these bytes: plain strings
// and integers are written directly; anything else is left to nlohmann's serializer.
std::string canonical_json(const nlohmann::json& value);

// Whether dump() writes `s` as it is between quotes: valid UTF-8 with no quote, backslash
// or control character to escape.
bool dumps_verbatim(const std::string& s);

// Escapes one reference token for a JSON Pointer ("~" -> "~0", "/" -> "~1").
std::string pointer_token(const std::string& key);

}  // namespace blankett
