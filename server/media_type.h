// Matching a request's Content-Type against the media type a route reads. Media types are
// case-insensitive (RFC 9110 §8.3.1: "Application/JSON" is "application/json") and may
// carry parameters ("; charset=UTF-8"), which the routes that read JSON or form fields
// do not need: every route that checks a body's type asks here, so they all agree.
#pragma once
#include <string_view>

namespace blankett {

// Whether `content_type` (a Content-Type header's value) names the media type `type`
// (lower case, such as "application/json"): type and subtype compared ignoring ASCII
// case, parameters after ";" and white space around the type ignored. False for an
// empty header and for another type that merely begins the same ("application/jsonp").
bool has_media_type(std::string_view content_type, std::string_view type);

}  // namespace blankett
