#include "static_files.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "temp_dir.h"

namespace blankett {
namespace {

void write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

TEST(StaticFiles, ServesTheAppWithTypesAndCaching) {
  TempDir web;
  write(web.file("index.html"), "<!DOCTYPE html>");
  write(web.file("engine/blankett_engine.wasm"), "\0asm");
  write(web.file("js/app.js"), "export {}");
  std::optional<StaticFile> f = find_static_file(web.path, "/");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->mime_type, "text/html; charset=utf-8");
  EXPECT_EQ(f->cache_control, "no-cache");
  f = find_static_file(web.path, "/engine/blankett_engine.wasm");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->mime_type, "application/wasm");
  EXPECT_EQ(f->cache_control, "public, max-age=300");
  EXPECT_TRUE(find_static_file(web.path, "/js/app.js"));
}

TEST(StaticFiles, NeverServesToolingOrLeavesTheRoot) {
  TempDir web;
  write(web.file("node_modules/axe-core/axe.min.js"), "x");
  write(web.file("tests/harness.mjs"), "x");
  write(web.file("test-output/screenshots/a.png"), "x");
  write(web.file("package.json"), "{}");
  write(web.file("package-lock.json"), "{}");
  write(web.file(".env"), "SECRET=1");
  write(web.file("js/.hidden.js"), "x");
  for (const char* path : {"/node_modules/axe-core/axe.min.js", "/tests/harness.mjs", "/test-output/screenshots/a.png",
                           "/package.json", "/package-lock.json", "/.env", "/js/.hidden.js", "/../etc/passwd", "/js/../../x"}) {
    EXPECT_FALSE(find_static_file(web.path, path)) << path;
  }
}

}  // namespace
}  // namespace blankett
