// pattern.h: Blankett's own regular expression engine (not named regex.h, which would
// shadow the POSIX header GoogleTest includes) for form `pattern`s and `matches()`. It is a
// Thompson NFA simulated over a set of states (a Pike VM without captures), so matching is
// linear in the input for every pattern and no citizen input can make it hang, and it is
// plain C++ so native and WASM builds agree exactly. It works on UTF-8 code points and
// accepts an ECMAScript-like subset: literals, `.`, `\d \D \w \W \s \S`, escaped
// metacharacters, classes `[a-zåäö]` `[^0-9]`, anchors `^ $`, groups `( )` `(?: )`, `|`,
// and the quantifiers `* + ? {n} {n,} {n,m}` with their lazy forms.

#ifndef BLANKETT_RUNTIME_SRC_PATTERN_H_
#define BLANKETT_RUNTIME_SRC_PATTERN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blankett {

struct RegexError {
  int column = 0;  // 1-based, in code points of the pattern
  std::string message;
};

namespace regex_detail {

enum class Op : uint8_t { kChar, kAny, kRange, kClass, kSplit, kJmp, kBol, kEol, kMatch };

// Jump targets (x, y of kSplit; x of kJmp) are relative to the instruction itself, which
// lets the compiler copy a repeated sub-program without patching it.
struct Inst {
  Op op = Op::kMatch;
  int32_t x = 0;  // kChar: the code point; kRange: lowest; kClass: index into the class table
  int32_t y = 0;  // kRange: highest code point
};

struct Range {
  char32_t lo = 0;
  char32_t hi = 0;
};

}  // namespace regex_detail

class Regex {
 public:
  static constexpr size_t kMaxPatternBytes = 1000;
  static constexpr int kMaxRepeat = 1000;
  // Matching costs text length × program size; 4,000 keeps the worst case (a 20,000-
  // character text answer) in tens of milliseconds natively.
  static constexpr size_t kMaxInstructions = 4000;

  // Equivalent to compiling the empty pattern: matches the empty text in full.
  Regex();

  // Returns nullopt and fills *error (when not null) on a bad pattern: unbalanced
  // parenthesis or bracket, a range out of order, nothing to repeat, an unknown escape,
  // a pattern longer than kMaxPatternBytes or one that expands to more than
  // kMaxInstructions.
  static std::optional<Regex> compile(std::string_view pattern, RegexError* error);

  // The whole text must match (as HTML's pattern attribute does).
  bool full_match(std::string_view utf8_text) const;
  // Some substring matches; `^` and `$` still only match at the start and end of the text.
  bool search(std::string_view utf8_text) const;

  // Size of the compiled program, for limits and tests.
  size_t instruction_count() const { return program_.size(); }

 private:
  Regex(std::vector<regex_detail::Inst> program,
        std::vector<std::vector<regex_detail::Range>> classes);
  bool run(std::string_view text, bool search) const;

  std::vector<regex_detail::Inst> program_;
  std::vector<std::vector<regex_detail::Range>> classes_;  // each sorted and disjoint
};

}  // namespace blankett

#endif  // BLANKETT_RUNTIME_SRC_PATTERN_H_
