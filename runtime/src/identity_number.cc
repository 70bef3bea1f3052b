// Implementation of blankett/identity_number.h. Input forms are recognised by length and separator
// position alone, so that every accepted form is listed here and nothing else slips
// through; the century is resolved by comparing (year, month, day) tuples so that an
// impossible date such as 29 February in a non-leap year is reported as a Date problem
// rather than moving the person to another century.
#include "blankett/identity_number.h"

namespace blankett {
namespace {

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int number(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

// Splits "<head><sep><tail>" or "<head><tail>" into its digits; `sep` is the separator
// found (0 when there was none). Returns false unless the shape matches exactly.
bool split_digits(std::string_view s, size_t head, const char* separators, std::string* digits,
                  char* sep) {
  if (s.size() == head + 4 && all_digits(s)) {
    *digits = std::string(s);
    *sep = 0;
    return true;
  }
  if (s.size() != head + 5) return false;
  const char c = s[head];
  bool allowed = false;
  for (const char* p = separators; *p != 0; ++p) allowed = allowed || *p == c;
  if (!allowed || !all_digits(s.substr(0, head)) || !all_digits(s.substr(head + 1))) {
    return false;
  }
  *digits = std::string(s.substr(0, head)) + std::string(s.substr(head + 1));
  *sep = c;
  return true;
}

bool tuple_after(int y1, int m1, int d1, int y2, int m2, int d2) {
  if (y1 != y2) return y1 > y2;
  if (m1 != m2) return m1 > m2;
  return d1 > d2;
}

std::string four_digits(int year) {
  std::string s(4, '0');
  for (size_t i = 4; i-- > 0; year /= 10) s[i] = static_cast<char>('0' + year % 10);
  return s;
}

}  // namespace

bool luhn_valid(std::string_view ten_digits) {
  if (ten_digits.size() != 10 || !all_digits(ten_digits)) return false;
  int sum = 0;
  for (size_t i = 0; i < 10; ++i) {
    int d = ten_digits[i] - '0';
    if (i % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 == 0;
}

IdentityProblem parse_personnummer(std::string_view input, Date today,
                                   bool allow_samordningsnummer, IdentityNumber* out) {
  const std::string_view s = trim_spaces(input);
  std::string digits;
  char sep = 0;
  const bool long_form = split_digits(s, 8, "-", &digits, &sep);
  if (!long_form && !split_digits(s, 6, "-+", &digits, &sep)) return IdentityProblem::Format;

  const std::string ten = long_form ? digits.substr(2) : digits;
  const int month = number(std::string_view(ten).substr(2, 2));
  const int day = number(std::string_view(ten).substr(4, 2));
  const bool samordning = day >= 61 && day <= 91;
  const int birth_day = samordning ? day - 60 : day;

  int year;
  if (long_form) {
    year = number(std::string_view(digits).substr(0, 4));
  } else {
    int ty, tm, td;
    ymd_from_date(today, &ty, &tm, &td);
    // The latest year ending in YY whose (year, month, day) is not after the reference:
    // today, or today 100 years ago for '+'.
    const int ref = sep == '+' ? ty - 100 : ty;
    const int yy = number(std::string_view(ten).substr(0, 2));
    year = ref - ((ref - yy) % 100 + 100) % 100;
    if (tuple_after(year, month, birth_day, ref, tm, td)) year -= 100;
  }
  if (!valid_ymd(year, month, birth_day)) return IdentityProblem::Date;
  const Date birth = date_from_ymd(year, month, birth_day);
  if (today < birth) return IdentityProblem::Date;

  if (!luhn_valid(ten)) return IdentityProblem::Checksum;
  if (samordning && !allow_samordningsnummer) return IdentityProblem::SamordningNotAllowed;

  out->normalized = four_digits(year) + ten.substr(2, 4) + "-" + ten.substr(6);
  out->birth_date = birth;
  out->samordningsnummer = samordning;
  return IdentityProblem::None;
}

bool parse_orgnummer(std::string_view input, std::string* normalized) {
  std::string_view s = trim_spaces(input);
  if ((s.size() == 12 || s.size() == 13) && s.substr(0, 2) == "16") s.remove_prefix(2);
  std::string digits;
  char sep = 0;
  if (!split_digits(s, 6, "-", &digits, &sep)) return false;
  if (digits[2] < '2' || !luhn_valid(digits)) return false;
  *normalized = digits.substr(0, 6) + "-" + digits.substr(6);
  return true;
}

}  // namespace blankett
