#include "blankett/json_input.h"

#include "json_text.h"

namespace blankett {

bool parse_json_input(std::string_view text, nlohmann::json* out, Error* error) { return parse_json_text(text, out, error); }

}  // namespace blankett
