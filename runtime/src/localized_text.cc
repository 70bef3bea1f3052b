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

const std::string& text_in(const LocalizedText& t, Lang lang, Lang fallback) {
  const std::string& s = t.by_lang[static_cast<int>(lang)];
  return s.empty() ? t.by_lang[static_cast<int>(fallback)] : s;
}

}  // namespace blankett
