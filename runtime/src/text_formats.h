// Parsers for the small text formats citizens type into typed fields: Swedish postal
// codes, phone numbers, e-mail addresses and numbers written the Swedish way ("1 234,5").
// Each accepts the forms people actually type, rejects the rest, and yields the normalised
// form that is stored; numbers are converted exactly (correctly rounded) without the C
// library so that native and WASM builds agree and the process locale cannot interfere.
// Surrounding white space (ASCII, NBSP U+00A0, U+2000..U+200A, U+202F, U+3000) is ignored
// by every function. Outputs are written only on success.
#pragma once
#include <string>
#include <string_view>

namespace blankett {

// Five digits, the first not 0, optionally with one space (or NBSP) after the third:
// "12345" or "123 45" -> "123 45".
bool parse_postalcode(std::string_view in, std::string* normalized);

// Digits, spaces, '-', '(' and ')' (balanced, not nested), optionally a leading '+';
// 7 to 15 digits. Normalised to the digits, keeping the leading '+'. In the international
// form "+46 (0)70-123 45 67" the "(0)" is the domestic trunk prefix that must not be
// dialled after the country code, so it is dropped: "+46701234567".
bool parse_phone(std::string_view in, std::string* normalized);

// Trimmed input: exactly one '@'; a local part of 1..64 bytes without white space or
// control characters; a domain of at least two non-empty dot-separated labels, each 1..63
// bytes of [A-Za-z0-9-] or non-ASCII characters (internationalised domain names), not
// starting or ending with '-'; valid UTF-8; at most 254 bytes in all.
bool valid_email(std::string_view in);

// A number typed by a citizen: optional sign ('-', '+' or U+2212 MINUS SIGN), digits with
// an optional decimal comma or point followed by at least one digit ("1234", "-12",
// "1 234,5", "1234.50", ",5"). Digit groups may be separated by a single space, NBSP or
// U+202F, in which case the first group has 1-3 digits and each following group exactly 3
// ("1 234 567"), since "12 34" is more likely two numbers than one. No exponent, no other
// thousands separator, at most 64 digits. *decimals receives the number of digits after
// the separator (trailing zeros count: "1234.50" gives 2); *value the nearest double.
bool parse_decimal_text(std::string_view in, double* value, int* decimals);

}  // namespace blankett
