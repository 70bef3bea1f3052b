// The personal identity number an identity provider (or, in development, a person)
// gives, in the one form the server stores and compares: "YYYYMMDD-NNNN". docs/identity.md.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace blankett {

// "YYYYMMDD-NNNN" of a personnummer or samordningsnummer in any form a citizen types
// ("YYMMDD-NNNN", "YYYYMMDDNNNN", ...) or a provider sends (twelve digits), with the
// engine's rules: a real date, not after `today` ("YYYY-MM-DD"), and a valid check digit.
// nullopt for anything else (also for a `today` that is not a date).
std::optional<std::string> normalize_personal_number(std::string_view input, const std::string& today);

}  // namespace blankett
