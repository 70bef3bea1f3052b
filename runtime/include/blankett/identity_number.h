// Swedish identity numbers: personnummer and samordningsnummer (co-ordination numbers) for
// people, organisationsnummer for legal entities. Parses the forms citizens type, resolves
// the century of ten-digit forms against a given `today` (the engine never reads the
// clock), checks the date and the Luhn check digit, and produces the normalised text that
// is stored.
#pragma once
#include <string>
#include <string_view>

#include "blankett/date.h"

namespace blankett {

// The Swedish mod-10 (Luhn) check over exactly ten ASCII digits: weights 2,1,2,1,... from
// the left, digits of each product summed, total divisible by 10. False for anything that
// is not ten digits.
bool luhn_valid(std::string_view ten_digits);

enum class IdentityProblem { None, Format, Date, Checksum, SamordningNotAllowed };

struct IdentityNumber {
  std::string normalized;  // "YYYYMMDD-NNNN"; a samordningsnummer keeps its day + 60
  Date birth_date;
  bool samordningsnummer = false;
};

// Accepts "YYMMDD-NNNN", "YYMMDD+NNNN" (+ means 100 years or older), "YYMMDDNNNN",
// "YYYYMMDDNNNN" and "YYYYMMDD-NNNN"; surrounding spaces are ignored.
// For ten-digit forms the century is the latest one that puts the birth date on or before
// `today` (with '-' or no separator), or that and at least 100 years before it (with '+').
// A twelve-digit form with a birth date after `today` is a Date problem.
// A samordningsnummer has day 61-91 (birth day = day - 60). Problems are reported in the
// order Format, Date, Checksum, SamordningNotAllowed, so a well-formed samordningsnummer on
// a field that does not allow one is reported as exactly that. *out is written only when
// the result is None.
IdentityProblem parse_personnummer(std::string_view input, Date today,
                                   bool allow_samordningsnummer, IdentityNumber* out);

// Organisation number: "NNNNNN-NNNN" or ten digits, optionally prefixed by "16" (the
// twelve-digit form used by some registers); third digit at least 2 (which is what
// distinguishes it from a personnummer); Luhn over the ten digits. Surrounding spaces are
// ignored. On success *normalized is "NNNNNN-NNNN"; otherwise it is left unchanged.
bool parse_orgnummer(std::string_view input, std::string* normalized);

}  // namespace blankett
