#include "cli_args.h"

#include <algorithm>
#include <filesystem>

namespace blankett {

std::optional<CliArgs> parse_cli_args(const std::vector<std::string>& args, const std::vector<std::string>& allowed) {
  CliArgs parsed;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0) {
      parsed.positional.push_back(a);
      continue;
    }
    const std::string name = a.substr(2);
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end() || i + 1 >= args.size() || parsed.options.count(name)) {
      return std::nullopt;
    }
    parsed.options[name] = args[++i];
  }
  return parsed;
}

std::string cli_option(const CliArgs& args, const std::string& name, const std::string& fallback) {
  const auto it = args.options.find(name);
  return it == args.options.end() ? fallback : it->second;
}

std::optional<int64_t> parse_cli_id(const std::string& text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(text);
}

std::optional<int64_t> parse_cli_integer(std::string_view text, int64_t min, int64_t max) {
  const bool negative = !text.empty() && text[0] == '-';
  const std::string_view digits = negative ? text.substr(1) : text;
  // 18 digits always fit in int64_t; longer numbers are out of any range an option has.
  if (digits.empty() || digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  int64_t value = 0;
  for (const char c : digits) value = value * 10 + (c - '0');
  if (negative) value = -value;
  if (value < min || value > max) return std::nullopt;
  return value;
}

std::vector<std::string> split_commas(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) out.emplace_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::optional<Store> open_data_store(const std::string& command, const std::string& data_dir, std::ostream& err) {
  const std::string path = data_dir + "/blankett.db";
  if (!std::filesystem::exists(path)) {
    err << command << ": no database at " << path << " (start `blankett serve --data " << data_dir << "` once first)\n";
    return std::nullopt;
  }
  Result<Store> store = open_store(path);
  if (!store) {
    for (const Error& e : store.errors()) err << command << ": " << to_string(e) << "\n";
    return std::nullopt;
  }
  return std::move(store).value();
}

}  // namespace blankett
