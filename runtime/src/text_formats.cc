// Implementation of text_formats.h. Everything works on bytes and decoded code points
// directly; the decimal conversion uses a small arbitrary-precision integer so that the
// result is the correctly rounded double for every accepted input, independent of libc.
#include "text_formats.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "blankett/utf8.h"

namespace blankett {
namespace {

bool is_white(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x3000;
}

// A space that may separate digit groups (or the halves of a postal code).
bool is_group_space(char32_t c) { return c == ' ' || c == 0xA0 || c == 0x202F; }

bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }

// Decodes the whole text; false when it is not valid UTF-8.
bool decode(std::string_view s, std::vector<char32_t>* out) {
  size_t pos = 0;
  while (pos < s.size()) {
    char32_t c;
    if (!next_code_point(s, &pos, &c)) return false;
    out->push_back(c);
  }
  return true;
}

// `in` without white space at either end; false when it is not valid UTF-8.
bool trimmed(std::string_view in, std::string_view* out) {
  size_t pos = 0, begin = 0, end = 0;
  bool any = false;
  while (pos < in.size()) {
    const size_t at = pos;
    char32_t c;
    if (!next_code_point(in, &pos, &c)) return false;
    if (is_white(c)) continue;
    if (!any) begin = at;
    any = true;
    end = pos;
  }
  *out = in.substr(begin, end - begin);
  return true;
}

// Decoded and trimmed code points of `in`.
bool trimmed_code_points(std::string_view in, std::vector<char32_t>* out) {
  std::string_view text;
  return trimmed(in, &text) && decode(text, out);
}

// Whether every code point of valid UTF-8 `s` passes `ok`.
template <typename Predicate>
bool all_code_points(std::string_view s, Predicate ok) {
  size_t pos = 0;
  char32_t c;
  while (pos < s.size()) {
    if (!next_code_point(s, &pos, &c) || !ok(c)) return false;
  }
  return true;
}

// Unsigned integer as little-endian 32-bit limbs, with just the operations needed to
// divide two integers to 53 significant bits.
class BigUint {
 public:
  explicit BigUint(uint32_t v = 0) {
    if (v != 0) limbs_.push_back(v);
  }
  bool is_zero() const { return limbs_.empty(); }
  void mul_add(uint32_t m, uint32_t a) {
    uint64_t carry = a;
    for (uint32_t& limb : limbs_) {
      const uint64_t t = uint64_t{limb} * m + carry;
      limb = static_cast<uint32_t>(t);
      carry = t >> 32;
    }
    if (carry != 0) limbs_.push_back(static_cast<uint32_t>(carry));
  }
  int bit_length() const {
    if (limbs_.empty()) return 0;
    int bits = static_cast<int>(limbs_.size() - 1) * 32;
    for (uint32_t top = limbs_.back(); top != 0; top >>= 1) ++bits;
    return bits;
  }
  BigUint shifted_left(int n) const {
    BigUint r;
    if (is_zero()) return r;
    const size_t words = static_cast<size_t>(n / 32);
    const int bits = n % 32;
    r.limbs_.assign(words, 0);
    uint32_t carry = 0;
    for (uint32_t limb : limbs_) {
      r.limbs_.push_back(bits == 0 ? limb : (limb << bits) | carry);
      carry = bits == 0 ? 0 : limb >> (32 - bits);
    }
    if (carry != 0) r.limbs_.push_back(carry);
    return r;
  }
  friend int compare(const BigUint& a, const BigUint& b) {
    if (a.limbs_.size() != b.limbs_.size()) return a.limbs_.size() < b.limbs_.size() ? -1 : 1;
    for (size_t i = a.limbs_.size(); i-- > 0;) {
      if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] < b.limbs_[i] ? -1 : 1;
    }
    return 0;
  }
  // REQUIRES: *this >= b.
  void subtract(const BigUint& b) {
    int64_t borrow = 0;
    for (size_t i = 0; i < limbs_.size(); ++i) {
      int64_t t = int64_t{limbs_[i]} - borrow - (i < b.limbs_.size() ? int64_t{b.limbs_[i]} : 0);
      borrow = t < 0 ? 1 : 0;
      if (t < 0) t += int64_t{1} << 32;
      limbs_[i] = static_cast<uint32_t>(t);
    }
    while (!limbs_.empty() && limbs_.back() == 0) limbs_.pop_back();
  }

 private:
  std::vector<uint32_t> limbs_;
};

// The double nearest to digits / 10^scale (ties to even). With at most 64 digits the
// result is far from overflow and from subnormals, so ldexp below is exact.
double decimal_to_double(const std::vector<int>& digits, int scale) {
  // Most answers have few digits: then the integer and the power of ten are both exact
  // doubles (below 2^53 and at most 10^22), and one IEEE division rounds their quotient
  // correctly, ties to even, like the long division below.
  static constexpr double kExactPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  if (digits.size() <= 15 && scale >= 0 && scale <= 22) {
    uint64_t n = 0;
    for (int d : digits) n = n * 10 + static_cast<uint64_t>(d);
    return static_cast<double>(n) / kExactPowersOfTen[scale];
  }
  BigUint num;
  for (int d : digits) num.mul_add(10, static_cast<uint32_t>(d));
  if (num.is_zero()) return 0.0;
  BigUint den(1);
  for (int i = 0; i < scale; ++i) den.mul_add(10, 0);

  // Scale so that the quotient has exactly 53 bits: 2^52 <= a / b < 2^53.
  int shift = 52 - (num.bit_length() - den.bit_length());
  BigUint a = shift >= 0 ? num.shifted_left(shift) : num;
  const BigUint b = shift >= 0 ? den : den.shifted_left(-shift);
  if (compare(a, b.shifted_left(52)) < 0) {
    a = a.shifted_left(1);
    ++shift;
  }
  uint64_t q = 0;
  for (int bit = 52; bit >= 0; --bit) {
    const BigUint part = b.shifted_left(bit);
    if (compare(a, part) >= 0) {
      a.subtract(part);
      q |= uint64_t{1} << bit;
    }
  }
  const int half = compare(a.shifted_left(1), b);
  if (half > 0 || (half == 0 && (q & 1) != 0)) ++q;  // q may become 2^53: still exact
  return std::ldexp(static_cast<double>(q), -shift);
}

}  // namespace

bool parse_postalcode(std::string_view in, std::string* normalized) {
  std::vector<char32_t> c;
  if (!trimmed_code_points(in, &c)) return false;
  std::string digits;
  for (size_t i = 0; i < c.size(); ++i) {
    if (is_digit(c[i])) {
      digits.push_back(static_cast<char>(c[i]));
    } else if (!(i == 3 && (c[i] == ' ' || c[i] == 0xA0))) {
      return false;
    }
  }
  if (digits.size() != 5 || c.size() > 6 || digits[0] == '0') return false;
  *normalized = digits.substr(0, 3) + " " + digits.substr(3);
  return true;
}

bool parse_phone(std::string_view in, std::string* normalized) {
  std::vector<char32_t> c;
  if (!trimmed_code_points(in, &c) || c.empty()) return false;
  const bool international = c[0] == '+';
  std::string digits;
  bool in_parens = false;
  for (size_t i = international ? 1 : 0; i < c.size(); ++i) {
    const char32_t ch = c[i];
    if (is_digit(ch)) {
      // "+46 (0)70": the bracketed trunk zero is not part of the international number.
      const bool trunk_zero = international && in_parens && ch == '0' && c[i - 1] == '(' &&
                              i + 1 < c.size() && c[i + 1] == ')';
      if (!trunk_zero) digits.push_back(static_cast<char>(ch));
    } else if (ch == '(') {
      if (in_parens) return false;
      in_parens = true;
    } else if (ch == ')') {
      if (!in_parens) return false;
      in_parens = false;
    } else if (ch != ' ' && ch != '-') {
      return false;
    }
  }
  if (in_parens || digits.size() < 7 || digits.size() > 15) return false;
  *normalized = (international ? "+" : "") + digits;
  return true;
}

bool valid_email(std::string_view in) {
  std::string_view text;
  if (!trimmed(in, &text)) return false;
  if (text.size() > 254) return false;
  const size_t at = text.find('@');
  if (at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view local = text.substr(0, at);
  const std::string_view domain = text.substr(at + 1);
  if (local.empty() || local.size() > 64) return false;

  // No white space or control characters, and none of the characters that have to be
  // quoted in an address (RFC 5322 "specials"): an address that needs quotes is one no
  // mail server of a municipality's would be asked to deliver to, and it must be possible
  // to send to every address a form accepts (a signer's link, a completion request).
  const bool local_ok = all_code_points(local, [](char32_t ch) {
    constexpr std::string_view kSpecials = "\"(),:;<>[\\]";
    return !(is_white(ch) || ch < 0x20 || (ch >= 0x7F && ch <= 0x9F) || ch == 0x2028 || ch == 0x2029 ||
             ch == 0x205F || ch == 0xFEFF || (ch < 0x80 && kSpecials.find(static_cast<char>(ch)) != std::string_view::npos));
  });
  if (!local_ok) return false;

  int labels = 0;
  size_t start = 0;
  for (;;) {
    const size_t dot = domain.find('.', start);
    const std::string_view label =
        domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    const bool label_ok = all_code_points(label, [](char32_t ch) {
      const bool ascii_ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || is_digit(ch) || ch == '-';
      const bool non_ascii_ok =
          ch >= 0xA0 && !is_white(ch) && ch != 0x2028 && ch != 0x2029 && ch != 0x205F && ch != 0xFEFF;
      return ascii_ok || non_ascii_ok;
    });
    if (!label_ok) return false;
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return labels >= 2;
}

bool parse_decimal_text(std::string_view in, double* value, int* decimals) {
  std::vector<char32_t> c;
  if (!trimmed_code_points(in, &c)) return false;
  size_t i = 0;
  bool negative = false;
  if (i < c.size() && (c[i] == '-' || c[i] == '+' || c[i] == 0x2212)) {
    negative = c[i] != '+';
    ++i;
  }

  std::vector<int> digits;
  int groups = 0;
  size_t group_len = 0, first_group_len = 0;
  bool grouped = false;
  while (i < c.size()) {
    if (is_digit(c[i])) {
      digits.push_back(static_cast<int>(c[i] - '0'));
      ++group_len;
      ++i;
    } else if (is_group_space(c[i]) && group_len > 0 && i + 1 < c.size() && is_digit(c[i + 1])) {
      if (groups == 0) first_group_len = group_len;
      if (groups > 0 && group_len != 3) return false;
      ++groups;
      grouped = true;
      group_len = 0;
      ++i;
    } else {
      break;
    }
  }
  if (grouped && (first_group_len > 3 || group_len != 3)) return false;
  const size_t integer_digits = digits.size();

  int fraction = 0;
  if (i < c.size() && (c[i] == ',' || c[i] == '.')) {
    ++i;
    while (i < c.size() && is_digit(c[i])) {
      digits.push_back(static_cast<int>(c[i] - '0'));
      ++fraction;
      ++i;
    }
    if (fraction == 0) return false;
  }
  if (i != c.size() || (integer_digits == 0 && fraction == 0) || digits.size() > 64) {
    return false;
  }
  const double magnitude = decimal_to_double(digits, fraction);
  // "-0" is zero, not IEEE negative zero, which would print as "-0".
  *value = negative && magnitude != 0.0 ? -magnitude : magnitude;
  *decimals = fraction;
  return true;
}

}  // namespace blankett
