// Tests for utf8.h: strict validation against the classic malformed sequences, decoding and
// encoding at every length boundary, the Latin case mapping and text-answer normalisation.
#include "blankett/utf8.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace blankett {
namespace {

std::string enc(char32_t cp) {
  std::string s;
  append_utf8(&s, cp);
  return s;
}

TEST(Utf8, ValidAcceptsWellFormed) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("plain ascii"));
  EXPECT_TRUE(valid_utf8("r\xC3\xA4ksm\xC3\xB6rg\xC3\xA5s"));  // räksmörgås
  EXPECT_TRUE(valid_utf8("\xE2\x82\xAC"));                   // €
  EXPECT_TRUE(valid_utf8("\xF0\x9F\x98\x80"));               // U+1F600
  EXPECT_TRUE(valid_utf8("\xED\x9F\xBF"));                   // U+D7FF, just below surrogates
  EXPECT_TRUE(valid_utf8("\xEE\x80\x80"));                   // U+E000, just above
  EXPECT_TRUE(valid_utf8("\xF4\x8F\xBF\xBF"));               // U+10FFFF
  EXPECT_TRUE(valid_utf8(std::string("a\0b", 3)));
}

TEST(Utf8, ValidRejectsMalformed) {
  EXPECT_FALSE(valid_utf8("\x80"));              // stray continuation
  EXPECT_FALSE(valid_utf8("\xC3"));              // truncated
  EXPECT_FALSE(valid_utf8("\xC3\x28"));          // bad continuation
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xC1\xBF"));          // overlong
  EXPECT_FALSE(valid_utf8("\xE0\x80\xAF"));      // overlong 3-byte
  EXPECT_FALSE(valid_utf8("\xE0\x9F\xBF"));      // overlong U+07FF
  EXPECT_FALSE(valid_utf8("\xF0\x8F\xBF\xBF"));  // overlong U+FFFF
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // U+D800 surrogate
  EXPECT_FALSE(valid_utf8("\xED\xBF\xBF"));      // U+DFFF surrogate
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(valid_utf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(valid_utf8("\xFF"));
  EXPECT_FALSE(valid_utf8("ok\xE2\x82"));  // truncated at the end
}

TEST(Utf8, NextCodePointDecodesAndAdvances) {
  const std::string s = "a\xC3\xA5\xE2\x82\xAC\xF0\x9F\x98\x80";
  size_t pos = 0;
  char32_t cp = 0;
  ASSERT_TRUE(next_code_point(s, &pos, &cp));
  EXPECT_EQ(cp, U'a');
  EXPECT_EQ(pos, 1u);
  ASSERT_TRUE(next_code_point(s, &pos, &cp));
  EXPECT_EQ(cp, 0xE5u);
  EXPECT_EQ(pos, 3u);
  ASSERT_TRUE(next_code_point(s, &pos, &cp));
  EXPECT_EQ(cp, 0x20ACu);
  EXPECT_EQ(pos, 6u);
  ASSERT_TRUE(next_code_point(s, &pos, &cp));
  EXPECT_EQ(cp, 0x1F600u);
  EXPECT_EQ(pos, 10u);
  EXPECT_FALSE(next_code_point(s, &pos, &cp));
  EXPECT_EQ(pos, 10u);
}

TEST(Utf8, NextCodePointStopsOnInvalidWithoutMoving) {
  const std::string s = "x\xED\xA0\x80";
  size_t pos = 1;
  char32_t cp = 7;
  EXPECT_FALSE(next_code_point(s, &pos, &cp));
  EXPECT_EQ(pos, 1u);
  EXPECT_EQ(cp, 7u);
}

TEST(Utf8, AppendEncodesEveryLength) {
  EXPECT_EQ(enc(0x24), "$");
  EXPECT_EQ(enc(0x7F), "\x7F");
  EXPECT_EQ(enc(0x80), "\xC2\x80");
  EXPECT_EQ(enc(0xE5), "\xC3\xA5");
  EXPECT_EQ(enc(0x7FF), "\xDF\xBF");
  EXPECT_EQ(enc(0x800), "\xE0\xA0\x80");
  EXPECT_EQ(enc(0x20AC), "\xE2\x82\xAC");
  EXPECT_EQ(enc(0xFFFF), "\xEF\xBF\xBF");
  EXPECT_EQ(enc(0x10000), "\xF0\x90\x80\x80");
  EXPECT_EQ(enc(0x10FFFF), "\xF4\x8F\xBF\xBF");
  EXPECT_EQ(enc(0xD800), "\xEF\xBF\xBD");    // surrogate -> U+FFFD
  EXPECT_EQ(enc(0x110000), "\xEF\xBF\xBD");  // out of range -> U+FFFD
}

TEST(Utf8, RoundTripsAllScalarValues) {
  for (char32_t cp = 0; cp <= 0x10FFFF; cp += (cp < 0x3000 ? 1 : 97)) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    const std::string s = enc(cp);
    ASSERT_TRUE(valid_utf8(s)) << cp;
    size_t pos = 0;
    char32_t back = 0;
    ASSERT_TRUE(next_code_point(s, &pos, &back));
    ASSERT_EQ(back, cp);
    ASSERT_EQ(pos, s.size());
  }
}

TEST(Utf8, CodePointCount) {
  EXPECT_EQ(code_point_count(""), 0u);
  EXPECT_EQ(code_point_count("abc"), 3u);
  EXPECT_EQ(code_point_count("\xC3\xA5\xC3\xA4\xC3\xB6"), 3u);
  EXPECT_EQ(code_point_count("\xF0\x9F\x98\x80!"), 2u);
  EXPECT_EQ(code_point_count("a\xFF\xFE"
                             "b"),
            4u);  // each invalid byte counts once
}

TEST(Utf8, UpperAndLowerSwedishNorwegian) {
  EXPECT_EQ(to_upper("r\xC3\xA4ksm\xC3\xB6rg\xC3\xA5s"), "R\xC3\x84KSM\xC3\x96RG\xC3\x85S");
  EXPECT_EQ(to_lower("R\xC3\x84KSM\xC3\x96RG\xC3\x85S"), "r\xC3\xA4ksm\xC3\xB6rg\xC3\xA5s");
  EXPECT_EQ(to_upper("bl\xC3\xA5" "b\xC3\xA6r \xC3\xB8l"), "BL\xC3\x85" "B\xC3\x86R \xC3\x98L");
  EXPECT_EQ(to_upper("caf\xC3\xA9 m\xC3\xBCsli"), "CAF\xC3\x89 M\xC3\x9CSLI");
  EXPECT_EQ(to_lower("\xC3\x9E"), "\xC3\xBE");  // Þ -> þ
}

TEST(Utf8, CaseMappingLeavesUnpairedCharactersAlone) {
  EXPECT_EQ(to_upper("stra\xC3\x9F" "e"), "STRA\xC3\x9F" "E");  // ß stays
  EXPECT_EQ(to_upper("2\xC3\x97" "3\xC3\xB7" "4"), "2\xC3\x97" "3\xC3\xB7" "4");  // × ÷
  EXPECT_EQ(to_lower("2\xC3\x97" "3"), "2\xC3\x97" "3");
  EXPECT_EQ(to_upper("\xCE\xB1\xD0\xB6"), "\xCE\xB1\xD0\xB6");  // Greek, Cyrillic untouched
  EXPECT_EQ(to_upper("123 !?"), "123 !?");
  EXPECT_EQ(to_upper("a\xFF" "b"), "A\xFF" "B");  // invalid byte copied through
}

TEST(Utf8, CaseMappingLatinExtendedA) {
  EXPECT_EQ(to_upper("\xC4\x81"), "\xC4\x80");      // ā -> Ā (even-upper block)
  EXPECT_EQ(to_upper("\xC5\x82\xC3\xB3" "d\xC5\xBA"), "\xC5\x81\xC3\x93" "D\xC5\xB9");  // łódź
  EXPECT_EQ(to_lower("\xC5\x81\xC3\x93" "D\xC5\xB9"), "\xC5\x82\xC3\xB3" "d\xC5\xBA");
  EXPECT_EQ(to_upper("\xC5\xA1\xC4\x8D\xC5\xBE"), "\xC5\xA0\xC4\x8C\xC5\xBD");  // šč ž
  EXPECT_EQ(to_upper("\xC4\xBE"), "\xC4\xBD");  // ľ -> Ľ (odd-upper block)
  EXPECT_EQ(to_lower("\xC5\x87"), "\xC5\x88");  // Ň -> ň
  EXPECT_EQ(to_upper("\xC5\x8B"), "\xC5\x8A");  // ŋ -> Ŋ (parity flips back at U+014A)
  EXPECT_EQ(to_upper("\xC3\xBF"), "\xC5\xB8");  // ÿ -> Ÿ
  EXPECT_EQ(to_lower("\xC5\xB8"), "\xC3\xBF");
  EXPECT_EQ(to_upper("\xC4\xB8"), "\xC4\xB8");  // ĸ has no upper case
}

TEST(Utf8, NormalizeComposesCombiningMarks) {
  EXPECT_EQ(normalize_text("a\xCC\x8A", false), "\xC3\xA5");   // a + ring -> å
  EXPECT_EQ(normalize_text("o\xCC\x88", false), "\xC3\xB6");   // o + diaeresis -> ö
  EXPECT_EQ(normalize_text("e\xCC\x81", false), "\xC3\xA9");   // e + acute -> é
  EXPECT_EQ(normalize_text("A\xCC\x8A", false), "\xC3\x85");   // Å
  EXPECT_EQ(normalize_text("c\xCC\xA7", false), "\xC3\xA7");   // ç
  EXPECT_EQ(normalize_text("s\xCC\x8C", false), "\xC5\xA1");   // š
  EXPECT_EQ(normalize_text("n\xCC\x83", false), "\xC3\xB1");   // ñ
  EXPECT_EQ(normalize_text("u\xCC\x8A", false), "\xC5\xAF");   // ů
  EXPECT_EQ(normalize_text("Go\xCC\x88ran A\xCC\x8A" "berg", false),
            "G\xC3\xB6ran \xC3\x85" "berg");
  // The first and the last mark of the table: compose() skips its search outside them.
  EXPECT_EQ(normalize_text("a\xCC\x80", false), "\xC3\xA0");   // a + grave (U+0300) -> à
  EXPECT_EQ(normalize_text("T\xCC\xA7", false), "\xC5\xA2");   // T + cedilla (U+0327) -> Ţ
  EXPECT_EQ(normalize_text("a\xCC\xA8", false), "a\xCC\xA8");  // ogonek (U+0328), not listed
}

TEST(Utf8, NormalizeKeepsMarksWithoutPrecomposedForm) {
  EXPECT_EQ(normalize_text("q\xCC\x88", false), "q\xCC\x88");          // no q-diaeresis
  EXPECT_EQ(normalize_text("\xCC\x88" "a", false), "\xCC\x88" "a");    // mark first
  EXPECT_EQ(normalize_text("a\xCC\x84", false), "a\xCC\x84");          // macron not listed
  EXPECT_EQ(normalize_text("\xC3\xA5\xCC\x81", false), "\xC3\xA5\xCC\x81");  // å + acute
}

TEST(Utf8, NormalizeLineBreaksAndControls) {
  EXPECT_EQ(normalize_text("a\r\nb\rc\nd", true), "a\nb\nc\nd");
  EXPECT_EQ(normalize_text("a\r\nb\rc\nd", false), "a b c d");
  EXPECT_EQ(normalize_text("a\tb", true), "a b");
  EXPECT_EQ(normalize_text(std::string("a\0b\x01" "c\x1B" "d\x7F" "e", 9), false), "abcde");
  EXPECT_EQ(normalize_text("a\xC2\x85" "b\xC2\x9F" "c", false), "abc");  // C1 controls
  EXPECT_EQ(normalize_text("a\xC2\xA0" "b", false), "a\xC2\xA0" "b");  // inner NBSP kept
  EXPECT_EQ(normalize_text("\r\n\r\n", true), "");
}

TEST(Utf8, NormalizeTrims) {
  EXPECT_EQ(normalize_text("  hej  ", false), "hej");
  EXPECT_EQ(normalize_text("\xC2\xA0\xE2\x80\x83hej\xE2\x80\xAF\xE3\x80\x80", false), "hej");
  EXPECT_EQ(normalize_text(" \t\n ", false), "");
  EXPECT_EQ(normalize_text("\n\n  rad 1  \n  rad 2\t\n\n", true), "rad 1\n  rad 2");
  EXPECT_EQ(normalize_text("a \xC2\xA0\nb", true), "a\nb");
  EXPECT_EQ(normalize_text("a  b", false), "a  b");  // inner runs are the citizen's own
  EXPECT_EQ(normalize_text("\xE2\x80\x8B" "x", false), "\xE2\x80\x8B" "x");  // ZWSP not listed
}

TEST(Utf8, NormalizeLeavesNormalTextAsItIs) {
  for (const char* text : {"", "hej", "\xC3\x85sa \xC3\x96" "berg", "Alva anv\xC3\xA4nder rullstol",
                           "Bj\xC3\xB6rk\xC3\xA5sen 3 \xE2\x80\x93 \xCE\xA9 \xF0\x9F\x98\x80",
                           "a\xC2\xA0" "b", "\xE2\x80\x8B" "x"}) {
    EXPECT_EQ(normalize_text(text, false), text);
    EXPECT_EQ(normalize_text(text, true), text);
  }
}

// A leading space never survives and never composes, so normalize_text(" " + s) must
// equal normalize_text(s): the left side always takes the code-point path, the right
// side takes the shortcut for text that is already normal whenever it can. And blank_text
// must agree with normalize_text on every text.
TEST(Utf8, NormalizeShortcutAgreesWithTheFullPath) {
  const std::vector<std::string> pieces = {
      "a", "Z", "7", " ", "\t", "\n", "\r", "\r\n", std::string(1, '\0'), "\x1B", "\x7F",
      "\xC2\x85", "\xC2\xA0", "\xE2\x80\x83", "\xE2\x80\xAF", "\xE3\x80\x80", "\xE2\x80\x8B",
      "\xC3\xA5", "\xC3\x96", "\xCC\x8A", "\xCC\x88", "\xCC\x80", "\xCC\xA7", "\xCC\xA8",
      "\xCC\x84", "\xCD\x85", "\xE2\x80\x93", "\xF0\x9F\x98\x80", "\xFF", "\xC3", "\xED\xA0\x80"};
  std::mt19937 random(20261205);
  std::uniform_int_distribution<size_t> piece(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(0, 8);
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (int n = length(random); n > 0; --n) text += pieces[piece(random)];
    for (const bool multiline : {false, true}) {
      const std::string full = normalize_text(" " + text, multiline);
      EXPECT_EQ(normalize_text(text, multiline), full) << text;
      EXPECT_EQ(blank_text(text), full.empty()) << text;
    }
  }
}

TEST(Utf8, NormalizeDropsInvalidBytes) {
  const std::string out = normalize_text("a\xFF" "b\xC3", false);
  EXPECT_EQ(out, "ab");
  EXPECT_TRUE(valid_utf8(out));
}

}  // namespace
}  // namespace blankett
