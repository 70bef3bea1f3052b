// Built-in validation messages in Swedish, English and Norwegian bokmål. Each names the
// field and says how to put the answer right (GOV.UK style), never only "invalid".
#pragma once
#include <string>

#include "form_model.h"
#include "localized_text.h"
#include "state_data.h"

namespace blankett {

struct MessageArgs {
  std::string label;
  FieldType field_type = FieldType::kText;
  std::string min, max;
};

std::string builtin_message(Problem problem, const MessageArgs& args, Lang lang);

// 1234.5 as "1234,5" in Swedish and Norwegian, "1234.5" in English.
std::string format_number(double n, Lang lang);
// 5242880 as "5 MB".
std::string format_bytes(long long bytes, Lang lang);

}  // namespace blankett
