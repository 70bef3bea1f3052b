// Tokenizer of the expression language. Columns count code points from 1, so an error
// points at the right character in "ålder > 3" too.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace blankett {

enum class Tok {
  kNumber, kString, kIdent, kLParen, kRParen, kLBracket, kRBracket, kComma,
  kPlus, kMinus, kStar, kSlash, kEq, kNe, kLt, kLe, kGt, kGe,
  kAnd, kOr, kNot, kIn, kTrue, kFalse, kEnd, kError,
};

struct Token {
  Tok type = Tok::kEnd;
  std::string text;  // identifier, string contents (unescaped), number digits, or error message
  double number = 0;
  int column = 1;
};

// Returns every token up to and including kEnd, or up to the first kError token.
std::vector<Token> tokenize(std::string_view source);

const char* token_description(Tok t);

}  // namespace blankett
