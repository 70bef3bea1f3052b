#include "publish_command.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "blankett/form.h"
#include "files.h"
#include "lint_command.h"

namespace blankett {

const char kPublishUsage[] =
    "usage: blankett publish <forms/form-id | form.json> --server URL [--token TOKEN]\n"
                               "       (the token may also come from the environment variable BLANKETT_TOKEN)\n";

namespace {

using nlohmann::json;

const char* const kUsage = kPublishUsage;

// Diff lines printed before "…and N more".
constexpr size_t kDiffLines = 20;

struct Args {
  std::string path, server, token;
};

bool parse_args(const std::vector<std::string>& args, Args* out, std::string* problem) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const std::string& flag, std::string* into) {
      if (a == flag) {
        if (i + 1 >= args.size()) {
          *problem = flag + " needs a value";
          return true;
        }
        *into = args[++i];
        return true;
      }
      if (a.rfind(flag + "=", 0) == 0) {
        *into = a.substr(flag.size() + 1);
        return true;
      }
      return false;
    };
    if (value("--server", &out->server) || value("--token", &out->token)) {
      if (!problem->empty()) return false;
      continue;
    }
    if (a.rfind("--", 0) == 0) {
      *problem = "unknown option " + a;
      return false;
    }
    if (!out->path.empty()) {
      *problem = "one form at a time";
      return false;
    }
    out->path = a;
  }
  if (out->path.empty()) *problem = "which form? give its folder or its form.json";
  else if (out->server.empty()) *problem = "--server is required (e.g. --server http://127.0.0.1:8080)";
  else if (out->token.empty()) *problem = "a publish token is required: --token TOKEN or BLANKETT_TOKEN";
  return problem->empty();
}

// "http://host:port/prefix" → ("http://host:port", "/prefix"); false if not http(s).
bool split_url(std::string url, std::string* origin, std::string* prefix) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return false;
  const std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return false;
  const size_t path_start = url.find('/', scheme_end + 3);
  *origin = url.substr(0, path_start);
  *prefix = path_start == std::string::npos ? "" : url.substr(path_start);
  return origin->size() > scheme_end + 3;
}

// "http://host:port" → host and port (the scheme's default when none; [v6] unbracketed).
void host_and_port(const std::string& origin, std::string* host, std::string* port) {
  const size_t start = origin.find("://") + 3;
  const std::string authority = origin.substr(start);
  const size_t close = authority[0] == '[' ? authority.find(']') : std::string::npos;
  const size_t colon = authority.find(':', close == std::string::npos ? 0 : close);
  *host = authority.substr(0, colon);
  if (close != std::string::npos) *host = authority.substr(1, close - 1);
  *port = colon != std::string::npos ? authority.substr(colon + 1) : origin.rfind("https", 0) == 0 ? "443" : "80";
}

// Why a TCP connection to `origin` fails, as the system says it ("could not resolve host
// 'x': Name or service not known", "Connection refused"). cpp-httplib (0.11) reports only
// Error::Connection and drops errno, so the reason is found by trying once more by hand.
std::string connection_failure(const std::string& origin) {
  std::string host, port;
  host_and_port(origin, &host, &port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return "could not resolve host '" + host + "': " + ::gai_strerror(rc);
  }
  std::string reason = "could not connect";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    timeval timeout{10, 0};  // as the client's connection timeout
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    const bool connected = ::connect(fd, a->ai_addr, a->ai_addrlen) == 0;
    const int error = errno;
    ::close(fd);
    if (connected) {
      reason = "the connection failed, though it works now";  // a server that just started
      break;
    }
    reason = std::strerror(error);
  }
  ::freeaddrinfo(found);
  return reason;
}

// What went wrong when an upload got no answer: a sentence a person can act on, and
// cpp-httplib's name for it (for a bug report).
std::string unreachable_reason(const std::string& origin, httplib::Error error) {
  std::string reason;
  switch (error) {
    case httplib::Error::Connection: reason = connection_failure(origin); break;
    case httplib::Error::ConnectionTimeout: reason = "no connection within 10 seconds"; break;
    case httplib::Error::Read: reason = "the connection closed, or no answer came within 120 seconds"; break;
    case httplib::Error::Write: reason = "the connection closed while the form was being sent"; break;
    case httplib::Error::SSLConnection: reason = "the TLS handshake failed (does the server speak https?)"; break;
    case httplib::Error::SSLServerVerification: reason = "the server's TLS certificate is not trusted"; break;
    case httplib::Error::SSLLoadingCerts: reason = "the trusted certificates could not be loaded"; break;
    default: reason = "the request failed"; break;
  }
  return reason + " (" + httplib::to_string(error) + ")";
}

void print_problem(std::ostream& err, const std::string& file, const json& e) {
  const int line = e.value("line", 0);
  const int column = e.value("column", 0);
  err << file << ":" << line << ":";
  if (column > 0) err << column << ":";
  err << " " << e.value("code", "") << ": " << e.value("message", "") << " [" << e.value("pointer", "/") << "]\n";
}

// The local check: the same problems `blankett lint` prints, in file order.
bool lint_locally(const std::string& file, const std::string& text, std::ostream& out, std::ostream& err) {
  const Result<FormPtr> form = compile_form(text);
  if (form.ok()) {
    out << file << ": ok (" << form_id(*form.value()) << ", version " << form_version(*form.value()).substr(0, 12) << ")\n";
    return true;
  }
  const Errors& errors = form.errors();
  print_form_problems(file, errors, err);
  err << file << ": " << errors.size() << " problem" << (errors.size() == 1 ? "" : "s") << "; nothing was uploaded\n";
  return false;
}

void print_diff(std::ostream& out, const json& body) {
  const json& diff = body.contains("diff") && body["diff"].is_array() ? body["diff"] : json::array();
  const json& previous = body.contains("previous_version") ? body["previous_version"] : json();
  if (!previous.is_string()) {
    out << "changes: a new form (nothing published to compare with)\n";
    return;
  }
  std::map<std::string, int> counts;
  for (const json& op : diff) counts[op.value("op", "?")]++;
  out << "changes against the published version " << previous.get<std::string>().substr(0, 12) << ": " << diff.size();
  if (!counts.empty()) {
    out << " (";
    bool first = true;
    for (const auto& [op, n] : counts) {
      out << (first ? "" : ", ") << n << " " << op;
      first = false;
    }
    out << ")";
  }
  out << "\n";
  size_t shown = 0;
  for (const json& op : diff) {
    if (shown++ == kDiffLines) {
      out << "  … and " << diff.size() - kDiffLines << " more (all of them on the review page)\n";
      break;
    }
    const std::string path = op.value("path", "");
    out << "  " << op.value("op", "?") << " " << (path.empty() ? "/" : path) << "\n";
  }
}

}  // namespace

int publish_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Args a;
  if (const char* env = std::getenv("BLANKETT_TOKEN")) a.token = env;
  std::string problem;
  if (!parse_args(args, &a, &problem)) {
    err << "blankett publish: " << problem << "\n" << kUsage;
    return 2;
  }
  std::string origin, prefix;
  if (!split_url(a.server, &origin, &prefix)) {
    err << "blankett publish: --server must be an http:// or https:// URL, not '" << a.server << "'\n";
    return 2;
  }
  std::error_code ec;
  const std::string file = std::filesystem::is_directory(a.path, ec) ? a.path + "/form.json" : a.path;
  const std::optional<std::string> text = read_file(file);
  if (!text) {
    err << file << ": error: cannot read the file\n";
    return 1;
  }
  if (!lint_locally(file, *text, out, err)) return 1;

  httplib::Client client(origin);
  if (!client.is_valid()) {
    err << "blankett publish: cannot use " << origin << " (https needs a blankett built with OpenSSL)\n";
    return 1;
  }
  client.set_connection_timeout(10);
  client.set_read_timeout(120);
  const httplib::Headers headers = {{"Authorization", "Bearer " + a.token}};
  httplib::Result res = client.Post(prefix + "/api/publish", headers, *text, "application/json");
  if (!res) {
    err << "blankett publish: cannot reach " << a.server << ": " << unreachable_reason(origin, res.error()) << "\n"
        << "  check --server: is a blankett server running at that address, and is it reachable from here?\n";
    return 1;
  }
  const json body = json::parse(res->body, nullptr, false);
  if (res->status != 200 && res->status != 201) {
    const json error = body.is_object() && body.contains("error") && body["error"].is_object() ? body["error"] : json::object();
    err << "blankett publish: the server refused the upload (HTTP " << res->status << "): " << error.value("code", "?") << ": "
        << error.value("message", res->reason) << "\n";
    if (error.contains("errors") && error["errors"].is_array()) {
      for (const json& e : error["errors"]) print_problem(err, file, e);
    }
    return 1;
  }
  if (!body.is_object()) {
    err << "blankett publish: the server's answer is not JSON (is " << a.server << " a blankett server?)\n";
    return 1;
  }
  const std::string state = body.value("state", "");
  const std::string base = origin + prefix;
  out << "form " << body.value("form", "") << ", version " << body.value("version", "") << "\n";
  out << "publication " << body.value("publication", 0) << ": " << state;
  if (state == "published") {
    out << " (this version is already the published one; nothing to approve)\n";
    return 0;
  }
  out << (body.value("created", true) ? " (new)" : " (the same draft as before; its preview link is new)") << "\n";
  print_diff(out, body);
  if (body.contains("preview_url") && body["preview_url"].is_string()) {
    out << "preview: " << base << body["preview_url"].get<std::string>() << "\n";
  }
  out << "review: " << base << body.value("review_url", "/admin/forms")
      << " (a form owner other than you must approve it before citizens see it)\n";
  return 0;
}

int publish_command(int argc, char** argv) {
  return publish_command(std::vector<std::string>(argv + 2, argv + argc), std::cout, std::cerr);
}

}  // namespace blankett
