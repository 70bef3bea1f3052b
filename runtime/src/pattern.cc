// Compiler and matcher for regex.h. The parser is iterative (an explicit stack of open
// groups) so that deeply nested patterns cannot exhaust the small WASM stack, and it
// emits code directly: every atom becomes a fragment of instructions with relative jumps,
// quantifiers rewrite the last fragment, and closing a group joins its alternatives.
// Matching advances the set of live states one code point at a time.
#include "pattern.h"

#include <algorithm>
#include <utility>

#include "blankett/utf8.h"

namespace blankett {

using regex_detail::Inst;
using regex_detail::Op;
using regex_detail::Range;

namespace {

using Fragment = std::vector<Inst>;
using Ranges = std::vector<Range>;

constexpr char32_t kMaxCodePoint = 0x10FFFF;
constexpr size_t kNone = static_cast<size_t>(-1);
constexpr int kUnbounded = -1;

Inst make(Op op, int32_t x = 0, int32_t y = 0) {
  Inst inst;
  inst.op = op;
  inst.x = x;
  inst.y = y;
  return inst;
}

Ranges normalized(Ranges r) {
  std::sort(r.begin(), r.end(), [](const Range& a, const Range& b) { return a.lo < b.lo; });
  Ranges out;
  for (const Range& x : r) {
    if (!out.empty() && x.lo <= out.back().hi + 1) {
      out.back().hi = std::max(out.back().hi, x.hi);
    } else {
      out.push_back(x);
    }
  }
  return out;
}

// REQUIRES: r is normalized.
Ranges complement(const Ranges& r) {
  Ranges out;
  char32_t next = 0;
  for (const Range& x : r) {
    if (x.lo > next) out.push_back({next, x.lo - 1});
    next = x.hi + 1;
  }
  if (next <= kMaxCodePoint) out.push_back({next, kMaxCodePoint});
  return out;
}

Ranges digit_ranges() { return {{'0', '9'}}; }
Ranges word_ranges() { return {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}; }
// ECMAScript's WhiteSpace and LineTerminator, so a pattern means the same as in a browser.
Ranges space_ranges() {
  return {{0x09, 0x0D}, {0x20, 0x20},     {0xA0, 0xA0},     {0x1680, 0x1680},
          {0x2000, 0x200A}, {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F},
          {0x3000, 0x3000}, {0xFEFF, 0xFEFF}};
}

bool in_ranges(const Ranges& r, char32_t c) {
  auto it = std::lower_bound(r.begin(), r.end(), c,
                             [](const Range& x, char32_t v) { return x.hi < v; });
  return it != r.end() && it->lo <= c;
}

// One element of the pattern: a single code point or a set of them.
struct Atom {
  bool is_set = false;
  char32_t ch = 0;
  Ranges set;
};

class Compiler {
 public:
  Compiler(std::vector<char32_t> cps, RegexError* error) : cps_(std::move(cps)), error_(error) {}

  bool run(Fragment* program, std::vector<Ranges>* classes);

 private:
  struct Group {
    std::vector<Fragment> branches;  // finished alternatives before the current one
    Fragment seq;                    // the alternative being read
    size_t last_start = kNone;       // where the last repeatable atom starts in `seq`
    int open_column = 0;
  };

  bool fail(int column, std::string message) {
    if (error_ != nullptr) {
      error_->column = column;
      error_->message = std::move(message);
    }
    return false;
  }
  std::string text(size_t from, size_t to) const {
    std::string s;
    for (size_t i = from; i < to && i < cps_.size(); ++i) append_utf8(&s, cps_[i]);
    return s;
  }
  size_t live_size() const;
  bool read_escape(Atom* atom, bool in_class);
  bool read_class(Atom* atom);
  bool read_counted(int* min, int* max);
  bool repeat(int min, int max, int column);
  void add_atom(Fragment frag);
  int add_class(Ranges set);
  static Fragment alternation(std::vector<Fragment> branches);

  std::vector<char32_t> cps_;
  RegexError* error_;
  size_t i_ = 0;
  std::vector<Group> groups_;
  std::vector<Ranges> classes_;
};

size_t Compiler::live_size() const {
  size_t total = 1;  // the final kMatch
  for (const Group& g : groups_) {
    total += g.seq.size() + 2 * g.branches.size();
    for (const Fragment& b : g.branches) total += b.size();
  }
  return total;
}

int Compiler::add_class(Ranges set) {
  classes_.push_back(std::move(set));
  return static_cast<int>(classes_.size() - 1);
}

void Compiler::add_atom(Fragment frag) {
  Group& g = groups_.back();
  g.last_start = g.seq.size();
  g.seq.insert(g.seq.end(), frag.begin(), frag.end());
}

// At i_ == the backslash; leaves i_ after the escape.
bool Compiler::read_escape(Atom* atom, bool in_class) {
  const int column = static_cast<int>(i_) + 1;
  if (i_ + 1 >= cps_.size()) return fail(column, "the pattern ends with a lone '\\'");
  const char32_t e = cps_[i_ + 1];
  i_ += 2;
  atom->is_set = false;
  switch (e) {
    case 'd': case 'D': case 'w': case 'W': case 's': case 'S': {
      Ranges r = (e == 'd' || e == 'D') ? digit_ranges()
                 : (e == 'w' || e == 'W') ? word_ranges()
                                          : space_ranges();
      atom->is_set = true;
      atom->set = (e == 'D' || e == 'W' || e == 'S') ? complement(r) : r;
      return true;
    }
    case 'n': atom->ch = '\n'; return true;
    case 'r': atom->ch = '\r'; return true;
    case 't': atom->ch = '\t'; return true;
    case 'f': atom->ch = '\f'; return true;
    case 'v': atom->ch = '\v'; return true;
    case '.': case '\\': case '-': case '(': case ')': case '[': case ']': case '{':
    case '}': case '*': case '+': case '?': case '|': case '^': case '$': case '/':
      atom->ch = e;
      return true;
    default:
      break;
  }
  const std::string shown = "'\\" + text(i_ - 1, i_) + "'";
  if (e >= '1' && e <= '9') {
    return fail(column, "backreferences such as " + shown + " are not supported");
  }
  if ((e == 'b' || e == 'B') && !in_class) {
    return fail(column, "word boundaries such as " + shown + " are not supported");
  }
  return fail(column, "unknown escape " + shown);
}

// At i_ == '['; leaves i_ after the closing ']'.
bool Compiler::read_class(Atom* atom) {
  const int open_column = static_cast<int>(i_) + 1;
  const std::string missing =
      "missing ']' to close '[' at column " + std::to_string(open_column);
  ++i_;
  bool negate = false;
  if (i_ < cps_.size() && cps_[i_] == '^') {
    negate = true;
    ++i_;
  }
  Ranges set;
  auto read_member = [&](Atom* member) {
    if (cps_[i_] == '\\') return read_escape(member, /*in_class=*/true);
    member->is_set = false;
    member->ch = cps_[i_++];
    return true;
  };
  for (;;) {
    if (i_ >= cps_.size()) return fail(open_column, missing);
    if (cps_[i_] == ']') {
      ++i_;
      break;
    }
    const size_t start = i_;
    Atom lo;
    if (!read_member(&lo)) return false;
    // A '-' right before ']' is a literal, as in ECMAScript.
    if (i_ + 1 < cps_.size() && cps_[i_] == '-' && cps_[i_ + 1] != ']') {
      ++i_;
      Atom hi;
      if (!read_member(&hi)) return false;
      const int column = static_cast<int>(start) + 1;
      if (lo.is_set || hi.is_set) {
        return fail(column, "invalid range '" + text(start, i_) +
                                "': a range needs a single character at each end");
      }
      if (lo.ch > hi.ch) return fail(column, "range out of order '" + text(start, i_) + "'");
      set.push_back({lo.ch, hi.ch});
    } else if (lo.is_set) {
      set.insert(set.end(), lo.set.begin(), lo.set.end());
    } else {
      set.push_back({lo.ch, lo.ch});
    }
  }
  set = normalized(std::move(set));
  atom->is_set = true;
  atom->set = negate ? complement(set) : std::move(set);
  return true;
}

// At i_ == '{'. Succeeds only for the complete forms {n} {n,} {n,m}; leaves i_ after '}'.
bool Compiler::read_counted(int* min, int* max) {
  const int column = static_cast<int>(i_) + 1;
  const size_t start = i_;
  auto read_number = [&](int* value) {
    const size_t from = i_;
    long v = 0;
    while (i_ < cps_.size() && cps_[i_] >= '0' && cps_[i_] <= '9') {
      v = std::min(v * 10 + static_cast<long>(cps_[i_] - '0'), 1000000L);
      ++i_;
    }
    *value = static_cast<int>(v);
    return i_ > from;
  };
  const std::string invalid =
      "'{' does not start a repetition such as {2} or {2,5}; write '\\{' for a literal brace";
  ++i_;
  if (!read_number(min)) return fail(column, invalid);
  *max = *min;
  if (i_ < cps_.size() && cps_[i_] == ',') {
    ++i_;
    if (!read_number(max)) *max = kUnbounded;
  }
  if (i_ >= cps_.size() || cps_[i_] != '}') return fail(column, invalid);
  ++i_;
  const std::string shown = text(start, i_);
  if (*min > Regex::kMaxRepeat || *max > Regex::kMaxRepeat) {
    return fail(column, "repetition count too large in '" + shown + "' (at most " +
                            std::to_string(Regex::kMaxRepeat) + ")");
  }
  if (*max != kUnbounded && *max < *min) {
    return fail(column, "numbers out of order in '" + shown + "'");
  }
  return true;
}

// Replaces the last atom of the current alternative by its repetition.
bool Compiler::repeat(int min, int max, int column) {
  Group& g = groups_.back();
  if (g.last_start == kNone) return fail(column, "nothing to repeat");
  const Fragment atom(g.seq.begin() + static_cast<std::ptrdiff_t>(g.last_start), g.seq.end());
  const size_t len = atom.size();
  // Sized before building so that a huge expansion is refused without allocating it.
  const uint64_t grown =
      max == kUnbounded
          ? (min == 0 ? len + 2 : uint64_t{len} * static_cast<uint64_t>(min) + 1)
          : uint64_t{len} * static_cast<uint64_t>(min) +
                static_cast<uint64_t>(max - min) * (len + 1);
  if (live_size() - len + grown > Regex::kMaxInstructions) {
    return fail(column, "the pattern is too large once its repetitions are expanded (more than " +
                            std::to_string(Regex::kMaxInstructions) + " steps)");
  }
  const auto n = static_cast<int32_t>(len);
  Fragment out;
  out.reserve(static_cast<size_t>(grown));
  auto copies = [&](int count) {
    for (int k = 0; k < count; ++k) out.insert(out.end(), atom.begin(), atom.end());
  };
  if (max == kUnbounded && min == 0) {
    out.push_back(make(Op::kSplit, 1, n + 2));
    copies(1);
    out.push_back(make(Op::kJmp, -(n + 1)));
  } else if (max == kUnbounded) {
    copies(min);
    out.push_back(make(Op::kSplit, -n, 1));
  } else {
    copies(min);
    // Nested optionals x(x(x)?)? rather than x?x?x?: once one copy is skipped all later
    // ones are, which keeps the live state set small.
    const int optional = max - min;
    for (int k = 0; k < optional; ++k) {
      out.push_back(make(Op::kSplit, 1, (optional - k) * (n + 1)));
      copies(1);
    }
  }
  g.seq.resize(g.last_start);
  g.seq.insert(g.seq.end(), out.begin(), out.end());
  g.last_start = kNone;
  return true;
}

Fragment Compiler::alternation(std::vector<Fragment> branches) {
  if (branches.size() == 1) return std::move(branches.front());
  size_t total = 0;
  for (const Fragment& b : branches) total += b.size() + 2;
  total -= 2;  // the last branch needs neither split nor jump
  Fragment out;
  out.reserve(total);
  for (size_t k = 0; k < branches.size(); ++k) {
    const Fragment& b = branches[k];
    const bool last = k + 1 == branches.size();
    if (!last) out.push_back(make(Op::kSplit, 1, static_cast<int32_t>(b.size()) + 2));
    out.insert(out.end(), b.begin(), b.end());
    if (!last) out.push_back(make(Op::kJmp, static_cast<int32_t>(total - out.size())));
  }
  return out;
}

bool Compiler::run(Fragment* program, std::vector<Ranges>* classes) {
  groups_.assign(1, Group{});
  while (i_ < cps_.size()) {
    const char32_t c = cps_[i_];
    const int column = static_cast<int>(i_) + 1;
    switch (c) {
      case '(': {
        ++i_;
        if (i_ < cps_.size() && cps_[i_] == '?') {
          if (i_ + 1 < cps_.size() && cps_[i_ + 1] == ':') {
            i_ += 2;
          } else {
            return fail(column, "only '(?:' groups are supported; lookaround and named groups "
                                "are not");
          }
        }
        Group g;
        g.open_column = column;
        groups_.push_back(std::move(g));
        break;
      }
      case ')': {
        if (groups_.size() == 1) return fail(column, "unmatched ')'");
        Group g = std::move(groups_.back());
        groups_.pop_back();
        g.branches.push_back(std::move(g.seq));
        add_atom(alternation(std::move(g.branches)));
        ++i_;
        break;
      }
      case '|': {
        Group& g = groups_.back();
        g.branches.push_back(std::move(g.seq));
        g.seq.clear();
        g.last_start = kNone;
        ++i_;
        break;
      }
      case '*':
      case '+':
      case '?':
      case '{': {
        int min = 0, max = kUnbounded;
        if (c == '{') {
          if (!read_counted(&min, &max)) return false;
        } else {
          min = c == '+' ? 1 : 0;
          max = c == '?' ? 1 : kUnbounded;
          ++i_;
        }
        if (!repeat(min, max, column)) return false;
        // Lazy and greedy quantifiers accept the same texts; only the match chosen differs.
        if (i_ < cps_.size() && cps_[i_] == '?') ++i_;
        break;
      }
      case '}':
        return fail(column, "unmatched '}'; write '\\}' for a literal brace");
      case ']':
        return fail(column, "unmatched ']'; write '\\]' for a literal bracket");
      case '^':
      case '$': {
        Group& g = groups_.back();
        g.seq.push_back(make(c == '^' ? Op::kBol : Op::kEol));
        g.last_start = kNone;  // assertions cannot be repeated, as in ECMAScript
        ++i_;
        break;
      }
      case '.':
        add_atom({make(Op::kAny)});
        ++i_;
        break;
      case '[':
      case '\\': {
        Atom atom;
        if (!(c == '[' ? read_class(&atom) : read_escape(&atom, /*in_class=*/false))) {
          return false;
        }
        if (atom.is_set && atom.set.size() == 1) {
          // A single range ([a-z], \d) is tested inline, without the class table.
          add_atom({make(Op::kRange, static_cast<int32_t>(atom.set[0].lo),
                         static_cast<int32_t>(atom.set[0].hi))});
        } else if (atom.is_set) {
          add_atom({make(Op::kClass, add_class(std::move(atom.set)))});
        } else {
          add_atom({make(Op::kChar, static_cast<int32_t>(atom.ch))});
        }
        break;
      }
      default:
        add_atom({make(Op::kChar, static_cast<int32_t>(c))});
        ++i_;
        break;
    }
    if (live_size() > Regex::kMaxInstructions) {
      return fail(column, "the pattern is too large once its repetitions are expanded (more "
                          "than " + std::to_string(Regex::kMaxInstructions) + " steps)");
    }
  }
  if (groups_.size() > 1) {
    const int open = groups_.back().open_column;
    return fail(open, "missing ')' to close '(' at column " + std::to_string(open));
  }
  Group& top = groups_.back();
  top.branches.push_back(std::move(top.seq));
  *program = alternation(std::move(top.branches));
  program->push_back(make(Op::kMatch));
  *classes = std::move(classes_);
  return true;
}

}  // namespace

Regex::Regex() : program_{make(Op::kMatch)} {}

Regex::Regex(std::vector<Inst> program, std::vector<Ranges> classes)
    : program_(std::move(program)), classes_(std::move(classes)) {}

std::optional<Regex> Regex::compile(std::string_view pattern, RegexError* error) {
  RegexError scratch;
  if (error == nullptr) error = &scratch;
  std::vector<char32_t> cps;
  size_t pos = 0;
  while (pos < pattern.size()) {
    const int column = static_cast<int>(cps.size()) + 1;
    char32_t cp;
    if (!next_code_point(pattern, &pos, &cp)) {
      *error = RegexError{column, "the pattern is not valid UTF-8"};
      return std::nullopt;
    }
    if (pos > kMaxPatternBytes) {
      *error = RegexError{column, "the pattern is too long (at most " +
                                      std::to_string(kMaxPatternBytes) + " bytes)"};
      return std::nullopt;
    }
    cps.push_back(cp);
  }
  Fragment program;
  std::vector<Ranges> classes;
  if (!Compiler(std::move(cps), error).run(&program, &classes)) return std::nullopt;
  return Regex(std::move(program), std::move(classes));
}

bool Regex::full_match(std::string_view utf8_text) const { return run(utf8_text, false); }
bool Regex::search(std::string_view utf8_text) const { return run(utf8_text, true); }

bool Regex::run(std::string_view text, bool search) const {
  // Each list holds the consuming states reached at one text position; `mark` stamps a
  // state with the generation of the list it is in, so no state is visited twice per
  // position. That bounds the work to O(text length * program size).
  std::vector<uint32_t> mark(program_.size(), 0);
  std::vector<int32_t> current, next, stack;
  uint32_t generation = 1;
  bool matched = false;

  auto add = [&](std::vector<int32_t>* list, int32_t start, size_t pos) {
    // Most steps land on a consuming instruction (a long run of literals or a repeated
    // class), which needs no stack; this is the hot path for large programs.
    const Op first = program_[static_cast<size_t>(start)].op;
    if (first == Op::kChar || first == Op::kAny || first == Op::kClass || first == Op::kRange) {
      if (mark[static_cast<size_t>(start)] != generation) {
        mark[static_cast<size_t>(start)] = generation;
        list->push_back(start);
      }
      return;
    }
    stack.push_back(start);
    while (!stack.empty()) {
      const int32_t pc = stack.back();
      stack.pop_back();
      if (mark[static_cast<size_t>(pc)] == generation) continue;
      mark[static_cast<size_t>(pc)] = generation;
      const Inst& inst = program_[static_cast<size_t>(pc)];
      switch (inst.op) {
        case Op::kJmp:
          stack.push_back(pc + inst.x);
          break;
        case Op::kSplit:
          stack.push_back(pc + inst.y);
          stack.push_back(pc + inst.x);
          break;
        case Op::kBol:
          if (pos == 0) stack.push_back(pc + 1);
          break;
        case Op::kEol:
          if (pos == text.size()) stack.push_back(pc + 1);
          break;
        case Op::kMatch:
          if (search || pos == text.size()) matched = true;
          break;
        default:
          list->push_back(pc);
          break;
      }
    }
  };

  add(&current, 0, 0);
  size_t pos = 0;
  while (pos < text.size()) {
    if (matched) return true;  // a full match can only be recorded at the end
    if (current.empty() && !search) return false;
    char32_t cp;
    size_t after = pos;
    if (!next_code_point(text, &after, &cp)) {
      // Not expected from validated answers; one byte as U+FFFD keeps this total.
      cp = 0xFFFD;
      after = pos + 1;
    }
    ++generation;
    next.clear();
    for (const int32_t pc : current) {
      const Inst& inst = program_[static_cast<size_t>(pc)];
      bool ok = false;
      switch (inst.op) {
        case Op::kChar:
          ok = cp == static_cast<char32_t>(inst.x);
          break;
        case Op::kAny:
          ok = cp != '\n';
          break;
        case Op::kRange:
          ok = cp >= static_cast<char32_t>(inst.x) && cp <= static_cast<char32_t>(inst.y);
          break;
        case Op::kClass:
          ok = in_ranges(classes_[static_cast<size_t>(inst.x)], cp);
          break;
        default:
          break;
      }
      if (ok) add(&next, pc + 1, after);
    }
    if (search) add(&next, 0, after);
    current.swap(next);
    pos = after;
  }
  return matched;
}

}  // namespace blankett
