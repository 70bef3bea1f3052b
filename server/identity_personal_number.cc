// The engine's personnummer rules, used as they are: one definition of a valid number for
// forms and for identification.
#include "identity_personal_number.h"

#include "blankett/date.h"
#include "blankett/identity_number.h"

namespace blankett {

std::optional<std::string> normalize_personal_number(std::string_view input, const std::string& today) {
  Date day;
  if (!parse_iso_date(today, &day)) return std::nullopt;
  IdentityNumber number;
  if (parse_personnummer(input, day, /*allow_samordningsnummer=*/true, &number) != IdentityProblem::None) return std::nullopt;
  return number.normalized;
}

}  // namespace blankett
