// The one place that turns problems into HTTP answers: a status and a JSON body of the
// form {"error": {"code", "message", "pointer"?, "line"?, "column"?, "errors"?}}.
// Handlers build an ApiResponse and never write error bodies themselves.
#pragma once
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "blankett/error.h"
#include "httplib_fwd.h"

namespace blankett {

struct ApiResponse {
  ApiResponse(int status_code, nlohmann::json json_body, std::string location_header = "")
      : status(status_code), body(std::move(json_body)), location(std::move(location_header)) {}

  int status = 200;
  nlohmann::json body;
  std::string location;  // Location header for 201, if any
  // When not empty, the body as JSON text, sent as is instead of `body`: for answers that
  // splice stored canonical JSON (receipts, submissions) without parsing it again.
  std::string json_text;
};

// One error: its fields become the body's "error" object.
ApiResponse error_response(int status, const Error& error);
// A summary code and message, with every individual problem in "errors" (e.g. 422).
ApiResponse errors_response(int status, const std::string& code, const std::string& message, const Errors& errors);

nlohmann::json error_json(const Error& error);

// Writes the response: JSON, UTF-8, never cached.
void send_json(httplib::Response& res, const ApiResponse& response);

}  // namespace blankett
