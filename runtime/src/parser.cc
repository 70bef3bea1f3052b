#include "parser.h"

#include "lexer.h"

namespace blankett {
namespace {

constexpr int kMaxDepth = 64;

struct Parser {
  std::vector<Token> tokens;
  size_t pos = 0;
  std::vector<Node>* arena;
  ParseError* error;
  int depth = 0;

  const Token& peek() const { return tokens[pos]; }
  bool failed() const { return !error->message.empty(); }

  int fail(int column, std::string message) {
    if (!failed()) {
      error->column = column;
      error->message = std::move(message);
    }
    return -1;
  }
  int unexpected(const char* wanted) {
    const Token& t = peek();
    if (t.type == Tok::kError) return fail(t.column, t.text);  // the lexer knows better
    std::string got = t.type == Tok::kIdent || t.type == Tok::kNumber ? "'" + t.text + "'"
                                                                      : token_description(t.type);
    return fail(t.column, std::string("expected ") + wanted + " but found " + got);
  }

  int add(Node n) {
    arena->push_back(std::move(n));
    return static_cast<int>(arena->size()) - 1;
  }
  int binary(Op op, int column, int a, int b) {
    Node n;
    n.op = op;
    n.column = column;
    n.a = a;
    n.b = b;
    return add(std::move(n));
  }

  int parse_or() {
    if (++depth > kMaxDepth) return fail(peek().column, "expression is nested too deeply");
    int left = parse_and();
    while (!failed() && peek().type == Tok::kOr) {
      const int col = peek().column;
      ++pos;
      const int right = parse_and();
      if (failed()) break;
      left = binary(Op::kOr, col, left, right);
    }
    --depth;
    return failed() ? -1 : left;
  }
  int parse_and() {
    int left = parse_not();
    while (!failed() && peek().type == Tok::kAnd) {
      const int col = peek().column;
      ++pos;
      const int right = parse_not();
      if (failed()) return -1;
      left = binary(Op::kAnd, col, left, right);
    }
    return failed() ? -1 : left;
  }
  int parse_not() {
    if (peek().type == Tok::kNot) {
      const int col = peek().column;
      ++pos;
      if (++depth > kMaxDepth) return fail(col, "expression is nested too deeply");
      const int operand = parse_not();
      --depth;
      if (failed()) return -1;
      return binary(Op::kNot, col, operand, -1);
    }
    return parse_compare();
  }
  int parse_compare() {
    const int left = parse_sum();
    if (failed()) return -1;
    Op op;
    switch (peek().type) {
      case Tok::kEq: op = Op::kEq; break;
      case Tok::kNe: op = Op::kNe; break;
      case Tok::kLt: op = Op::kLt; break;
      case Tok::kLe: op = Op::kLe; break;
      case Tok::kGt: op = Op::kGt; break;
      case Tok::kGe: op = Op::kGe; break;
      case Tok::kIn: op = Op::kIn; break;
      default: return left;
    }
    const int col = peek().column;
    ++pos;
    const int right = parse_sum();
    if (failed()) return -1;
    switch (peek().type) {
      case Tok::kEq: case Tok::kNe: case Tok::kLt: case Tok::kLe: case Tok::kGt:
      case Tok::kGe: case Tok::kIn:
        return fail(peek().column, "comparisons cannot be chained: use 'and' between them");
      default: break;
    }
    return binary(op, col, left, right);
  }
  int parse_sum() {
    int left = parse_product();
    while (!failed() && (peek().type == Tok::kPlus || peek().type == Tok::kMinus)) {
      const Op op = peek().type == Tok::kPlus ? Op::kAdd : Op::kSub;
      const int col = peek().column;
      ++pos;
      const int right = parse_product();
      if (failed()) return -1;
      left = binary(op, col, left, right);
    }
    return failed() ? -1 : left;
  }
  int parse_product() {
    int left = parse_unary();
    while (!failed() && (peek().type == Tok::kStar || peek().type == Tok::kSlash)) {
      const Op op = peek().type == Tok::kStar ? Op::kMul : Op::kDiv;
      const int col = peek().column;
      ++pos;
      const int right = parse_unary();
      if (failed()) return -1;
      left = binary(op, col, left, right);
    }
    return failed() ? -1 : left;
  }
  int parse_unary() {
    if (peek().type == Tok::kMinus) {
      const int col = peek().column;
      ++pos;
      if (++depth > kMaxDepth) return fail(col, "expression is nested too deeply");
      const int operand = parse_unary();
      --depth;
      if (failed()) return -1;
      return binary(Op::kNeg, col, operand, -1);
    }
    return parse_primary();
  }
  int parse_list() {
    Node list;
    list.op = Op::kList;
    list.column = peek().column;
    ++pos;  // '['
    bool numbers = false, texts = false;
    while (true) {
      const Token& t = peek();
      if (t.type == Tok::kString) {
        texts = true;
        list.values.push_back(t.text);
      } else if (t.type == Tok::kNumber || (t.type == Tok::kMinus && tokens[pos + 1].type == Tok::kNumber)) {
        numbers = true;
        const bool negative = t.type == Tok::kMinus;
        if (negative) ++pos;
        list.numbers.push_back(negative ? -peek().number : peek().number);
      } else {
        return unexpected("a string or a number in the list");
      }
      ++pos;
      if (numbers && texts) return fail(t.column, "a list holds either strings or numbers, not both");
      if (peek().type == Tok::kComma) { ++pos; continue; }
      if (peek().type == Tok::kRBracket) { ++pos; break; }
      return unexpected("',' or ']'");
    }
    list.type = numbers ? Type::kNumber : Type::kText;  // element type; checker sets kList
    return add(std::move(list));
  }
  int parse_primary() {
    const Token& t = peek();  // tokens do not move while parsing
    Node n;
    n.column = t.column;
    switch (t.type) {
      case Tok::kNumber:
        ++pos;
        n.op = Op::kNumber;
        n.number = t.number;
        return add(std::move(n));
      case Tok::kString:
        ++pos;
        n.op = Op::kText;
        n.type = Type::kText;
        n.text = t.text;
        return add(std::move(n));
      case Tok::kTrue:
      case Tok::kFalse:
        ++pos;
        n.op = Op::kBool;
        n.type = Type::kBool;
        n.number = t.type == Tok::kTrue;
        return add(std::move(n));
      case Tok::kLBracket:
        return parse_list();
      case Tok::kLParen: {
        ++pos;
        const int inner = parse_or();
        if (failed()) return -1;
        if (peek().type != Tok::kRParen) return unexpected("')'");
        ++pos;
        return inner;
      }
      case Tok::kIdent: {
        ++pos;
        n.text = t.text;
        if (peek().type != Tok::kLParen) {
          n.op = Op::kIdent;
          return add(std::move(n));
        }
        ++pos;  // '('
        n.op = Op::kCall;
        if (peek().type != Tok::kRParen) {
          while (true) {
            const int arg = parse_or();
            if (failed()) return -1;
            n.args.push_back(arg);
            if (peek().type == Tok::kComma) { ++pos; continue; }
            if (peek().type == Tok::kRParen) break;
            return unexpected("',' or ')'");
          }
        }
        ++pos;  // ')'
        return add(std::move(n));
      }
      case Tok::kError:
        return fail(t.column, t.text);
      default:
        return unexpected("a value, a name or '('");
    }
  }
};

}  // namespace

int parse_expression(std::string_view source, std::vector<Node>* arena, ParseError* error) {
  *error = ParseError{};
  Parser p;
  p.tokens = tokenize(source);
  p.arena = arena;
  p.error = error;
  if (p.tokens.size() == 1 && p.tokens[0].type == Tok::kEnd) {
    p.fail(1, "the expression is empty");
    return -1;
  }
  const int root = p.parse_or();
  if (p.failed()) return -1;
  if (p.peek().type != Tok::kEnd) {
    p.unexpected("an operator or the end of the expression");
    return -1;
  }
  return root;
}

}  // namespace blankett
