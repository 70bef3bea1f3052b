#include "serve_command.h"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "http_server.h"
#include "identity.h"
#include "open_file_limit.h"

namespace blankett {

namespace {

BlankettServer* g_server = nullptr;

void on_signal(int) {
  // httplib's stop() only flips flags and shuts the listening socket: safe enough here.
  if (g_server != nullptr) g_server->stop();
}

const char kUsage[] =
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
    "  --keep-alive  seconds (1 to 300) an idle connection keeps its thread.\n";

}  // namespace

int serve_command(int argc, char** argv) {
  ServeOptions options;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dev") {
      options.dev = true;
      continue;
    }
    if (arg == "--production") {
      options.production = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::cerr << "blankett serve: " << arg << " needs a value\n" << kUsage;
      return 2;
    }
    const std::string value = argv[++i];
    try {
      if (arg == "--port") options.port = std::stoi(value);
      else if (arg == "--bind") options.bind = value;
      else if (arg == "--data") options.data_dir = value;
      else if (arg == "--forms") options.forms_dir = value;
      else if (arg == "--web") options.web_dir = value;
      else if (arg == "--max-body") options.max_body_bytes = std::stoul(value);
      else if (arg == "--preview-dir") options.preview_dir = value;
      else if (arg == "--tls-cert") options.tls_cert = value;
      else if (arg == "--tls-key") options.tls_key = value;
      else if (arg == "--smtp-host") options.smtp.host = value;
      else if (arg == "--smtp-port") options.smtp.port = std::stoi(value);
      else if (arg == "--smtp-from") options.smtp.from = value;
      else if (arg == "--smtp-user") options.smtp.username = value;
      else if (arg == "--public-url") options.public_url = value;
      else if (arg == "--identity") options.identity.provider = value;
      else if (arg == "--oidc-issuer") options.identity.oidc.issuer = value;
      else if (arg == "--oidc-client-id") options.identity.oidc.client_id = value;
      else if (arg == "--oidc-personal-number-claim") options.identity.oidc.personal_number_claim = value;
      else if (arg == "--oidc-scopes") options.identity.oidc.scopes = value;
      else if (arg == "--writer-nice") {
        options.writer_nice = std::stoi(value);
        if (options.writer_nice < -20 || options.writer_nice > 19) {
          std::cerr << "blankett serve: --writer-nice is a nice value from -20 to 19, not " << value << "\n";
          return 2;
        }
      }
      else if (arg == "--http-threads") {
        const long threads = std::stol(value);
        if (threads < 1 || threads > 4096) {
          std::cerr << "blankett serve: --http-threads is a number of threads from 1 to 4096, not " << value << "\n";
          return 2;
        }
        options.http_threads = static_cast<size_t>(threads);
      }
      else if (arg == "--keep-alive") {
        options.keep_alive_seconds = std::stoi(value);
        if (options.keep_alive_seconds < 1 || options.keep_alive_seconds > 300) {
          std::cerr << "blankett serve: --keep-alive is a number of seconds from 1 to 300, not " << value << "\n";
          return 2;
        }
      }
      else if (arg == "--smtp-starttls") {
        if (value != "off" && value != "required") {
          std::cerr << "blankett serve: --smtp-starttls is off or required, not '" << value << "'\n";
          return 2;
        }
        options.smtp.starttls = value == "required" ? StartTls::required : StartTls::off;
      }
      else {
        std::cerr << "blankett serve: unknown option " << arg << "\n" << kUsage;
        return 2;
      }
    } catch (const std::exception&) {
      std::cerr << "blankett serve: " << arg << " needs a number, not '" << value << "'\n";
      return 2;
    }
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
