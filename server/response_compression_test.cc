// Compression on the server's terms (response_compression.h): gzip once for files and
// form definitions, never cpp-httplib's per-request Brotli, ranges and refusals honoured.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "response_compression.h"
#include "test_server.h"

namespace blankett {
namespace {

std::string gunzip(const std::string& bytes) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out;
  char buffer[16384];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  int status = Z_OK;
  while (status == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    status = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
  }
  inflateEnd(&z);
  EXPECT_EQ(status, Z_STREAM_END);
  return out;
}

// Text that compresses (like a script) and is well over one TCP segment.
std::string script_text() {
  std::string s;
  for (int i = 0; i < 400; i++) s += "export function field" + std::to_string(i) + "() { return 'value'; }\n";
  return s;
}

httplib::Request request_accepting(const std::string& accept_encoding) {
  httplib::Request req;
  req.set_header("Accept-Encoding", accept_encoding);
  return req;
}

TEST(ResponseCompression, GzipRoundTrips) {
  const std::string text = script_text();
  for (int level : {1, 4, 9}) {
    const std::string gz = gzip_bytes(text, level);
    ASSERT_FALSE(gz.empty());
    EXPECT_LT(gz.size(), text.size() / 4);
    EXPECT_EQ(gunzip(gz), text);
  }
  EXPECT_EQ(gunzip(gzip_bytes("", 9)), "");
}

TEST(ResponseCompression, CompressesOnlyTextLikeBodiesOverOneSegment) {
  const CompressedBytes script = compress_once(script_text(), "text/javascript; charset=utf-8");
  ASSERT_TRUE(script.gzip);
  EXPECT_EQ(gunzip(*script.gzip), *script.identity);
  EXPECT_TRUE(compress_once(script_text(), "application/wasm").gzip);
  EXPECT_TRUE(compress_once(script_text(), "application/json; charset=utf-8").gzip);
  EXPECT_FALSE(compress_once(script_text(), "image/png").gzip);            // already compressed formats
  EXPECT_FALSE(compress_once(std::string(1000, 'a'), "text/css").gzip);   // under one segment
  // Random-looking bytes do not shrink: no gzip copy is kept.
  std::string noise;
  uint32_t x = 12345;
  for (int i = 0; i < 4000; i++) noise += static_cast<char>((x = x * 1664525u + 1013904223u) >> 24);
  EXPECT_FALSE(compress_once(noise, "text/plain").gzip);
}

TEST(ResponseCompression, ReadsAcceptEncodingLikeHttpSays) {
  EXPECT_TRUE(accepts_gzip(request_accepting("gzip, deflate, br")));
  EXPECT_TRUE(accepts_gzip(request_accepting("br;q=1.0, GZIP;q=0.5")));
  EXPECT_TRUE(accepts_gzip(request_accepting("*")));
  EXPECT_TRUE(accepts_gzip(request_accepting("x-gzip")));
  EXPECT_FALSE(accepts_gzip(request_accepting("br")));
  EXPECT_FALSE(accepts_gzip(request_accepting("gzip;q=0, br")));
  EXPECT_FALSE(accepts_gzip(request_accepting("*, gzip;q=0")));
  EXPECT_FALSE(accepts_gzip(request_accepting("identity")));
  EXPECT_FALSE(accepts_gzip(httplib::Request{}));
}

TEST(ResponseCompression, TheCacheCompressesEachBodyOnceAndNoticesChanges) {
  CompressionCache cache;
  const CompressedBytes first = cache.for_bytes("/srv/web/js/a.js", script_text(), "text/javascript");
  const CompressedBytes again = cache.for_bytes("/srv/web/js/a.js", script_text(), "text/javascript");
  EXPECT_EQ(first.gzip.get(), again.gzip.get());  // the same compressed copy, not a new one
  const CompressedBytes edited = cache.for_bytes("/srv/web/js/a.js", script_text() + "// edited\n", "text/javascript");
  EXPECT_NE(edited.gzip.get(), first.gzip.get());
  EXPECT_EQ(gunzip(*edited.gzip), script_text() + "// edited\n");
  EXPECT_FALSE(cache.find("/srv/web/js/other.js"));
}

class CompressedResponsesTest : public TestServer {
 protected:
  CompressedResponsesTest() : TestServer("blankett-compression") {}
  void SetUp() override {
    std::filesystem::create_directories(options_.web_dir + "/js");
    std::ofstream(options_.web_dir + "/js/app.js") << script_text();
    std::ofstream(options_.web_dir + "/form.html") << "<!DOCTYPE html><title>shell</title>" << std::string(3000, ' ');
    start();
    client_->set_decompress(false);  // see the bytes on the wire
  }
  httplib::Result get(const std::string& path, const std::string& accept_encoding, httplib::Headers extra = {}) {
    extra.emplace("Accept-Encoding", accept_encoding);
    return client_->Get(path.c_str(), extra);
  }
};

TEST_F(CompressedResponsesTest, FilesGoGzippedToClientsThatAcceptIt) {
  auto res = get("/js/app.js", "gzip, deflate, br");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(res->get_header_value("Vary"), "Accept-Encoding");
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(gunzip(res->body), script_text());
  // The shell of /f/{id} too.
  res = get("/f/skolskjuts", "gzip");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(gunzip(res->body).substr(0, 15), "<!DOCTYPE html>");
}

TEST_F(CompressedResponsesTest, NeverTheLibrarysPerRequestBrotli) {
  // A client that accepts only Brotli gets the bytes as they are: cpp-httplib would
  // otherwise spend ~50 ms of CPU per request compressing them at quality 11.
  for (const char* path : {"/js/app.js", "/f/skolskjuts", "/api/forms/skolskjuts"}) {
    auto res = get(path, "br");
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->get_header_value("Content-Encoding"), "") << path;
  }
  EXPECT_EQ(get("/js/app.js", "br")->body, script_text());
  EXPECT_EQ(get("/js/app.js", "gzip;q=0")->body, script_text());
}

TEST_F(CompressedResponsesTest, FormDefinitionsAreCompressedAndUnchanged) {
  const auto plain = get("/api/forms/skolskjuts", "identity");
  const auto gz = get("/api/forms/skolskjuts", "gzip");
  ASSERT_TRUE(plain && gz);
  EXPECT_EQ(gz->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(gunzip(gz->body), plain->body);
  EXPECT_EQ(gz->get_header_value("ETag"), plain->get_header_value("ETag"));
  EXPECT_EQ(nlohmann::json::parse(plain->body)["id"], "skolskjuts");
}

TEST_F(CompressedResponsesTest, OtherLargeTextAnswersAreCompressedPerRequest) {
  for (int i = 0; i < 3; i++) get("/api/forms", "identity");  // more lines in /metrics
  const auto plain = get("/metrics", "identity");
  const auto gz = get("/metrics", "deflate, gzip");
  ASSERT_TRUE(plain && gz);
  ASSERT_GT(plain->body.size(), 1400u);
  EXPECT_EQ(plain->get_header_value("Content-Encoding"), "");
  EXPECT_EQ(gz->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(gz->get_header_value("Content-Length"), std::to_string(gz->body.size()));
  EXPECT_EQ(gunzip(gz->body).substr(0, 7), "# HELP ");
}

TEST_F(CompressedResponsesTest, ARangeIsServedFromTheBytesAsTheyAre) {
  auto res = get("/js/app.js", "gzip", {{"Range", "bytes=7-14"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 206);
  EXPECT_EQ(res->get_header_value("Content-Encoding"), "");
  EXPECT_EQ(res->body, script_text().substr(7, 8));
}

}  // namespace
}  // namespace blankett
