#include "json_text.h"

#include <unordered_map>

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

}  // namespace

std::string pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

bool parse_json_text(std::string_view text, nlohmann::json* out, Error* error) {
  size_t where = 0;
  if (nesting_depth(text, kMaxJsonDepth, &where) > kMaxJsonDepth) {
    *error = Error{"json.too_deep", "", 0, 0,
                   "JSON is nested more than " + std::to_string(kMaxJsonDepth) + " levels deep"};
    line_and_column(text, where, &error->line, &error->column);
    return false;
  }
  try {
    *out = nlohmann::json::parse(text.begin(), text.end());
    return true;
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based and points just past the offending character.
    *error = Error{"json.syntax", "", 0, 0, ""};
    line_and_column(text, e.byte > 0 ? e.byte - 1 : 0, &error->line, &error->column);
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error while parsing value - invalid literal; last read: 'x'"
    const size_t colon = what.find(": ", what.find("parse error"));
    error->message = "invalid JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2));
    return false;
  }
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
