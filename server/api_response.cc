#include "api_response.h"

#include <httplib.h>

namespace blankett {

nlohmann::json error_json(const Error& e) {
  nlohmann::json j = {{"code", e.code}, {"message", e.message}};
  if (!e.pointer.empty()) j["pointer"] = e.pointer;
  if (e.line > 0) j["line"] = e.line;
  if (e.column > 0) j["column"] = e.column;
  return j;
}

ApiResponse error_response(int status, const Error& error) {
  return ApiResponse{status, {{"error", error_json(error)}}, ""};
}

ApiResponse errors_response(int status, const std::string& code, const std::string& message, const Errors& errors) {
  nlohmann::json list = nlohmann::json::array();
  for (const Error& e : errors) list.push_back(error_json(e));
  return ApiResponse{status, {{"error", {{"code", code}, {"message", message}, {"errors", list}}}}, ""};
}

void send_json(httplib::Response& res, const ApiResponse& response) {
  res.status = response.status;
  // replace: invalid UTF-8 never reaches the body (inputs are validated; this is a backstop).
  if (!response.json_text.empty()) {
    res.set_content(response.json_text, "application/json; charset=utf-8");
  } else {
    res.set_content(response.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json; charset=utf-8");
  }
  res.set_header("Cache-Control", "no-store");
  if (!response.location.empty()) res.set_header("Location", response.location);
}

}  // namespace blankett
