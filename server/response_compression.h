// Compressed responses, on our terms rather than cpp-httplib's.
//
// cpp-httplib 0.11 (Debian's, built with Brotli) compresses every text/* response itself,
// per request, with Brotli at quality 11 — about 1 MB/s: 50 ms of CPU for one 34 KB
// script. A cold visit to the citizen app waited most of a second for its nine files, and
// any client could make the server spend that CPU at will. The library has no switch for
// it, so install_response_compression() hides Accept-Encoding from it and compresses with
// gzip instead: files and form definitions once (compress_once, level 9, cached by the
// caller), any other large text response per request at a cheap level.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "httplib_fwd.h"

namespace blankett {

// A body and, when it pays, its gzip encoding (computed once; shared between requests).
struct CompressedBytes {
  std::shared_ptr<const std::string> identity;
  std::shared_ptr<const std::string> gzip;  // null: not compressible, or no smaller
};

// Compresses `bytes` at gzip's best level when `mime_type` is text-like (HTML, CSS,
// JavaScript, JSON, SVG, WebAssembly) and the body is over one TCP segment.
CompressedBytes compress_once(std::string bytes, const std::string& mime_type);

// compress_once() results by key (a file's URL path, a form version), so that each body
// is compressed once. The keys are bounded by what exists: files under --web, published
// form versions. Thread-safe.
class CompressionCache {
 public:
  std::optional<CompressedBytes> find(const std::string& key) const;
  void put(const std::string& key, CompressedBytes body);

  // The entry for `key` if it holds exactly `bytes`, else `bytes` compressed now and kept.
  CompressedBytes for_bytes(const std::string& key, std::string bytes, const std::string& mime_type);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, CompressedBytes> entries_;
};

// Sends the gzip encoding to a client that accepts it, else the bytes as they are. Adds
// Vary: Accept-Encoding when there is a choice. Needs install_response_compression().
void send_bytes(const httplib::Request& req, httplib::Response& res, const CompressedBytes& body,
                const std::string& mime_type);

// Whether the request's Accept-Encoding (as the client sent it) allows gzip: a "gzip" or
// "*" entry without q=0.
bool accepts_gzip(const httplib::Request& req);

// The gzip (RFC 1952) encoding of `bytes` at zlib level `level` (1–9).
std::string gzip_bytes(const std::string& bytes, int level);

// Installs the pre- and post-routing hooks described above. Call once, before listening;
// uses both hooks of the server, so `before_compressing` is how anything else gets the
// post-routing hook: it runs first, on every routed response (the server's durability
// barrier, http_server.cc).
void install_response_compression(httplib::Server& http,
                                  std::function<void(const httplib::Request&, httplib::Response&)> before_compressing = {});

}  // namespace blankett
