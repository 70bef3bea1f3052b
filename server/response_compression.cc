#include "response_compression.h"

#include <zlib.h>

#include <httplib.h>

#include <cstdlib>
#include <cstring>
#include <strings.h>

namespace blankett {

namespace {

// Where the pre-routing hook keeps the client's Accept-Encoding, out of cpp-httplib's
// sight. Anything a client sends under this name is dropped first.
constexpr const char* kStashedAcceptEncoding = "X-Blankett-Accept-Encoding";

// Below one TCP segment compression saves no round trip, only CPU.
constexpr size_t kMinCompressBytes = 1400;

// Per-request compression (pages, API answers): zlib's cheap end; cached bodies get 9.
constexpr int kPerRequestLevel = 4;

bool compressible(const std::string& mime_type) {
  static const char* const kTypes[] = {"text/", "application/json", "application/javascript", "application/wasm",
                                       "application/manifest+json", "image/svg+xml"};
  for (const char* type : kTypes) {
    if (mime_type.compare(0, std::strlen(type), type) == 0) return true;
  }
  return false;
}

std::string trim(const std::string& s) {
  const size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

// The q value of one Accept-Encoding entry ("gzip;q=0.5"): 1 when absent.
double quality(const std::string& params) {
  size_t at = params.find("q=");
  if (at == std::string::npos) return 1.0;
  return std::strtod(params.c_str() + at + 2, nullptr);
}

}  // namespace

std::string gzip_bytes(const std::string& bytes, int level) {
  z_stream z{};
  // 15 + 16: a window of 32 KB with a gzip header and trailer instead of zlib's.
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return "";
  std::string out(deflateBound(&z, static_cast<uLong>(bytes.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(&out[0]);
  z.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return status == Z_STREAM_END ? out : "";
}

CompressedBytes compress_once(std::string bytes, const std::string& mime_type) {
  CompressedBytes body;
  if (compressible(mime_type) && bytes.size() >= kMinCompressBytes) {
    std::string gz = gzip_bytes(bytes, 9);
    if (!gz.empty() && gz.size() < bytes.size()) body.gzip = std::make_shared<const std::string>(std::move(gz));
  }
  body.identity = std::make_shared<const std::string>(std::move(bytes));
  return body;
}

std::optional<CompressedBytes> CompressionCache::find(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void CompressionCache::put(const std::string& key, CompressedBytes body) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_[key] = std::move(body);
}

CompressedBytes CompressionCache::for_bytes(const std::string& key, std::string bytes, const std::string& mime_type) {
  // Comparing the bytes (not a modification time) keeps an edited file right at once.
  if (std::optional<CompressedBytes> cached = find(key); cached && *cached->identity == bytes) return *cached;
  CompressedBytes body = compress_once(std::move(bytes), mime_type);
  put(key, body);
  return body;
}

bool accepts_gzip(const httplib::Request& req) {
  const std::string header = req.has_header(kStashedAcceptEncoding) ? req.get_header_value(kStashedAcceptEncoding)
                                                                     : req.get_header_value("Accept-Encoding");
  double gzip = -1, any = -1;
  size_t start = 0;
  while (start <= header.size()) {
    size_t end = header.find(',', start);
    if (end == std::string::npos) end = header.size();
    const std::string entry = header.substr(start, end - start);
    const size_t semicolon = entry.find(';');
    const std::string name = trim(entry.substr(0, semicolon));
    const double q = semicolon == std::string::npos ? 1.0 : quality(entry.substr(semicolon + 1));
    if (strcasecmp(name.c_str(), "gzip") == 0 || strcasecmp(name.c_str(), "x-gzip") == 0) gzip = q;
    if (name == "*") any = q;
    start = end + 1;
  }
  return gzip >= 0 ? gzip > 0 : any > 0;
}

// Whether a Vary header already names Accept-Encoding (one field says it once).
bool varies_on_encoding(const httplib::Response& res) {
  const auto range = res.headers.equal_range("Vary");
  for (auto it = range.first; it != range.second; ++it) {
    if (strcasestr(it->second.c_str(), "Accept-Encoding") != nullptr) return true;
  }
  return false;
}

void send_bytes(const httplib::Request& req, httplib::Response& res, const CompressedBytes& body,
                const std::string& mime_type) {
  // A range names bytes of the file: answer it from the file as it is.
  const bool encode = body.gzip && !req.has_header("Range") && accepts_gzip(req);
  std::shared_ptr<const std::string> bytes = encode ? body.gzip : body.identity;
  if (body.gzip) res.set_header("Vary", "Accept-Encoding");
  if (encode) res.set_header("Content-Encoding", "gzip");
  // A copy, so that error statuses keep their body (the error handler fills only empty
  // ones); cpp-httplib never sees Accept-Encoding, so it leaves the bytes alone.
  res.set_content(*bytes, mime_type.c_str());
}

void install_response_compression(httplib::Server& http,
                                  std::function<void(const httplib::Request&, httplib::Response&)> before_compressing) {
  http.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    // The request object is the server's own, non-const; the hook merely receives it by
    // const reference. Moving the header aside is the only way to stop the library's
    // per-request Brotli (see the header).
    auto& headers = const_cast<httplib::Request&>(req).headers;
    headers.erase(kStashedAcceptEncoding);
    auto it = headers.find("Accept-Encoding");
    if (it != headers.end()) {
      std::string value = it->second;
      headers.erase("Accept-Encoding");
      headers.emplace(kStashedAcceptEncoding, std::move(value));
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_post_routing_handler([before = std::move(before_compressing)](const httplib::Request& req, httplib::Response& res) {
    if (before) before(req, res);
    if (res.body.size() < kMinCompressBytes || res.status == 206 || res.has_header("Content-Encoding")) return;
    if (!compressible(res.get_header_value("Content-Type"))) return;
    if (!varies_on_encoding(res)) res.set_header("Vary", "Accept-Encoding");  // send_bytes may have said so
    if (!accepts_gzip(req)) return;
    std::string gz = gzip_bytes(res.body, kPerRequestLevel);
    if (gz.empty() || gz.size() >= res.body.size()) return;
    res.body = std::move(gz);
    res.headers.erase("Content-Length");
    res.set_header("Content-Length", std::to_string(res.body.size()));
    res.set_header("Content-Encoding", "gzip");
  });
}

}  // namespace blankett
