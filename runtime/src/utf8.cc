// Implementation of the UTF-8 primitives, the Latin case mapping and the text-answer
// normalisation declared in utf8.h. Decoding is hand-written rather than taken from the
// C library so that behaviour does not depend on the platform's locale or libc.
#include "blankett/utf8.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace blankett {
namespace {

// Decodes one strict UTF-8 sequence at `pos`; *len receives its byte length.
bool decode_at(std::string_view s, size_t pos, char32_t* cp, size_t* len) {
  if (pos >= s.size()) return false;
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) {
    *cp = b0;
    *len = 1;
    return true;
  }
  size_t n;
  char32_t value;
  // The allowed range of the second byte is what rules out overlongs (E0, F0),
  // surrogates (ED) and values above U+10FFFF (F4).
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    value = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    value = b0 & 0x0Fu;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    value = b0 & 0x07u;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return false;
  }
  if (s.size() - pos < n) return false;
  for (size_t i = 1; i < n; ++i) {
    const auto b = static_cast<unsigned char>(s[pos + i]);
    if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return false;
    value = (value << 6) | (b & 0x3Fu);
  }
  *cp = value;
  *len = n;
  return true;
}

char32_t upper_of(char32_t c) {
  if (c >= 'a' && c <= 'z') return c - 0x20;
  if (c < 0xB5) return c;
  if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 0x20;
  if (c == 0xFF) return 0x178;  // ÿ -> Ÿ lives in Latin Extended-A
  if (c < 0x100 || c > 0x17F) return c;
  if (c == 0x131) return 'I';  // dotless ı
  if (c == 0x17F) return 'S';  // long ſ
  // Latin Extended-A alternates upper/lower, but the parity flips twice: pairs start on
  // even code points except in U+0139..U+0148 and U+0179..U+017E.
  const bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
  if (c == 0x130 || c == 0x138 || c == 0x149 || c == 0x178) return c;
  const bool is_lower = odd_upper ? (c % 2 == 0) : (c % 2 == 1);
  return is_lower ? c - 1 : c;
}

char32_t lower_of(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 0x20;
  if (c < 0xC0) return c;
  if (c <= 0xDE && c != 0xD7) return c + 0x20;
  if (c < 0x100 || c > 0x17F) return c;
  if (c == 0x130) return 'i';    // İ
  if (c == 0x178) return 0xFF;  // Ÿ
  if (c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17F) return c;
  const bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
  const bool is_upper = odd_upper ? (c % 2 == 1) : (c % 2 == 0);
  return is_upper ? c + 1 : c;
}

template <typename Map>
std::string map_case(std::string_view s, Map map) {
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  while (pos < s.size()) {
    char32_t cp;
    size_t len;
    if (decode_at(s, pos, &cp, &len)) {
      append_utf8(&out, map(cp));
      pos += len;
    } else {
      out.push_back(s[pos++]);
    }
  }
  return out;
}

struct Composition {
  char32_t base;
  char32_t mark;
  char32_t composed;
};

// Generated from Unicode NFC: every ASCII letter + listed mark whose composition lies in
// U+00C0..U+017F. Sorted by (base, mark) for binary search.
constexpr Composition kCompositions[] = {
    {'A', 0x0300, 0x00C0},  // À
    {'A', 0x0301, 0x00C1},  // Á
    {'A', 0x0302, 0x00C2},  // Â
    {'A', 0x0303, 0x00C3},  // Ã
    {'A', 0x0308, 0x00C4},  // Ä
    {'A', 0x030A, 0x00C5},  // Å
    {'C', 0x0301, 0x0106},  // Ć
    {'C', 0x0302, 0x0108},  // Ĉ
    {'C', 0x030C, 0x010C},  // Č
    {'C', 0x0327, 0x00C7},  // Ç
    {'D', 0x030C, 0x010E},  // Ď
    {'E', 0x0300, 0x00C8},  // È
    {'E', 0x0301, 0x00C9},  // É
    {'E', 0x0302, 0x00CA},  // Ê
    {'E', 0x0308, 0x00CB},  // Ë
    {'E', 0x030C, 0x011A},  // Ě
    {'G', 0x0302, 0x011C},  // Ĝ
    {'G', 0x0327, 0x0122},  // Ģ
    {'H', 0x0302, 0x0124},  // Ĥ
    {'I', 0x0300, 0x00CC},  // Ì
    {'I', 0x0301, 0x00CD},  // Í
    {'I', 0x0302, 0x00CE},  // Î
    {'I', 0x0303, 0x0128},  // Ĩ
    {'I', 0x0308, 0x00CF},  // Ï
    {'J', 0x0302, 0x0134},  // Ĵ
    {'K', 0x0327, 0x0136},  // Ķ
    {'L', 0x0301, 0x0139},  // Ĺ
    {'L', 0x030C, 0x013D},  // Ľ
    {'L', 0x0327, 0x013B},  // Ļ
    {'N', 0x0301, 0x0143},  // Ń
    {'N', 0x0303, 0x00D1},  // Ñ
    {'N', 0x030C, 0x0147},  // Ň
    {'N', 0x0327, 0x0145},  // Ņ
    {'O', 0x0300, 0x00D2},  // Ò
    {'O', 0x0301, 0x00D3},  // Ó
    {'O', 0x0302, 0x00D4},  // Ô
    {'O', 0x0303, 0x00D5},  // Õ
    {'O', 0x0308, 0x00D6},  // Ö
    {'R', 0x0301, 0x0154},  // Ŕ
    {'R', 0x030C, 0x0158},  // Ř
    {'R', 0x0327, 0x0156},  // Ŗ
    {'S', 0x0301, 0x015A},  // Ś
    {'S', 0x0302, 0x015C},  // Ŝ
    {'S', 0x030C, 0x0160},  // Š
    {'S', 0x0327, 0x015E},  // Ş
    {'T', 0x030C, 0x0164},  // Ť
    {'T', 0x0327, 0x0162},  // Ţ
    {'U', 0x0300, 0x00D9},  // Ù
    {'U', 0x0301, 0x00DA},  // Ú
    {'U', 0x0302, 0x00DB},  // Û
    {'U', 0x0303, 0x0168},  // Ũ
    {'U', 0x0308, 0x00DC},  // Ü
    {'U', 0x030A, 0x016E},  // Ů
    {'W', 0x0302, 0x0174},  // Ŵ
    {'Y', 0x0301, 0x00DD},  // Ý
    {'Y', 0x0302, 0x0176},  // Ŷ
    {'Y', 0x0308, 0x0178},  // Ÿ
    {'Z', 0x0301, 0x0179},  // Ź
    {'Z', 0x030C, 0x017D},  // Ž
    {'a', 0x0300, 0x00E0},  // à
    {'a', 0x0301, 0x00E1},  // á
    {'a', 0x0302, 0x00E2},  // â
    {'a', 0x0303, 0x00E3},  // ã
    {'a', 0x0308, 0x00E4},  // ä
    {'a', 0x030A, 0x00E5},  // å
    {'c', 0x0301, 0x0107},  // ć
    {'c', 0x0302, 0x0109},  // ĉ
    {'c', 0x030C, 0x010D},  // č
    {'c', 0x0327, 0x00E7},  // ç
    {'d', 0x030C, 0x010F},  // ď
    {'e', 0x0300, 0x00E8},  // è
    {'e', 0x0301, 0x00E9},  // é
    {'e', 0x0302, 0x00EA},  // ê
    {'e', 0x0308, 0x00EB},  // ë
    {'e', 0x030C, 0x011B},  // ě
    {'g', 0x0302, 0x011D},  // ĝ
    {'g', 0x0327, 0x0123},  // ģ
    {'h', 0x0302, 0x0125},  // ĥ
    {'i', 0x0300, 0x00EC},  // ì
    {'i', 0x0301, 0x00ED},  // í
    {'i', 0x0302, 0x00EE},  // î
    {'i', 0x0303, 0x0129},  // ĩ
    {'i', 0x0308, 0x00EF},  // ï
    {'j', 0x0302, 0x0135},  // ĵ
    {'k', 0x0327, 0x0137},  // ķ
    {'l', 0x0301, 0x013A},  // ĺ
    {'l', 0x030C, 0x013E},  // ľ
    {'l', 0x0327, 0x013C},  // ļ
    {'n', 0x0301, 0x0144},  // ń
    {'n', 0x0303, 0x00F1},  // ñ
    {'n', 0x030C, 0x0148},  // ň
    {'n', 0x0327, 0x0146},  // ņ
    {'o', 0x0300, 0x00F2},  // ò
    {'o', 0x0301, 0x00F3},  // ó
    {'o', 0x0302, 0x00F4},  // ô
    {'o', 0x0303, 0x00F5},  // õ
    {'o', 0x0308, 0x00F6},  // ö
    {'r', 0x0301, 0x0155},  // ŕ
    {'r', 0x030C, 0x0159},  // ř
    {'r', 0x0327, 0x0157},  // ŗ
    {'s', 0x0301, 0x015B},  // ś
    {'s', 0x0302, 0x015D},  // ŝ
    {'s', 0x030C, 0x0161},  // š
    {'s', 0x0327, 0x015F},  // ş
    {'t', 0x030C, 0x0165},  // ť
    {'t', 0x0327, 0x0163},  // ţ
    {'u', 0x0300, 0x00F9},  // ù
    {'u', 0x0301, 0x00FA},  // ú
    {'u', 0x0302, 0x00FB},  // û
    {'u', 0x0303, 0x0169},  // ũ
    {'u', 0x0308, 0x00FC},  // ü
    {'u', 0x030A, 0x016F},  // ů
    {'w', 0x0302, 0x0175},  // ŵ
    {'y', 0x0301, 0x00FD},  // ý
    {'y', 0x0302, 0x0177},  // ŷ
    {'y', 0x0308, 0x00FF},  // ÿ
    {'z', 0x0301, 0x017A},  // ź
    {'z', 0x030C, 0x017E},  // ž
};

// The smallest and largest mark in kCompositions.
constexpr char32_t kFirstMark = [] {
  char32_t m = kCompositions[0].mark;
  for (const Composition& c : kCompositions) m = c.mark < m ? c.mark : m;
  return m;
}();
constexpr char32_t kLastMark = [] {
  char32_t m = kCompositions[0].mark;
  for (const Composition& c : kCompositions) m = c.mark > m ? c.mark : m;
  return m;
}();

char32_t compose(char32_t base, char32_t mark) {
  // Called for every character after the first of a text that is not plain ASCII; almost
  // none is a combining mark, and those need no search.
  if (mark < kFirstMark || mark > kLastMark) return 0;
  const auto* end = std::end(kCompositions);
  const auto* it = std::lower_bound(
      std::begin(kCompositions), end, Composition{base, mark, 0},
      [](const Composition& a, const Composition& b) {
        return a.base != b.base ? a.base < b.base : a.mark < b.mark;
      });
  if (it != end && it->base == base && it->mark == mark) return it->composed;
  return 0;
}

bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

bool is_space(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == 0xA0 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x202F || c == 0x3000;
}

}  // namespace

bool valid_utf8(std::string_view s) {
  size_t pos = 0;
  while (pos < s.size()) {
    char32_t cp;
    size_t len;
    if (!decode_at(s, pos, &cp, &len)) return false;
    pos += len;
  }
  return true;
}

bool next_code_point(std::string_view s, size_t* pos, char32_t* cp) {
  size_t len;
  char32_t value;
  if (!decode_at(s, *pos, &value, &len)) return false;
  *cp = value;
  *pos += len;
  return true;
}

void append_utf8(std::string* out, char32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

size_t code_point_count(std::string_view s) {
  size_t count = 0, pos = 0;
  while (pos < s.size()) {
    char32_t cp;
    size_t len;
    pos += decode_at(s, pos, &cp, &len) ? len : 1;
    ++count;
  }
  return count;
}

std::string to_upper(std::string_view s) { return map_case(s, upper_of); }
std::string to_lower(std::string_view s) { return map_case(s, lower_of); }

namespace {

// Most answers are their own normal form: valid UTF-8 with no control character (line
// breaks and tabs included), no mark that could compose with the character before it,
// and no space at either end. Such a text comes out of normalize_text unchanged, so it
// needs neither decoding into code points nor encoding back. Swedish names and
// addresses are mostly not ASCII, hence the check by code point.
bool already_normal(std::string_view s) {
  size_t pos = 0;
  char32_t first = 0, last = 0;
  while (pos < s.size()) {
    char32_t c;
    size_t len;
    if (!decode_at(s, pos, &c, &len)) return false;
    pos += len;
    if (is_control(c) || (c >= kFirstMark && c <= kLastMark)) return false;
    if (first == 0) first = c;
    last = c;
  }
  return !is_space(first) && !is_space(last);
}

}  // namespace

std::string normalize_text(std::string_view s, bool multiline) {
  if (already_normal(s)) return std::string(s);
  // Line breaks and controls first, so that a stray control character between a letter
  // and its combining mark does not prevent composition.
  std::vector<char32_t> cps;
  cps.reserve(s.size());
  size_t pos = 0;
  while (pos < s.size()) {
    char32_t c;
    size_t len;
    if (!decode_at(s, pos, &c, &len)) {
      ++pos;
      continue;
    }
    pos += len;
    if (c == '\r') {
      if (pos < s.size() && s[pos] == '\n') ++pos;
      c = '\n';
    }
    if (c == '\n') {
      cps.push_back(multiline ? U'\n' : U' ');
    } else if (c == '\t') {
      cps.push_back(U' ');
    } else if (!is_control(c)) {
      const char32_t composed = cps.empty() ? 0 : compose(cps.back(), c);
      if (composed != 0) {
        cps.back() = composed;
      } else {
        cps.push_back(c);
      }
    }
  }

  std::vector<char32_t> trimmed;
  trimmed.reserve(cps.size());
  for (char32_t c : cps) {
    if (c == '\n') {
      while (!trimmed.empty() && trimmed.back() != '\n' && is_space(trimmed.back())) {
        trimmed.pop_back();
      }
    }
    trimmed.push_back(c);
  }
  size_t begin = 0, end = trimmed.size();
  while (begin < end && is_space(trimmed[begin])) ++begin;
  while (end > begin && is_space(trimmed[end - 1])) --end;

  std::string out;
  out.reserve(s.size());
  for (size_t i = begin; i < end; ++i) append_utf8(&out, trimmed[i]);
  return out;
}

bool blank_text(std::string_view s) {
  size_t pos = 0;
  while (pos < s.size()) {
    char32_t c;
    size_t len;
    if (!decode_at(s, pos, &c, &len)) {
      ++pos;  // dropped by normalize_text too
      continue;
    }
    pos += len;
    if (!is_control(c) && !is_space(c)) return false;
  }
  return true;
}

}  // namespace blankett
