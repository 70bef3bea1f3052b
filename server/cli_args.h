// What the `blankett serve|token|webhook …` commands share: "--name value" options after a
// subcommand, whole-number option values, ids, comma lists, and opening the server's
// database without creating one.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "store.h"

namespace blankett {

struct CliArgs {
  std::map<std::string, std::string> options;  // "--name value" → {"name", "value"}
  std::vector<std::string> positional;
};

// args[0] is the subcommand. nullopt on a repeated or dangling option, or one that is not
// in `allowed`.
std::optional<CliArgs> parse_cli_args(const std::vector<std::string>& args, const std::vector<std::string>& allowed);
std::string cli_option(const CliArgs& args, const std::string& name, const std::string& fallback = "");
// A positive decimal id of at most 18 digits.
std::optional<int64_t> parse_cli_id(const std::string& text);
// The whole of `text` as a decimal integer from `min` to `max` (an optional leading '-',
// then digits and nothing else); nullopt for "", "8080x", "1e3", " 1" or a value out of
// range, so that no option silently wraps, truncates or ignores trailing junk.
std::optional<int64_t> parse_cli_integer(std::string_view text, int64_t min, int64_t max);
// "a,b,,c" → {"a", "b", "c"}.
std::vector<std::string> split_commas(std::string_view text);

// DATA/blankett.db, opened (and migrated). Never creates one: a typo in --data would make
// a database no server reads. Problems go to `err` prefixed with "<command>: ".
std::optional<Store> open_data_store(const std::string& command, const std::string& data_dir, std::ostream& err);

}  // namespace blankett
