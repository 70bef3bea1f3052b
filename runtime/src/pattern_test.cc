// Tests for regex.h: the patterns forms actually use (postal codes, names with åäö),
// every operator and quantifier form, anchors in full-match and search mode, the size
// limits, linear-time behaviour on patterns that make backtracking engines explode, and
// each compile error with its column.
#include "pattern.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace blankett {
namespace {

Regex must(std::string_view pattern) {
  RegexError error;
  auto re = Regex::compile(pattern, &error);
  EXPECT_TRUE(re.has_value()) << pattern << ": " << error.message << " at " << error.column;
  return re ? *re : Regex();
}

bool full(std::string_view pattern, std::string_view text) {
  return must(pattern).full_match(text);
}
bool found(std::string_view pattern, std::string_view text) { return must(pattern).search(text); }

RegexError error_of(std::string_view pattern) {
  RegexError error;
  EXPECT_FALSE(Regex::compile(pattern, &error).has_value()) << pattern;
  return error;
}

TEST(Regex, SwedishPostalCode) {
  const Regex re = must("^[1-9]\\d{2} ?\\d{2}$");
  EXPECT_TRUE(re.full_match("12345"));
  EXPECT_TRUE(re.full_match("123 45"));
  EXPECT_TRUE(re.full_match("981 99"));
  EXPECT_FALSE(re.full_match("023 45"));
  EXPECT_FALSE(re.full_match("123  45"));
  EXPECT_FALSE(re.full_match("1234"));
  EXPECT_FALSE(re.full_match("123456"));
  EXPECT_FALSE(re.full_match("12a45"));
  EXPECT_FALSE(re.full_match(""));
}

TEST(Regex, NamesWithSwedishLetters) {
  const Regex re = must("[A-ZÅÄÖ][a-zåäöé]+(?:[ -][A-ZÅÄÖ][a-zåäöé]+)*");
  EXPECT_TRUE(re.full_match("Åsa"));
  EXPECT_TRUE(re.full_match("Örjan Älmhult"));
  EXPECT_TRUE(re.full_match("Anna-Lena Bengtsén"));
  EXPECT_FALSE(re.full_match("åsa"));
  EXPECT_FALSE(re.full_match("Anna  Lena"));
  EXPECT_FALSE(re.full_match("Anna3"));
  // A non-ASCII letter is one code point: '.' consumes all of its bytes.
  EXPECT_TRUE(full("..", "åä"));
  EXPECT_FALSE(full("...", "åä"));
  EXPECT_TRUE(full("ö{3}", "ööö"));
  EXPECT_TRUE(full("[^a-z]", "€"));
  EXPECT_TRUE(full("[😀-😂]x", "😁x"));
}

TEST(Regex, LiteralsAndDot) {
  EXPECT_TRUE(full("abc", "abc"));
  EXPECT_FALSE(full("abc", "abcd"));
  EXPECT_FALSE(full("abc", "ab"));
  EXPECT_TRUE(full("a.c", "a-c"));
  EXPECT_FALSE(full("a.c", "a\nc"));  // '.' excludes line feed only
  EXPECT_TRUE(full("a.c", "a\rc"));
  EXPECT_TRUE(full("", ""));
  EXPECT_FALSE(full("", "x"));
  EXPECT_TRUE(full("a/b-c", "a/b-c"));  // '/' and '-' are ordinary outside classes
}

TEST(Regex, Alternation) {
  EXPECT_TRUE(full("cat|dog|bird", "dog"));
  EXPECT_TRUE(full("cat|dog|bird", "bird"));
  EXPECT_FALSE(full("cat|dog|bird", "catdog"));
  EXPECT_TRUE(full("ja|nej|", ""));  // an empty alternative
  EXPECT_TRUE(full("a(b|c|)d", "ad"));
  EXPECT_TRUE(full("a(b|c|)d", "acd"));
  EXPECT_FALSE(full("a(b|c|)d", "abcd"));
  // Alternation binds looser than concatenation.
  EXPECT_TRUE(full("ab|cd", "ab"));
  EXPECT_FALSE(full("ab|cd", "abd"));
}

TEST(Regex, NestedGroups) {
  EXPECT_TRUE(full("((a|b)(c|d))+", "acbdad"));
  EXPECT_FALSE(full("((a|b)(c|d))+", "acb"));
  EXPECT_TRUE(full("(?:x(?:y(?:z)?)?)*", "xyzxxy"));
  EXPECT_FALSE(full("(?:x(?:y(?:z)?)?)*", "xyzy"));
  EXPECT_TRUE(full("()", ""));
  EXPECT_TRUE(full("(((((a)))))", "a"));
}

TEST(Regex, Quantifiers) {
  EXPECT_TRUE(full("ab*c", "ac"));
  EXPECT_TRUE(full("ab*c", "abbbc"));
  EXPECT_FALSE(full("ab+c", "ac"));
  EXPECT_TRUE(full("ab+c", "abbc"));
  EXPECT_TRUE(full("ab?c", "ac"));
  EXPECT_TRUE(full("ab?c", "abc"));
  EXPECT_FALSE(full("ab?c", "abbc"));
  // Lazy forms accept the same texts.
  EXPECT_TRUE(full("ab*?c", "abbc"));
  EXPECT_TRUE(full("ab+?c", "abbc"));
  EXPECT_TRUE(full("ab??c", "ac"));
  EXPECT_TRUE(full("a{2,3}?", "aaa"));
  EXPECT_FALSE(full("a{2,3}?", "aaaa"));
  // A quantified group whose body can be empty must not loop forever.
  EXPECT_TRUE(full("(a*)*", "aaa"));
  EXPECT_TRUE(full("(a?)+b", "b"));
  EXPECT_TRUE(full("(|a)*b", "aab"));
}

TEST(Regex, CountedRepetition) {
  EXPECT_FALSE(full("a{2,3}", "a"));
  EXPECT_TRUE(full("a{2,3}", "aa"));
  EXPECT_TRUE(full("a{2,3}", "aaa"));
  EXPECT_FALSE(full("a{2,3}", "aaaa"));
  EXPECT_TRUE(full("a{3}", "aaa"));
  EXPECT_FALSE(full("a{3}", "aa"));
  EXPECT_FALSE(full("a{3}", "aaaa"));
  EXPECT_FALSE(full("a{2,}", "a"));
  EXPECT_TRUE(full("a{2,}", "aaaaaaa"));
  EXPECT_TRUE(full("a{0,}", ""));
  EXPECT_TRUE(full("xa{0}y", "xy"));
  EXPECT_FALSE(full("xa{0}y", "xay"));
  EXPECT_TRUE(full("(ab){2}", "abab"));
  EXPECT_FALSE(full("(ab){2}", "aba"));
  EXPECT_TRUE(full("(?:\\d{3}-){2}\\d{4}", "123-456-7890"));
  EXPECT_TRUE(full("a{1000}", std::string(1000, 'a')));
  EXPECT_FALSE(full("a{1000}", std::string(999, 'a')));
  EXPECT_TRUE(full("x{0,1000}", std::string(1000, 'x')));
  EXPECT_FALSE(full("x{0,1000}", std::string(1001, 'x')));
}

TEST(Regex, CharacterClasses) {
  EXPECT_TRUE(full("[abc]+", "cab"));
  EXPECT_FALSE(full("[abc]", "d"));
  EXPECT_TRUE(full("[^0-9]+", "abc"));
  EXPECT_FALSE(full("[^0-9]+", "ab1"));
  EXPECT_TRUE(full("[a-zåäö]+", "smörgås"));
  EXPECT_FALSE(full("[a-zåäö]+", "Smörgås"));
  EXPECT_TRUE(full("[-a]+", "-a-"));  // '-' first or last is literal
  EXPECT_TRUE(full("[a-]+", "-a-"));
  EXPECT_TRUE(full("[a\\-z]+", "-az"));
  EXPECT_FALSE(full("[a\\-z]", "b"));
  EXPECT_TRUE(full("[\\]\\[]+", "][]"));
  EXPECT_TRUE(full("[.*+?]+", ".*+?"));  // metacharacters are literal inside a class
  EXPECT_TRUE(full("[\\d_]+", "1_2"));
  EXPECT_TRUE(full("[^\\d]", "x"));
  EXPECT_FALSE(full("[^\\d]", "5"));
  EXPECT_TRUE(full("[\\D]", "x"));
  EXPECT_TRUE(full("[\\s\\d]+", "1 2\t3"));
  EXPECT_TRUE(full("[^^]", "a"));
  EXPECT_FALSE(full("[^^]", "^"));
  EXPECT_FALSE(full("[]", "a"));  // the empty class matches nothing, as in ECMAScript
  EXPECT_TRUE(full("[^]", "\n"));
  EXPECT_TRUE(full("[a-cx-z]+", "abxz"));
  EXPECT_FALSE(full("[a-cx-z]", "m"));
}

TEST(Regex, Escapes) {
  EXPECT_TRUE(full("\\d+", "0123456789"));
  EXPECT_FALSE(full("\\d", "a"));
  EXPECT_FALSE(full("\\d", "٣"));  // Arabic-Indic digit: \d is ASCII only, as in ECMAScript
  EXPECT_TRUE(full("\\D", "a"));
  EXPECT_TRUE(full("\\w+", "Abc_123"));
  EXPECT_FALSE(full("\\w", "å"));
  EXPECT_TRUE(full("\\W", "å"));
  EXPECT_TRUE(full("a\\sb", "a b"));
  EXPECT_TRUE(full("a\\sb", "a\xC2\xA0" "b"));  // NBSP
  EXPECT_TRUE(full("a\\sb", "a\nb"));
  EXPECT_FALSE(full("a\\Sb", "a b"));
  EXPECT_TRUE(full("\\.\\\\\\-\\(\\)\\[\\]\\{\\}\\*\\+\\?\\|\\^\\$\\/", ".\\-()[]{}*+?|^$/"));
  EXPECT_FALSE(full("a\\.b", "axb"));
  EXPECT_TRUE(full("a\\tb\\n", "a\tb\n"));
}

TEST(Regex, Anchors) {
  EXPECT_TRUE(full("^abc$", "abc"));
  EXPECT_TRUE(found("^abc", "abcdef"));
  EXPECT_FALSE(found("^abc", "xabc"));
  EXPECT_TRUE(found("def$", "abcdef"));
  EXPECT_FALSE(found("def$", "defx"));
  EXPECT_TRUE(found("^$", ""));
  EXPECT_FALSE(found("^$", "x"));
  EXPECT_FALSE(found("a^b", "ab"));  // '^' in the middle can never hold
  EXPECT_TRUE(found("^a|b$", "xxb"));
  EXPECT_TRUE(found("^a|b$", "axx"));
  EXPECT_FALSE(found("^a|b$", "xax"));
  EXPECT_TRUE(full("(^a|b)c", "ac"));
}

TEST(Regex, Search) {
  EXPECT_TRUE(found("b+", "aaabbbccc"));
  EXPECT_FALSE(found("d", "aaabbbccc"));
  EXPECT_TRUE(found("", "anything"));
  EXPECT_TRUE(found("\\d{6}-\\d{4}", "mitt nummer: 811218-9876."));
  EXPECT_FALSE(found("\\d{6}-\\d{4}", "mitt nummer: 811218-987."));
  EXPECT_TRUE(found("gås", "räksmörgås"));
  EXPECT_TRUE(found("a.c", "xxa\ncabcx"));
}

TEST(Regex, InvalidUtf8TextIsMatchedByteAsReplacement) {
  EXPECT_TRUE(full("a.b", "a\xFF" "b"));
  EXPECT_FALSE(full("a\\wb", "a\xFF" "b"));
}

TEST(Regex, CopiesAreIndependent) {
  Regex a = must("[0-9]+");
  Regex b = a;
  a = must("x");
  EXPECT_TRUE(b.full_match("123"));
  EXPECT_FALSE(b.full_match("x"));
  EXPECT_TRUE(a.full_match("x"));
  const Regex empty;
  EXPECT_TRUE(empty.full_match(""));
  EXPECT_FALSE(empty.full_match("a"));
}

TEST(Regex, PathologicalPatternsRunInLinearTime) {
  const std::string as(30000, 'a');
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(full("(a*)*b", as));
  EXPECT_FALSE(found("(a*)*b", as));
  EXPECT_TRUE(full("(a*)*b", as + "b"));
  EXPECT_FALSE(full("(a|a)*b", as));
  EXPECT_FALSE(full("(a|aa)+$x", as));
  EXPECT_FALSE(found("(x+x+)+y", std::string(30000, 'x')));
  EXPECT_FALSE(full("(?:a?){30}a{30}", std::string(29, 'a')));
  EXPECT_TRUE(full("(?:a?){30}a{30}", std::string(30, 'a')));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  // A backtracking engine needs astronomically long here; ours a few milliseconds.
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 2000);
}

TEST(Regex, SizeLimits) {
  EXPECT_TRUE(Regex::compile(std::string(1000, 'a'), nullptr).has_value());
  RegexError error = error_of(std::string(1001, 'a'));
  EXPECT_EQ(error.column, 1001);
  EXPECT_EQ(error.message, "the pattern is too long (at most 1000 bytes)");
  // 1000 bytes of 'å' are 500 code points: the limit is in bytes, the column in code points.
  std::string letters;
  for (int i = 0; i < 500; ++i) letters += "\xC3\xA5";
  EXPECT_TRUE(Regex::compile(letters, nullptr).has_value());
  error = error_of(letters + "a");
  EXPECT_EQ(error.column, 501);

  EXPECT_TRUE(Regex::compile("a{1000}", nullptr).has_value());
  error = error_of("a{1001}");
  EXPECT_EQ(error.column, 2);
  EXPECT_EQ(error.message, "repetition count too large in '{1001}' (at most 1000)");
  error = error_of("a{2,1001}");
  EXPECT_EQ(error.column, 2);
  error = error_of("a{99999999999999999999}");
  EXPECT_EQ(error.column, 2);

  // (a{100}){30} expands to 3,000 steps: allowed; (a{100}){100} would be 10,000.
  const auto big = Regex::compile("(?:a{100}){30}", nullptr);
  ASSERT_TRUE(big.has_value());
  EXPECT_LE(big->instruction_count(), Regex::kMaxInstructions);
  EXPECT_TRUE(big->full_match(std::string(3000, 'a')));
  EXPECT_FALSE(big->full_match(std::string(2999, 'a')));
  error = error_of("(?:a{100}){100}");
  EXPECT_EQ(error.column, 11);
  EXPECT_EQ(error.message,
            "the pattern is too large once its repetitions are expanded (more than 4000 steps)");
  error = error_of("x(?:[a-z]{1000}){20}");
  EXPECT_EQ(error.column, 17);
}

TEST(Regex, ErrorsWithColumns) {
  struct Case {
    const char* pattern;
    int column;
    const char* message;
  };
  const Case cases[] = {
      {"ab(cd", 3, "missing ')' to close '(' at column 3"},
      {"(a(b)", 1, "missing ')' to close '(' at column 1"},
      {"a(b(c)", 2, "missing ')' to close '(' at column 2"},
      {"ab)", 3, "unmatched ')'"},
      {"*a", 1, "nothing to repeat"},
      {"a|+", 3, "nothing to repeat"},
      {"(*)", 2, "nothing to repeat"},
      {"a**", 3, "nothing to repeat"},
      {"a*??", 4, "nothing to repeat"},
      {"^*", 2, "nothing to repeat"},
      {"a$+", 3, "nothing to repeat"},
      {"{2}", 1, "nothing to repeat"},
      {"x[z-a]", 3, "range out of order 'z-a'"},
      {"[ö-å]", 2, "range out of order 'ö-å'"},
      {"[\\d-z]", 2, "invalid range '\\d-z': a range needs a single character at each end"},
      {"ab\\q", 3, "unknown escape '\\q'"},
      {"åäö\\é", 4, "unknown escape '\\é'"},
      {"[\\q]", 2, "unknown escape '\\q'"},
      {"(a)\\1", 4, "backreferences such as '\\1' are not supported"},
      {"\\bword", 1, "word boundaries such as '\\b' are not supported"},
      {"abc\\", 4, "the pattern ends with a lone '\\'"},
      {"a[bc", 2, "missing ']' to close '[' at column 2"},
      {"[", 1, "missing ']' to close '[' at column 1"},
      {"a]", 2, "unmatched ']'; write '\\]' for a literal bracket"},
      {"a}", 2, "unmatched '}'; write '\\}' for a literal brace"},
      {"a{", 2,
       "'{' does not start a repetition such as {2} or {2,5}; write '\\{' for a literal brace"},
      {"a{,3}", 2,
       "'{' does not start a repetition such as {2} or {2,5}; write '\\{' for a literal brace"},
      {"a{2,x}", 2,
       "'{' does not start a repetition such as {2} or {2,5}; write '\\{' for a literal brace"},
      {"a{5,2}", 2, "numbers out of order in '{5,2}'"},
      {"(?=a)", 1, "only '(?:' groups are supported; lookaround and named groups are not"},
      {"x\xFF", 2, "the pattern is not valid UTF-8"},
  };
  for (const Case& c : cases) {
    const RegexError error = error_of(c.pattern);
    EXPECT_EQ(error.column, c.column) << c.pattern;
    EXPECT_EQ(error.message, c.message) << c.pattern;
  }
}

}  // namespace
}  // namespace blankett
