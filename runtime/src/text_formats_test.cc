// Tests for text_formats.h: accepted and rejected spellings of postal codes, phone numbers,
// e-mail addresses and Swedish-style numbers, including exact (correctly rounded) decimal
// conversion on values where naive digit-by-digit arithmetic goes wrong.
#include "text_formats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>
#include <string>

namespace blankett {
namespace {

std::string postal(std::string_view in) {
  std::string out = "<rejected>";
  parse_postalcode(in, &out);
  return out;
}

std::string phone(std::string_view in) {
  std::string out = "<rejected>";
  parse_phone(in, &out);
  return out;
}

TEST(Formats, PostalCode) {
  EXPECT_EQ(postal("12345"), "123 45");
  EXPECT_EQ(postal("123 45"), "123 45");
  EXPECT_EQ(postal(" 981 99 "), "981 99");
  EXPECT_EQ(postal("123\xC2\xA0" "45"), "123 45");  // NBSP from a copied address
  EXPECT_EQ(postal("01234"), "<rejected>");
  EXPECT_EQ(postal("1234"), "<rejected>");
  EXPECT_EQ(postal("123456"), "<rejected>");
  EXPECT_EQ(postal("12 345"), "<rejected>");
  EXPECT_EQ(postal("1234 5"), "<rejected>");
  EXPECT_EQ(postal("123  45"), "<rejected>");
  EXPECT_EQ(postal("123-45"), "<rejected>");
  EXPECT_EQ(postal("S-123 45"), "<rejected>");
  EXPECT_EQ(postal("12a45"), "<rejected>");
  EXPECT_EQ(postal(""), "<rejected>");
}

TEST(Formats, Phone) {
  EXPECT_EQ(phone("070-123 45 67"), "0701234567");
  EXPECT_EQ(phone("+46 70 123 45 67"), "+46701234567");
  EXPECT_EQ(phone("+46 (0)70-123 45 67"), "+46701234567");  // trunk zero dropped
  EXPECT_EQ(phone("(08) 123 456"), "08123456");
  EXPECT_EQ(phone("08-123 456 78"), "0812345678");
  EXPECT_EQ(phone("  1234567  "), "1234567");              // 7 digits: the minimum
  EXPECT_EQ(phone("123456789012345"), "123456789012345");  // 15: the maximum
  EXPECT_EQ(phone("123456"), "<rejected>");
  EXPECT_EQ(phone("1234567890123456"), "<rejected>");
  EXPECT_EQ(phone("070 123 45 6x"), "<rejected>");
  EXPECT_EQ(phone("070+1234567"), "<rejected>");  // '+' only at the start
  EXPECT_EQ(phone("++46701234567"), "<rejected>");
  EXPECT_EQ(phone("(070 1234567"), "<rejected>");
  EXPECT_EQ(phone("070) 1234567"), "<rejected>");
  EXPECT_EQ(phone("((070)) 1234567"), "<rejected>");
  EXPECT_EQ(phone("070.123.45.67"), "<rejected>");
  EXPECT_EQ(phone("+"), "<rejected>");
  EXPECT_EQ(phone(""), "<rejected>");
  // Without a country code, "(0)" is an ordinary digit in brackets.
  EXPECT_EQ(phone("(0)70 123 45 67"), "0701234567");
}

TEST(Formats, Email) {
  EXPECT_TRUE(valid_email("anna@example.se"));
  EXPECT_TRUE(valid_email("  anna.svensson+skola@mail.example.se  "));
  EXPECT_TRUE(valid_email("a@b.co"));
  EXPECT_TRUE(valid_email("info@r\xC3\xA4ksm\xC3\xB6rg\xC3\xA5s.se"));  // räksmörgås.se
  EXPECT_TRUE(valid_email("x@my-domain.example"));
  EXPECT_TRUE(valid_email(std::string(64, 'a') + "@example.se"));
  EXPECT_FALSE(valid_email(std::string(65, 'a') + "@example.se"));
  EXPECT_FALSE(valid_email(""));
  EXPECT_FALSE(valid_email("anna"));
  EXPECT_FALSE(valid_email("anna@"));
  EXPECT_FALSE(valid_email("@example.se"));
  EXPECT_FALSE(valid_email("anna@example"));  // no dot
  EXPECT_FALSE(valid_email("anna@@example.se"));
  EXPECT_FALSE(valid_email("anna@ex@ample.se"));
  EXPECT_FALSE(valid_email("an na@example.se"));
  EXPECT_FALSE(valid_email("an\xC2\xA0na@example.se"));
  // Characters an address can only hold in quotes: notifications could not be sent there.
  for (const char* special : {"\"", "(", ")", ",", ":", ";", "<", ">", "[", "\\", "]"}) {
    EXPECT_FALSE(valid_email(std::string("an") + special + "na@example.se")) << special;
  }
  EXPECT_TRUE(valid_email("o'brien!#$%&*+-/=?^_`{|}~@example.se"));
  EXPECT_FALSE(valid_email("anna@example..se"));
  EXPECT_FALSE(valid_email("anna@.example.se"));
  EXPECT_FALSE(valid_email("anna@example.se."));
  EXPECT_FALSE(valid_email("anna@exa_mple.se"));
  EXPECT_FALSE(valid_email("anna@-example.se"));
  EXPECT_FALSE(valid_email("anna@example-.se"));
  EXPECT_FALSE(valid_email("anna@exa mple.se"));
  EXPECT_FALSE(valid_email("anna@" + std::string(64, 'x') + ".se"));  // label over 63
  EXPECT_FALSE(valid_email("anna@ex\xFF" "ample.se"));  // not UTF-8
  // 254 bytes in all is the limit.
  const std::string domain = std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                             std::string(63, 'c') + "." + std::string(50, 'd');
  EXPECT_TRUE(valid_email("abcdefghijklm@" + domain.substr(0, 240)));
  EXPECT_EQ(("abcdefghijklm@" + domain.substr(0, 240)).size(), 254u);
  EXPECT_FALSE(valid_email("abcdefghijklmn@" + domain.substr(0, 240)));
}

struct Number {
  bool ok;
  double value;
  int decimals;
};

Number number(std::string_view in) {
  Number n{false, -999.0, -1};
  n.ok = parse_decimal_text(in, &n.value, &n.decimals);
  return n;
}

void expect_number(std::string_view in, double value, int decimals) {
  const Number n = number(in);
  EXPECT_TRUE(n.ok) << in;
  EXPECT_EQ(n.value, value) << in;
  EXPECT_EQ(n.decimals, decimals) << in;
}

TEST(Formats, DecimalAcceptedForms) {
  expect_number("1234", 1234.0, 0);
  expect_number("-12", -12.0, 0);
  expect_number("+12", 12.0, 0);
  expect_number("\xE2\x88\x92" "12,5", -12.5, 1);  // U+2212 MINUS SIGN
  expect_number("1 234,5", 1234.5, 1);
  expect_number("1234.50", 1234.5, 2);
  expect_number("1 234 567", 1234567.0, 0);
  expect_number("1\xC2\xA0" "234\xE2\x80\xAF" "567,25", 1234567.25, 2);  // NBSP, U+202F
  expect_number("  42  ", 42.0, 0);
  expect_number(",5", 0.5, 1);
  expect_number("0,000", 0.0, 3);
  expect_number("007", 7.0, 0);
  expect_number("-0", 0.0, 0);
  EXPECT_FALSE(std::signbit(number("-0,0").value));
}

TEST(Formats, DecimalIsCorrectlyRounded) {
  expect_number("0,1", 0.1, 1);
  expect_number("0.3", 0.3, 1);
  expect_number("123456,789", 123456.789, 3);
  expect_number("9007199254740993", 9007199254740992.0, 0);  // halfway: ties to even
  expect_number("9007199254740995", 9007199254740996.0, 0);
  expect_number("1.00000000000000011102230246251565404236316680908203125", 1.0, 53);
  expect_number("1.00000000000000011102230246251565404236316680908203126",
                1.0000000000000002, 53);
  expect_number("12345678901234567890123456789012345678901234567890",
                12345678901234567890123456789012345678901234567890.0, 0);
}

// Short numbers take a shortcut (one division of exact doubles), long ones the long
// division; both must give what a correctly rounding strtod gives.
TEST(Formats, DecimalAgreesWithStrtod) {
  std::mt19937 random(20261205);
  std::uniform_int_distribution<int> digit(0, 9);
  std::uniform_int_distribution<int> integer_digits(0, 20);
  std::uniform_int_distribution<int> fraction_digits(0, 25);
  int shortcut = 0, long_division = 0;
  for (int i = 0; i < 50000; ++i) {
    std::string integer, fraction;
    for (int n = integer_digits(random); n > 0; --n) integer += static_cast<char>('0' + digit(random));
    for (int n = fraction_digits(random); n > 0; --n) fraction += static_cast<char>('0' + digit(random));
    if (integer.empty() && fraction.empty()) continue;
    const std::string text = fraction.empty() ? integer : integer + "," + fraction;
    const Number n = number(text);
    ASSERT_TRUE(n.ok) << text;
    const std::string c_text = fraction.empty() ? integer : integer + "." + fraction;
    EXPECT_EQ(n.value, std::strtod(c_text.c_str(), nullptr)) << text;
    EXPECT_EQ(n.decimals, static_cast<int>(fraction.size())) << text;
    (integer.size() + fraction.size() <= 15 && fraction.size() <= 22 ? shortcut : long_division)++;
  }
  EXPECT_GT(shortcut, 1000);
  EXPECT_GT(long_division, 1000);
}

TEST(Formats, DecimalRejected) {
  for (const char* bad : {"", " ", "-", "+", ",", "1,", "1.", "1,2,3", "1.234,5", "1,234.5",
                          "1e5", "1E5", "0x10", "12 34", "1234 567", "1 2345", "1 234 ,5",
                          "1  234", "- 12", "12-", "--12", "1_000", "1'000", "abc", "12 kr",
                          "\xEF\xBC\x91", "1 234,5 6", "\xFF"}) {
    EXPECT_FALSE(number(bad).ok) << bad;
  }
  EXPECT_TRUE(number(std::string(64, '9')).ok);
  EXPECT_FALSE(number(std::string(65, '9')).ok);
}

TEST(Formats, DecimalOutputsUntouchedOnFailure) {
  double value = 7.0;
  int decimals = 3;
  EXPECT_FALSE(parse_decimal_text("1,2,3", &value, &decimals));
  EXPECT_EQ(value, 7.0);
  EXPECT_EQ(decimals, 3);
}

}  // namespace
}  // namespace blankett
