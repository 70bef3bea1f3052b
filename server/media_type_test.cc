// Content-Type matching: case-insensitive media types, parameters ignored.
#include "media_type.h"

#include <gtest/gtest.h>

namespace blankett {
namespace {

TEST(MediaTypeTest, TypesCompareIgnoringCaseAndParameters) {
  EXPECT_TRUE(has_media_type("application/json", "application/json"));
  EXPECT_TRUE(has_media_type("Application/JSON", "application/json"));
  EXPECT_TRUE(has_media_type("application/json; charset=UTF-8", "application/json"));
  EXPECT_TRUE(has_media_type("APPLICATION/JSON;charset=utf-8", "application/json"));
  EXPECT_TRUE(has_media_type(" application/json \t; charset=utf-8", "application/json"));
  EXPECT_TRUE(has_media_type("Multipart/Form-Data; boundary=xyz", "multipart/form-data"));
  EXPECT_FALSE(has_media_type("", "application/json"));
  EXPECT_FALSE(has_media_type("text/plain", "application/json"));
  EXPECT_FALSE(has_media_type("application/jsonp", "application/json"));
  EXPECT_FALSE(has_media_type("application/json-seq; charset=utf-8", "application/json"));
  EXPECT_FALSE(has_media_type("application/", "application/json"));
}

}  // namespace
}  // namespace blankett
