#include "json_text.h"

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <clocale>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <unordered_map>

#include "blankett/utf8.h"

namespace blankett {
namespace {

void line_and_column(std::string_view text, size_t byte, int* line, int* column) {
  *line = 1;
  *column = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++*line;
      *column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++*column;
    }
  }
}

// Deepest nesting of arrays/objects, with strings skipped; stops early past `limit`.
int nesting_depth(std::string_view text, int limit, size_t* where) {
  int depth = 0, max_depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > max_depth) max_depth = depth;
      if (depth > limit) { *where = i; return depth; }
    } else if (c == ']' || c == '}') --depth;
  }
  return max_depth;
}

template <typename Integer>
void append_integer(Integer n, std::string* out) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out->append(digits, end);
}

void append_canonical(const nlohmann::json& value, std::string* out) {
  using value_t = nlohmann::json::value_t;
  switch (value.type()) {
    case value_t::object: {
      out->push_back('{');
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!first) out->push_back(',');
        first = false;
        if (dumps_verbatim(it.key())) {
          out->push_back('"');
          out->append(it.key());
          out->push_back('"');
        } else {
          *out += nlohmann::json(it.key()).dump();
        }
        out->push_back(':');
        append_canonical(*it, out);
      }
      out->push_back('}');
      return;
    }
    case value_t::array: {
      out->push_back('[');
      bool first = true;
      for (const nlohmann::json& item : value) {
        if (!first) out->push_back(',');
        first = false;
        append_canonical(item, out);
      }
      out->push_back(']');
      return;
    }
    case value_t::string: {
      const std::string& s = value.get_ref<const std::string&>();
      if (!dumps_verbatim(s)) break;
      out->push_back('"');
      out->append(s);
      out->push_back('"');
      return;
    }
    case value_t::boolean: out->append(value.get<bool>() ? "true" : "false"); return;
    case value_t::null: out->append("null"); return;
    case value_t::number_integer: append_integer(value.get<int64_t>(), out); return;
    case value_t::number_unsigned: append_integer(value.get<uint64_t>(), out); return;
    default: break;  // floats, binary: nlohmann's own formatting
  }
  // Compact output does not depend on where a value sits, so a value's own dump() is
  // exactly its part of the whole.
  *out += value.dump();
}


// A key used twice in one object: the key, the JSON Pointer to the member (its second
// use), and the byte offset where that second use starts.
struct DuplicateKey {
  std::string key;
  std::string pointer;
  size_t at = 0;
};

// A reader for well-formed JSON that builds the same document as nlohmann::json::parse,
// faster: no token buffer, strings copied once, and the members of an object that come
// in sorted order (as in any dumped definition) appended without searching. It accepts a
// subset of what parse() accepts: on anything else (a syntax error, nesting deeper than
// kMaxJsonDepth) it returns false, and parse_json_text takes the careful path, which
// finds the problem and describes it.
//
// It also refuses what parse() takes but we do not: an object with a key used twice,
// where parse() silently keeps the last value (`"required": true, ..., "required":
// false`). That one it describes itself (duplicate_key()), since parse() cannot.
//
// On the way it can also copy the document's canonical text (what dump() writes) when
// the text already is canonical apart from white space: every object's keys in sorted
// order, strings without escapes, numbers only integers as dump() writes them. Anything
// else stops the copy, and the caller computes the canonical text from the document.
class FastReader {
 public:
  // `canonical`, when not null, receives the canonical text (see canonical()).
  FastReader(std::string_view text, std::string* canonical) : text_(text), canonical_(canonical) {
    if (canonical_ != nullptr) {
      canonical_->clear();
      canonical_->reserve(text.size());
    }
  }

  bool read_document(nlohmann::json* out) {
    // parse() skips a byte order mark; so do we, so that every text parse() takes is
    // checked for repeated keys here.
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    skip_whitespace();
    if (!read_value(out, 1)) return false;
    skip_whitespace();
    return pos_ == text_.size();
  }

  // Whether the canonical text was copied whole: it is exactly the document's dump().
  bool canonical() const { return canonical_ != nullptr; }

  // The repeated key read_document refused the text for, or null if it did not.
  const DuplicateKey* duplicate_key() const { return duplicate_ ? &*duplicate_ : nullptr; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  std::string* canonical_;  // null once the text turns out not to be canonical
  std::optional<DuplicateKey> duplicate_;  // set when a key is used twice; reading stops there

  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  void skip_whitespace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' || text_[pos_] == '\t')) ++pos_;
  }

  bool consume(char c) {
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  void copy(std::string_view canonical_text) {
    if (canonical_ != nullptr) canonical_->append(canonical_text);
  }
  void copy(char c) {
    if (canonical_ != nullptr) canonical_->push_back(c);
  }
  void stop_copying() { canonical_ = nullptr; }

  bool read_literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    copy(word);
    return true;
  }

  // `depth` counts the arrays and objects around the value, this one included.
  bool read_value(nlohmann::json* out, int depth) {
    switch (peek()) {
      case '{': return depth <= kMaxJsonDepth && read_object(out, depth);
      case '[': return depth <= kMaxJsonDepth && read_array(out, depth);
      case '"': {
        std::string s;
        if (!read_string(&s)) return false;
        *out = std::move(s);
        return true;
      }
      case 't': *out = true; return read_literal("true");
      case 'f': *out = false; return read_literal("false");
      case 'n': *out = nullptr; return read_literal("null");
      default: return read_number(out);
    }
  }

  bool read_object(nlohmann::json* out, int depth) {
    ++pos_;  // '{'
    copy('{');
    *out = nlohmann::json::object();
    auto& members = out->get_ref<nlohmann::json::object_t&>();
    skip_whitespace();
    if (consume('}')) {
      copy('}');
      return true;
    }
    std::string key;
    while (true) {
      skip_whitespace();
      const size_t key_at = pos_;
      if (peek() != '"' || !read_string(&key)) return false;
      // dump() writes the members in key order: out of order, the copy is not canonical.
      if (!members.empty() && !(members.rbegin()->first < key)) stop_copying();
      skip_whitespace();
      if (!consume(':')) return false;
      copy(':');
      skip_whitespace();
      // The map already finds a repeated key: that the size stays the same says so, for
      // no extra work on the submission path.
      const size_t before = members.size();
      auto it = members.emplace_hint(members.end(), std::move(key), nullptr);
      if (members.size() == before) return refuse_duplicate(it->first, key_at);
      if (!read_value(&it->second, depth + 1)) return locate_duplicate(it->first);
      skip_whitespace();
      if (consume('}')) {
        copy('}');
        return true;
      }
      if (!consume(',')) return false;
      copy(',');
    }
  }

  // Stops reading at a key used twice in one object; `at` is where its second use starts.
  bool refuse_duplicate(const std::string& key, size_t at) {
    duplicate_ = DuplicateKey{key, "/" + pointer_token(key), at};
    return false;
  }

  // On the way out of a refused value: when the reason is a repeated key, puts the
  // enclosing member's key or item's index in front of its pointer. Returns false.
  bool locate_duplicate(const std::string& key_or_index) {
    if (duplicate_) duplicate_->pointer.insert(0, "/" + pointer_token(key_or_index));
    return false;
  }

  bool read_array(nlohmann::json* out, int depth) {
    ++pos_;  // '['
    copy('[');
    *out = nlohmann::json::array();
    auto& items = out->get_ref<nlohmann::json::array_t&>();
    skip_whitespace();
    if (consume(']')) {
      copy(']');
      return true;
    }
    while (true) {
      skip_whitespace();
      items.emplace_back();
      if (!read_value(&items.back(), depth + 1)) return locate_duplicate(std::to_string(items.size() - 1));
      skip_whitespace();
      if (consume(']')) {
        copy(']');
        return true;
      }
      if (!consume(',')) return false;
      copy(',');
    }
  }

  // At the opening quote. Plain runs are copied whole; escapes are decoded as parse()
  // decodes them; control characters and invalid UTF-8 are refused, as by parse(). A
  // string without escapes is written by dump() as it is in the text.
  bool read_string(std::string* out) {
    out->clear();
    const size_t quote = pos_++;
    bool escaped = false;
    while (true) {
      const size_t start = pos_;
      bool ascii = true;
      while (pos_ < text_.size()) {
        const auto b = static_cast<unsigned char>(text_[pos_]);
        if (b == '"' || b == '\\' || b < 0x20) break;
        ascii = ascii && b < 0x80;
        ++pos_;
      }
      const std::string_view run = text_.substr(start, pos_ - start);
      if (!ascii && !valid_utf8(run)) return false;
      out->append(run);
      if (pos_ >= text_.size()) return false;
      const char c = text_[pos_++];
      if (c == '"') break;
      if (c != '\\' || !read_escape(out)) return false;  // else a control character
      escaped = true;
    }
    if (escaped) stop_copying();
    copy(text_.substr(quote, pos_ - quote));
    return true;
  }

  bool read_escape(std::string* out) {
    if (pos_ >= text_.size()) return false;
    switch (text_[pos_++]) {
      case '"': out->push_back('"'); return true;
      case '\\': out->push_back('\\'); return true;
      case '/': out->push_back('/'); return true;
      case 'b': out->push_back('\b'); return true;
      case 'f': out->push_back('\f'); return true;
      case 'n': out->push_back('\n'); return true;
      case 'r': out->push_back('\r'); return true;
      case 't': out->push_back('\t'); return true;
      case 'u': break;
      default: return false;
    }
    int cp = read_hex4();
    if (cp < 0 || (cp >= 0xDC00 && cp <= 0xDFFF)) return false;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      // A high surrogate must be followed by an escaped low one.
      if (text_.substr(pos_, 2) != "\\u") return false;
      pos_ += 2;
      const int low = read_hex4();
      if (low < 0xDC00 || low > 0xDFFF) return false;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(out, static_cast<char32_t>(cp));
    return true;
  }

  // Four hex digits as a number, or -1.
  int read_hex4() {
    if (text_.size() - pos_ < 4) return -1;
    int v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      int d;
      if (c >= '0' && c <= '9') d = c - '0';
      else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
      else return -1;
      v = v * 16 + d;
    }
    return v;
  }

  bool skip_digits() {
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  // The JSON number grammar. Integers that fit are kept as parse() keeps them (unsigned
  // unless negative) and written by dump() as they are, but for "-0"; any other number
  // is a double, converted as parse() converts it.
  bool read_number(nlohmann::json* out) {
    const size_t start = pos_;
    const bool negative = consume('-');
    if (!consume('0') && !skip_digits()) return false;  // a leading zero stands alone
    bool integer = true;
    if (consume('.')) {
      integer = false;
      if (!skip_digits()) return false;
    }
    if (consume('e') || consume('E')) {
      integer = false;
      if (!consume('+')) consume('-');
      if (!skip_digits()) return false;
    }
    const char* first = text_.data() + start;
    const char* last = text_.data() + pos_;
    if (integer && negative) {
      int64_t n = 0;
      const auto r = std::from_chars(first, last, n);
      if (r.ec == std::errc() && r.ptr == last) {
        *out = n;
        if (n == 0) stop_copying();  // dump() writes "-0" as "0"
        copy(std::string_view(first, static_cast<size_t>(last - first)));
        return true;
      }
    } else if (integer) {
      uint64_t n = 0;
      const auto r = std::from_chars(first, last, n);
      if (r.ec == std::errc() && r.ptr == last) {
        *out = n;
        copy(std::string_view(first, static_cast<size_t>(last - first)));
        return true;
      }
    }
    // As parse(): strtod with the locale's decimal point; a number beyond the range of a
    // double is an error. dump() has its own way of writing doubles.
    stop_copying();
    std::string number(first, last);
    const char point = *std::localeconv()->decimal_point;
    for (char& c : number) {
      if (c == '.') c = point;
    }
    const double d = std::strtod(number.c_str(), nullptr);
    if (!std::isfinite(d)) return false;
    *out = d;
    return true;
  }
};

}  // namespace

std::string canonical_json(const nlohmann::json& value) {
  std::string out;
  append_canonical(value, &out);
  return out;
}

// No character dump() escapes (the quote, the backslash, C0 controls), and valid UTF-8
// (dump() throws on anything else).
bool dumps_verbatim(const std::string& s) {
  bool ascii = true;
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || c == '"' || c == '\\') return false;
    ascii = ascii && b < 0x80;
  }
  return ascii || valid_utf8(s);
}

std::string pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

namespace {

// nlohmann's DOM builder, but a syntax error is recorded instead of thrown (parse()
// throws the same objects). Exceptions stay for what is exceptional: the WASM build
// catches them only at its entry points (runtime/wasm/wasm.cmake).
class DomBuilder : public nlohmann::detail::json_sax_dom_parser<nlohmann::json> {
 public:
  DomBuilder(nlohmann::json* root, JsonParseFailure* failure)
      : nlohmann::detail::json_sax_dom_parser<nlohmann::json>(*root, false), failure_(failure) {}

  template <class Exception>
  bool parse_error(std::size_t position, const std::string& last_token, const Exception& e) {
    failed_ = true;
    if (failure_ != nullptr && !failure_->syntax && !failure_->overflow) {
      if constexpr (std::is_same<Exception, nlohmann::json::parse_error>::value) failure_->syntax.emplace(e);
      if constexpr (std::is_same<Exception, nlohmann::json::out_of_range>::value) {
        failure_->overflow.emplace(e);
        // `position` is just past the number, `last_token` the number itself.
        failure_->overflow_at = position - std::min(position, last_token.size());
      }
    }
    return false;
  }

  bool failed() const { return failed_; }

 private:
  JsonParseFailure* failure_;
  bool failed_ = false;
};

}  // namespace

void JsonParseFailure::rethrow() const {
  if (overflow) throw *overflow;
  if (syntax) throw *syntax;
  throw std::logic_error("JsonParseFailure::rethrow without a failure");
}

bool parse_json_nlohmann(std::string_view text, nlohmann::json* out, JsonParseFailure* failure) {
  const char* const first = text.data();
  const char* const last = first + text.size();
  using Adapter = decltype(nlohmann::detail::input_adapter(first, last));
  nlohmann::json result;
  bool ok;
  {
    // What parse(first, last) does, with strict = true, no callback, no comments.
    DomBuilder builder(&result, failure);
    nlohmann::detail::parser<nlohmann::json, Adapter> parser(nlohmann::detail::input_adapter(first, last), nullptr, false, false);
    ok = parser.sax_parse(&builder, true) && !builder.failed();
  }
  if (ok) *out = std::move(result);
  return ok;
}

namespace {

// Which value counts is a guess (parse() keeps the last, a person reading the text may
// well see the first), so the text is refused, at the second use of the key.
Error duplicate_key_error(std::string_view text, const DuplicateKey& duplicate) {
  Error e{"json.duplicate_key", duplicate.pointer, 0, 0,
          "invalid JSON: the key '" + duplicate.key + "' is used twice in the same object"};
  line_and_column(text, duplicate.at, &e.line, &e.column);
  return e;
}

}  // namespace

bool parse_json_text(std::string_view text, nlohmann::json* out, Error* error, std::string* canonical) {
  if (canonical != nullptr) canonical->clear();
  {
    nlohmann::json document;  // *out stays as it is on failure
    std::string copy;
    FastReader reader(text, canonical != nullptr ? &copy : nullptr);
    if (reader.read_document(&document)) {
      *out = std::move(document);
      if (canonical != nullptr && reader.canonical()) *canonical = std::move(copy);
      return true;
    }
    if (const DuplicateKey* duplicate = reader.duplicate_key()) {
      *error = duplicate_key_error(text, *duplicate);
      return false;
    }
  }  // what the fast reader built is freed before the careful path (which may throw)
  // Not well-formed (or not a case the fast reader takes): the careful path, which
  // describes the problem.
  size_t where = 0;
  if (nesting_depth(text, kMaxJsonDepth, &where) > kMaxJsonDepth) {
    *error = Error{"json.too_deep", "", 0, 0,
                   "JSON is nested more than " + std::to_string(kMaxJsonDepth) + " levels deep"};
    line_and_column(text, where, &error->line, &error->column);
    return false;
  }
  // The fast reader takes every text parse() takes within the nesting limit, so parse()
  // is here only to describe the problem; a success would be a text neither checked for
  // repeated keys nor expected, and is kept only because it is what parse() returns.
  JsonParseFailure failure;
  if (parse_json_nlohmann(text, out, &failure)) return true;
  if (failure.overflow) {
    // Untrusted text may hold any number; a double cannot (nlohmann refuses infinity).
    *error = Error{"json.number_too_large", "", 0, 0, "invalid JSON: a number is too large (beyond the range of a double)"};
    line_and_column(text, failure.overflow_at, &error->line, &error->column);
    return false;
  }
  if (!failure.syntax) failure.rethrow();
  const nlohmann::json::parse_error& e = *failure.syntax;
  // e.byte is 1-based and points just past the offending character.
  *error = Error{"json.syntax", "", 0, 0, ""};
  line_and_column(text, e.byte > 0 ? e.byte - 1 : 0, &error->line, &error->column);
  std::string what = e.what();
  // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error while parsing value - invalid literal; last read: 'x'"
  const size_t colon = what.find(": ", what.find("parse error"));
  error->message = "invalid JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2));
  return false;
}

// A small scanner over valid JSON recording the line where each value starts, by its
// JSON Pointer. Runs only when there are errors to report, so it may record everything.
void fill_lines(std::string_view text, std::vector<Error>* errors) {
  struct Frame { bool object; int index; std::string key; };
  std::vector<Frame> stack;
  std::unordered_map<std::string, int> lines;
  int line = 1;
  bool expect_key = false;

  auto read_string = [&](size_t* i) {
    std::string s;
    for (++*i; *i < text.size() && text[*i] != '"'; ++*i) {
      if (text[*i] == '\\' && *i + 1 < text.size()) {
        const char c = text[++*i];
        s += c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == 'b' ? '\b' : c == 'f' ? '\f' : c;
      } else {
        s += text[*i];
      }
    }
    return s;
  };
  auto record_value = [&]() {
    std::string p;
    for (const Frame& f : stack) p += "/" + (f.object ? pointer_token(f.key) : std::to_string(f.index));
    lines.emplace(std::move(p), line);
  };

  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') { ++line; continue; }
    if (c == ' ' || c == '\t' || c == '\r' || c == ':') continue;
    if (c == ',') {
      if (!stack.empty()) {
        if (stack.back().object) expect_key = true;
        else ++stack.back().index;
      }
      continue;
    }
    if (c == '}' || c == ']') {
      if (!stack.empty()) stack.pop_back();
      expect_key = false;
      continue;
    }
    if (c == '"' && expect_key) {
      stack.back().key = read_string(&i);
      expect_key = false;
      continue;
    }
    record_value();
    if (c == '{' || c == '[') {
      stack.push_back(Frame{c == '{', 0, ""});
      expect_key = c == '{';
    } else if (c == '"') {
      read_string(&i);
    } else {
      while (i + 1 < text.size() && std::string_view(",]} \t\r\n").find(text[i + 1]) == std::string_view::npos) ++i;
    }
  }
  for (Error& e : *errors) {
    if (e.line != 0) continue;
    // A missing key has no line of its own: use the nearest enclosing value's.
    std::string p = e.pointer;
    while (true) {
      const auto it = lines.find(p);
      if (it != lines.end()) { e.line = it->second; break; }
      if (p.empty()) break;
      p.resize(p.rfind('/'));
    }
  }
}

}  // namespace blankett
