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

struct Punct {
  Tok tok;
  size_t length;  // 0: not punctuation
};

// The operator or delimiter starting with `c` (then `next`): two-character ones first,
// so "<=" is not read as "<" followed by "=". A switch, not a table of strings: every
// expression of a form is tokenized while it loads.
Punct punctuation(char c, char next) {
  switch (c) {
    case '=': return next == '=' ? Punct{Tok::kEq, 2} : Punct{Tok::kEq, 1};
    case '!': return next == '=' ? Punct{Tok::kNe, 2} : Punct{Tok::kNot, 1};
    case '<':
      if (next == '>') return {Tok::kNe, 2};
      return next == '=' ? Punct{Tok::kLe, 2} : Punct{Tok::kLt, 1};
    case '>': return next == '=' ? Punct{Tok::kGe, 2} : Punct{Tok::kGt, 1};
    case '&': return next == '&' ? Punct{Tok::kAnd, 2} : Punct{Tok::kEnd, 0};
    case '|': return next == '|' ? Punct{Tok::kOr, 2} : Punct{Tok::kEnd, 0};
    case '(': return {Tok::kLParen, 1};
    case ')': return {Tok::kRParen, 1};
    case '[': return {Tok::kLBracket, 1};
    case ']': return {Tok::kRBracket, 1};
    case ',': return {Tok::kComma, 1};
    case '+': return {Tok::kPlus, 1};
    case '-': return {Tok::kMinus, 1};
    case '*': return {Tok::kStar, 1};
    case '/': return {Tok::kSlash, 1};
    default: return {Tok::kEnd, 0};
  }
}

// The keyword `word` is, or kIdent.
Tok keyword(std::string_view word) {
  if (word.size() > 5) return Tok::kIdent;  // the longest is "false"
  if (word == "and") return Tok::kAnd;
  if (word == "or") return Tok::kOr;
  if (word == "not") return Tok::kNot;
  if (word == "in") return Tok::kIn;
  if (word == "true") return Tok::kTrue;
  if (word == "false") return Tok::kFalse;
  return Tok::kIdent;
}

// The value of a number token (digits, maybe a fraction). Whole numbers of up to 15
// digits are exact doubles, so adding up their digits gives what strtod would; the rest
// goes to strtod.
double number_value(const std::string& digits) {
  if (digits.size() > 15 || digits.find('.') != std::string::npos) return std::strtod(digits.c_str(), nullptr);
  double v = 0;
  for (const char c : digits) v = v * 10 + (c - '0');
  return v;
}

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
  out.reserve(source.size() / 2 + 2);  // tokens are rarely shorter than 2 characters with spaces
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
      t.number = number_value(t.text);
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
      const std::string_view word = source.substr(start, lx.pos - start);
      t.text = std::string(word);
      t.type = keyword(word);
      out.push_back(std::move(t));
      continue;
    }
    const Punct p = punctuation(c, lx.peek(1));
    if (p.length > 0) {
      t.type = p.tok;
      t.text = std::string(source.substr(lx.pos, p.length));
      lx.advance(p.length);
      out.push_back(std::move(t));
      continue;
    }
    // Show the offending character whole, even when it is not ASCII.
    size_t end = lx.pos + 1;
    while (end < source.size() && is_continuation(static_cast<unsigned char>(source[end]))) ++end;
    out.push_back(error_token(lx.column, "unexpected character '" +
                                             std::string(source.substr(lx.pos, end - lx.pos)) + "'"));
    return out;
  }
}

}  // namespace blankett
