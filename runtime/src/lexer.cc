#include "lexer.h"

#include <cstdlib>

namespace blankett {
namespace {

bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

struct Lexer {
  std::string_view src;
  size_t pos = 0;
  int column = 1;

  void advance(size_t n) {
    for (size_t i = 0; i < n && pos < src.size(); ++i) {
      ++pos;
      // A column is a code point: skip UTF-8 continuation bytes without counting them.
      while (pos < src.size() && is_continuation(static_cast<unsigned char>(src[pos]))) ++pos;
      ++column;
    }
  }
  char peek(size_t k = 0) const { return pos + k < src.size() ? src[pos + k] : '\0'; }
};

Token error_token(int column, std::string message) {
  Token t;
  t.type = Tok::kError;
  t.column = column;
  t.text = std::move(message);
  return t;
}

}  // namespace

const char* token_description(Tok t) {
  switch (t) {
    case Tok::kNumber: return "a number";
    case Tok::kString: return "a string";
    case Tok::kIdent: return "a name";
    case Tok::kLParen: return "'('";
    case Tok::kRParen: return "')'";
    case Tok::kLBracket: return "'['";
    case Tok::kRBracket: return "']'";
    case Tok::kComma: return "','";
    case Tok::kPlus: return "'+'";
    case Tok::kMinus: return "'-'";
    case Tok::kStar: return "'*'";
    case Tok::kSlash: return "'/'";
    case Tok::kEq: return "'='";
    case Tok::kNe: return "'!='";
    case Tok::kLt: return "'<'";
    case Tok::kLe: return "'<='";
    case Tok::kGt: return "'>'";
    case Tok::kGe: return "'>='";
    case Tok::kAnd: return "'and'";
    case Tok::kOr: return "'or'";
    case Tok::kNot: return "'not'";
    case Tok::kIn: return "'in'";
    case Tok::kTrue: return "'true'";
    case Tok::kFalse: return "'false'";
    case Tok::kEnd: return "the end of the expression";
    case Tok::kError: return "an error";
  }
  return "?";
}

std::vector<Token> tokenize(std::string_view source) {
  std::vector<Token> out;
  Lexer lx{source};
  while (true) {
    while (lx.peek() == ' ' || lx.peek() == '\t' || lx.peek() == '\n' || lx.peek() == '\r') lx.advance(1);
    Token t;
    t.column = lx.column;
    if (lx.pos >= source.size()) {
      t.type = Tok::kEnd;
      out.push_back(t);
      return out;
    }
    const char c = lx.peek();
    if (is_digit(c) || (c == '.' && is_digit(lx.peek(1)))) {
      const size_t start = lx.pos;
      while (is_digit(lx.peek())) lx.advance(1);
      if (lx.peek() == '.' && is_digit(lx.peek(1))) {
        lx.advance(1);
        while (is_digit(lx.peek())) lx.advance(1);
      }
      if (is_ident_char(lx.peek()) || lx.peek() == '.') {
        out.push_back(error_token(lx.column, "unexpected character after a number"));
        return out;
      }
      t.type = Tok::kNumber;
      t.text = std::string(source.substr(start, lx.pos - start));
      t.number = std::strtod(t.text.c_str(), nullptr);
      out.push_back(std::move(t));
      continue;
    }
    if (c == '"' || c == '\'') {
      const char quote = c;
      lx.advance(1);
      std::string s;
      bool closed = false;
      while (lx.pos < source.size()) {
        const char d = lx.peek();
        if (d == quote) { lx.advance(1); closed = true; break; }
        if (d == '\\' && (lx.peek(1) == quote || lx.peek(1) == '\\')) {
          s += lx.peek(1);
          lx.advance(2);
          continue;
        }
        // Copy one whole code point.
        const size_t start = lx.pos;
        lx.advance(1);
        s.append(source.substr(start, lx.pos - start));
      }
      if (!closed) {
        out.push_back(error_token(t.column, "string is not closed: add the closing quote"));
        return out;
      }
      t.type = Tok::kString;
      t.text = std::move(s);
      out.push_back(std::move(t));
      continue;
    }
    if (is_ident_start(c)) {
      const size_t start = lx.pos;
      while (is_ident_char(lx.peek())) lx.advance(1);
      t.text = std::string(source.substr(start, lx.pos - start));
      if (t.text == "and") t.type = Tok::kAnd;
      else if (t.text == "or") t.type = Tok::kOr;
      else if (t.text == "not") t.type = Tok::kNot;
      else if (t.text == "in") t.type = Tok::kIn;
      else if (t.text == "true") t.type = Tok::kTrue;
      else if (t.text == "false") t.type = Tok::kFalse;
      else t.type = Tok::kIdent;
      out.push_back(std::move(t));
      continue;
    }
    struct Punct { const char* text; Tok tok; };
    static const Punct kPuncts[] = {
        {"==", Tok::kEq}, {"!=", Tok::kNe}, {"<>", Tok::kNe}, {"<=", Tok::kLe},
        {">=", Tok::kGe}, {"&&", Tok::kAnd}, {"||", Tok::kOr}, {"=", Tok::kEq},
        {"<", Tok::kLt},  {">", Tok::kGt},   {"(", Tok::kLParen}, {")", Tok::kRParen},
        {"[", Tok::kLBracket}, {"]", Tok::kRBracket}, {",", Tok::kComma},
        {"+", Tok::kPlus}, {"-", Tok::kMinus}, {"*", Tok::kStar}, {"/", Tok::kSlash},
        {"!", Tok::kNot},
    };
    bool matched = false;
    for (const Punct& p : kPuncts) {
      const std::string_view pt(p.text);
      if (source.substr(lx.pos, pt.size()) == pt) {
        t.type = p.tok;
        t.text = p.text;
        lx.advance(pt.size());
        out.push_back(std::move(t));
        matched = true;
        break;
      }
    }
    if (matched) continue;
    // Show the offending character whole, even when it is not ASCII.
    size_t end = lx.pos + 1;
    while (end < source.size() && is_continuation(static_cast<unsigned char>(source[end]))) ++end;
    out.push_back(error_token(lx.column, "unexpected character '" +
                                             std::string(source.substr(lx.pos, end - lx.pos)) + "'"));
    return out;
  }
}

}  // namespace blankett
