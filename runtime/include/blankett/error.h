// Errors returned by the engine's public API. Expected problems (a broken form, a bad
// answer) are values, never exceptions, so they cross the WASM boundary as plain data.
#pragma once
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace blankett {

// One problem, located precisely. `code` is a stable id listed in docs/errors.md
// (e.g. "expr.unknown_field"); `pointer` is a JSON Pointer into the document the problem
// is in (the form definition, a draft, a submission), always filled in ("" = the whole
// document); `line` is its 1-based line in that document's text (0 if unknown);
// `column` is 1-based inside an expression or a JSON text (0 if not applicable).
struct Error {
  std::string code;
  std::string pointer;
  int line = 0;
  int column = 0;
  std::string message;
};

using Errors = std::vector<Error>;

// Either a value or the errors that prevented it (never both, never an empty error list).
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}                 // NOLINT: implicit on purpose
  Result(Errors errors) : v_(std::move(errors)) {}          // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  // REQUIRES: ok()
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  // REQUIRES: !ok()
  const Errors& errors() const { return std::get<1>(v_); }

 private:
  std::variant<T, Errors> v_;
};

// "code at pointer (line L, column C): message": how the command line prints an error.
std::string to_string(const Error& e);

}  // namespace blankett
