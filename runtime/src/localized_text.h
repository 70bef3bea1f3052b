// Text shown to people, in each of the form's languages.
#pragma once
#include <array>
#include <memory>
#include <string>

namespace blankett {

enum class Lang : uint8_t { kSv = 0, kEn = 1, kNb = 2 };
constexpr int kLangCount = 3;

const char* lang_code(Lang l);
// Returns false for anything but "sv", "en", "nb".
bool parse_lang(const std::string& code, Lang* out);

// A plain string in the definition fills every language; an object fills those given.
// The strings live out of line: a field has seven texts and most are absent (hints,
// messages), so an absent text is a null pointer and Field stays small and cheap to
// build and move while a form loads.
struct LocalizedText {
  bool present = false;

  LocalizedText() = default;
  LocalizedText(const LocalizedText& other);
  LocalizedText& operator=(const LocalizedText& other);
  LocalizedText(LocalizedText&&) noexcept = default;
  LocalizedText& operator=(LocalizedText&&) noexcept = default;

  // The text in `lang`; empty if there is none.
  const std::string& in(Lang lang) const;
  // The text in `lang`, for the loader to fill.
  std::string& at(Lang lang);

 private:
  std::unique_ptr<std::array<std::string, kLangCount>> by_lang_;
};

// The text in `lang`, or in `fallback` if that one is empty.
const std::string& text_in(const LocalizedText& t, Lang lang, Lang fallback);

}  // namespace blankett
