#include "localized_text.h"

namespace blankett {

const char* lang_code(Lang l) {
  switch (l) {
    case Lang::kSv: return "sv";
    case Lang::kEn: return "en";
    case Lang::kNb: return "nb";
  }
  return "sv";
}

bool parse_lang(const std::string& code, Lang* out) {
  for (int i = 0; i < kLangCount; ++i) {
    if (code == lang_code(static_cast<Lang>(i))) {
      *out = static_cast<Lang>(i);
      return true;
    }
  }
  return false;
}

LocalizedText::LocalizedText(const LocalizedText& other) : present(other.present) {
  if (other.by_lang_) by_lang_ = std::make_unique<std::array<std::string, kLangCount>>(*other.by_lang_);
}

LocalizedText& LocalizedText::operator=(const LocalizedText& other) {
  if (this != &other) *this = LocalizedText(other);
  return *this;
}

const std::string& LocalizedText::in(Lang lang) const {
  static const std::string kNone;
  return by_lang_ ? (*by_lang_)[static_cast<int>(lang)] : kNone;
}

std::string& LocalizedText::at(Lang lang) {
  if (!by_lang_) by_lang_ = std::make_unique<std::array<std::string, kLangCount>>();
  return (*by_lang_)[static_cast<int>(lang)];
}

const std::string& text_in(const LocalizedText& t, Lang lang, Lang fallback) {
  const std::string& s = t.in(lang);
  return s.empty() ? t.in(fallback) : s;
}

}  // namespace blankett
