// Text shown to people, in each of the form's languages.
#pragma once
#include <array>
#include <string>

namespace blankett {

enum class Lang : uint8_t { kSv = 0, kEn = 1, kNb = 2 };
constexpr int kLangCount = 3;

const char* lang_code(Lang l);
// Returns false for anything but "sv", "en", "nb".
bool parse_lang(const std::string& code, Lang* out);

// A plain string in the definition fills every language; an object fills those given.
struct LocalizedText {
  std::array<std::string, kLangCount> by_lang;
  bool present = false;
};

// The text in `lang`, or in `fallback` if that one is empty.
const std::string& text_in(const LocalizedText& t, Lang lang, Lang fallback);

}  // namespace blankett
