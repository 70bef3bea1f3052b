#include "serve_command.h"

#include <netdb.h>
#include <sys/socket.h>

#include <csignal>
#include <cstdlib>
#include <functional>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "cli_args.h"
#include "http_server.h"
#include "identity.h"
#include "open_file_limit.h"

namespace blankett {

const char kServeUsage[] =
    "usage: blankett serve [--port 8080] [--bind 127.0.0.1] [--data ./data] [--forms ./forms]\n"
    "                      [--web ./web] [--max-body BYTES] [--tls-cert cert.pem --tls-key key.pem]\n"
    "                      [--dev [--preview-dir ./build-wasm/preview]]\n"
    "                      [--smtp-host HOST [--smtp-port 25] [--smtp-starttls off|required]\n"
    "                       --smtp-from ADDRESS [--smtp-user NAME]]\n"
    "                      [--public-url https://e-tjanst.kommun.se] [--production]\n"
    "                      [--identity dev|oidc [--oidc-issuer URL --oidc-client-id ID\n"
    "                       [--oidc-personal-number-claim NAME] [--oidc-scopes \"openid ...\"]]]\n"
    "                      [--writer-nice -10] [--http-threads 256] [--keep-alive 2]\n"
    "  --smtp-*  where notification e-mails go (docs/notifications.md); the password is\n"
    "         read from the environment variable BLANKETT_SMTP_PASSWORD.\n"
    "  --dev  developer mode: the browser preview at /preview/{form-id}, which reads and\n"
    "         writes files under --forms. Never in production.\n"
    "  --public-url  where citizens reach the server: links in e-mails and the OpenID\n"
    "         Connect redirect URI (default http://BIND:PORT).\n"
    "  --production  refuses --dev and --identity dev.\n"
    "  --identity  how signers and completing applicants identify (docs/identity.md):\n"
    "         dev (type a personal identity number; development only) or oidc (the\n"
    "         client secret is read from BLANKETT_OIDC_CLIENT_SECRET).\n"
    "  --writer-nice  the nice value (-20 to 19) of the thread that stores submissions,\n"
    "         ahead of the request threads; below 0 needs CAP_SYS_NICE or LimitNICE.\n"
    "         0 leaves it at the server's own (docs/storage.md).\n"
    "  --http-threads  request threads (1 to 4096); each open connection holds one, idle\n"
    "         or not (docs/api.md, Connections).\n"
    "  --keep-alive  seconds (1 to 300) an idle connection keeps its thread.\n"
    "  --port  0 to 65535 (0: any free port); --smtp-port 1 to 65535.\n"
    "  --max-body  the largest request body in bytes, 1024 to 1073741824 (default 10485760).\n";

namespace {

BlankettServer* g_server = nullptr;

void on_signal(int) {
  // httplib's stop() only flips flags and shuts the listening socket: safe enough here.
  if (g_server != nullptr) g_server->stop();
}

// Options that take no value.
bool set_flag(const std::string& arg, ServeOptions* options) {
  if (arg == "--dev") options->dev = true;
  else if (arg == "--production") options->production = true;
  else return false;
  return true;
}

// Options whose value is any text, and where it goes; null for any other option.
std::string* text_option(const std::string& arg, ServeOptions* options) {
  if (arg == "--bind") return &options->bind;
  if (arg == "--data") return &options->data_dir;
  if (arg == "--forms") return &options->forms_dir;
  if (arg == "--web") return &options->web_dir;
  if (arg == "--preview-dir") return &options->preview_dir;
  if (arg == "--tls-cert") return &options->tls_cert;
  if (arg == "--tls-key") return &options->tls_key;
  if (arg == "--smtp-host") return &options->smtp.host;
  if (arg == "--smtp-from") return &options->smtp.from;
  if (arg == "--smtp-user") return &options->smtp.username;
  if (arg == "--public-url") return &options->public_url;
  if (arg == "--identity") return &options->identity.provider;
  if (arg == "--oidc-issuer") return &options->identity.oidc.issuer;
  if (arg == "--oidc-client-id") return &options->identity.oidc.client_id;
  if (arg == "--oidc-personal-number-claim") return &options->identity.oidc.personal_number_claim;
  if (arg == "--oidc-scopes") return &options->identity.oidc.scopes;
  return nullptr;
}

// A whole-number option: its range, what the number is (for the error) and where it goes.
struct NumberOption {
  int64_t min;
  int64_t max;
  const char* what;
  std::function<void(int64_t)> set;
};

std::optional<NumberOption> number_option(const std::string& arg, ServeOptions* o) {
  if (arg == "--port") return NumberOption{0, 65535, "a port number", [o](int64_t n) { o->port = static_cast<int>(n); }};
  if (arg == "--smtp-port") {
    return NumberOption{1, 65535, "a port number", [o](int64_t n) { o->smtp.port = static_cast<int>(n); }};
  }
  // Below 1 KB no submission fits; above 1 GB one request would hold a thread and that
  // much memory (bodies are read whole).
  if (arg == "--max-body") {
    return NumberOption{1024, 1024 * 1024 * 1024, "a number of bytes",
                        [o](int64_t n) { o->max_body_bytes = static_cast<size_t>(n); }};
  }
  if (arg == "--writer-nice") return NumberOption{-20, 19, "a nice value", [o](int64_t n) { o->writer_nice = static_cast<int>(n); }};
  if (arg == "--http-threads") {
    return NumberOption{1, 4096, "a number of threads", [o](int64_t n) { o->http_threads = static_cast<size_t>(n); }};
  }
  if (arg == "--keep-alive") {
    return NumberOption{1, 300, "a number of seconds", [o](int64_t n) { o->keep_alive_seconds = static_cast<int>(n); }};
  }
  return std::nullopt;
}

// Whether the server could listen on `host`: an IP address literal, or a name that
// resolves. Checked before starting, so that a typo is a usage error, not "in use?".
bool bindable_host(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) return false;
  ::freeaddrinfo(found);
  return true;
}

// The value of option `arg`, checked and stored; or what is wrong with it.
std::optional<std::string> set_value(const std::string& arg, const std::string& value, ServeOptions* options) {
  if (std::optional<NumberOption> number = number_option(arg, options)) {
    const std::optional<int64_t> n = parse_cli_integer(value, number->min, number->max);
    if (!n) {
      return arg + " is " + number->what + " from " + std::to_string(number->min) + " to " + std::to_string(number->max) +
             ", not " + value;
    }
    number->set(*n);
    return std::nullopt;
  }
  if (arg == "--smtp-starttls") {
    if (value != "off" && value != "required") return "--smtp-starttls is off or required, not '" + value + "'";
    options->smtp.starttls = value == "required" ? StartTls::required : StartTls::off;
    return std::nullopt;
  }
  if (arg == "--bind" && !bindable_host(value)) {
    return "--bind is an IP address of this machine (127.0.0.1, 0.0.0.0, ::1, ::) or a host name, not '" + value + "'";
  }
  // Asked for by name, a missing folder is a mistake: the server would start and answer
  // 404 for every citizen and inbox page. (The default ./web may be missing: web_dir_warning.)
  std::error_code ec;
  if (arg == "--web" && !std::filesystem::is_directory(value, ec)) {
    return "--web is the folder of the web apps (the repository's web/), and '" + value + "' is not a folder";
  }
  *text_option(arg, options) = value;
  return std::nullopt;
}

bool takes_value(const std::string& arg) {
  ServeOptions scratch;
  return text_option(arg, &scratch) != nullptr || number_option(arg, &scratch) || arg == "--smtp-starttls";
}

}  // namespace

std::string web_dir_warning(const std::string& web_dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(web_dir, ec)) return "";
  return "WARNING: there is no web app folder " + web_dir +
         ": the citizen app (/f/{form-id}) is not served and the inbox and admin pages have no styles; "
         "the API works (give the repository's web/ with --web)";
}

std::optional<std::string> parse_serve_args(const std::vector<std::string>& args, ServeOptions* options) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (set_flag(arg, options)) continue;
    if (!takes_value(arg)) {
      return (arg.rfind("-", 0) == 0 ? "unknown option " + arg : "unexpected argument '" + arg + "'") +
             " (blankett serve --help lists the options)";
    }
    if (i + 1 >= args.size()) return arg + " needs a value";
    if (std::optional<std::string> problem = set_value(arg, args[++i], options)) return problem;
  }
  return std::nullopt;
}

int serve_command(const std::vector<std::string>& args) {
  ServeOptions options;
  if (std::optional<std::string> problem = parse_serve_args(args, &options)) {
    std::cerr << "blankett serve: " << *problem << "\n";
    return 2;
  }
  if (const char* password = std::getenv("BLANKETT_SMTP_PASSWORD")) options.smtp.password = password;
  if (!options.smtp.host.empty() && options.smtp.from.empty()) {
    std::cerr << "blankett serve: --smtp-host needs --smtp-from\n";
    return 2;
  }
  if (const char* secret = std::getenv("BLANKETT_OIDC_CLIENT_SECRET")) options.identity.oidc.client_secret = secret;
  if (std::optional<std::string> problem = identity_options_problem(options)) {
    std::cerr << "blankett serve: " << *problem << "\n";
    return 2;
  }
  if (!options.smtp.username.empty() && options.smtp.starttls != StartTls::required) {
    std::cerr << "blankett serve: --smtp-user needs --smtp-starttls required (no password over plain text)\n";
    return 2;
  }
  // Before any file is opened. Not fatal: the server runs, and says what may run out.
  const std::string raised = raise_open_file_limit();
  const OpenFileLimit files = open_file_limit();
  const uint64_t files_needed = 3 * static_cast<uint64_t>(options.http_threads) + 64;
  if (!raised.empty() || files.soft < files_needed) {
    std::cerr << "note: this process may open " << files.soft << " files"
              << (raised.empty() ? "" : " (" + raised + ")") << "; " << options.http_threads
              << " request threads can need ~" << files_needed
              << " (raise LimitNOFILE, or lower --http-threads; docs/api.md, Connections)" << std::endl;
  }
  // parse_serve_args refused a --web that is not a folder: only the default can be missing.
  if (const std::string warning = web_dir_warning(options.web_dir); !warning.empty()) std::cerr << warning << std::endl;
  Result<std::unique_ptr<BlankettServer>> server = BlankettServer::create(options);
  if (!server.ok()) {
    std::cerr << "blankett serve: cannot start:\n";
    for (const Error& e : server.errors()) std::cerr << "  " << to_string(e) << "\n";
    return 1;
  }
  const int port = server.value()->bind();
  if (port < 0) {
    std::cerr << "blankett serve: cannot listen on " << options.bind << ":" << options.port << " (in use?)\n";
    return 1;
  }
  g_server = server.value().get();
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  if (options.dev) {
    std::cerr << "WARNING: developer mode (--dev) is ON: /preview/{form-id} serves the preview from "
              << options.preview_dir << ", and /api/dev/ reads form files and WRITES new scenarios and drafts into "
              << options.forms_dir << ". Never use --dev in production." << std::endl;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(std::filesystem::path(options.preview_dir) / "preview.html", ec)) {
      std::cerr << "WARNING: no preview build in " << options.preview_dir
                << " (scripts/build --wasm builds it): /preview/{form-id} answers 404 until then." << std::endl;
    }
  }
  const std::string priority = server.value()->writer_priority_note();
  if (!priority.empty()) {
    // Not an error: only throughput under load depends on it (docs/storage.md).
    std::cerr << "note: the submission writer runs at normal priority (" << priority
              << "); with CAP_SYS_NICE or LimitNICE=-10 it runs ahead of the request threads" << std::endl;
  }
  std::cout << "Blankett serving " << options.forms_dir << " on " << (server.value()->tls() ? "https" : "http") << "://" << options.bind << ":" << port << "/  (data in "
            << options.data_dir << "; Ctrl-C stops)" << std::endl;
  const bool ok = server.value()->listen();
  g_server = nullptr;
  return ok ? 0 : 1;
}

}  // namespace blankett
