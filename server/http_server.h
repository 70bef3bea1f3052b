// The HTTP server of `blankett serve`: routes (docs/api.md) over the engine, the store
// and the keys. Handlers stay thin: decode, call, answer through api_response.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "blankett/error.h"
#include "clock.h"
#include "identity_options.h"
#include "smtp_client.h"
#include "httplib_fwd.h"

namespace blankett {

struct ServeOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;                 // 0: any free port
  std::string data_dir = "./data";
  std::string forms_dir = "./forms";
  std::string web_dir = "./web";
  size_t max_body_bytes = 10 * 1024 * 1024;
  // Request threads. cpp-httplib gives each connection a thread for as long as it is
  // open, idle keep-alive time included, so this is also how many browsers can be
  // connected at once before a new one waits (docs/api.md, "Connections").
  size_t http_threads = 256;
  // How long an idle keep-alive connection keeps its thread before the server closes it.
  int keep_alive_seconds = 2;
  TodayFn today = local_today;     // what today() is for the rules
  // The IANA zone today() counts days in, told to browsers ("" = unknown: they count on
  // the device). Must agree with today.
  std::string time_zone = local_time_zone_name();
  // Developer mode (serve --dev): the browser preview and its routes (dev_routes.h).
  // Never on in production: it serves and writes form files.
  bool dev = false;
  std::string preview_dir = "./build-wasm/preview";  // the WASM preview's build output
  // TLS (both or neither): PEM files. Then the port speaks HTTPS only and session
  // cookies are Secure.
  std::string tls_cert;
  std::string tls_key;
  // The notification outbox's SMTP server (smtp.host "" = e-mails stay queued) and how
  // often the dispatcher looks for work (dispatcher.h).
  SmtpOptions smtp;
  int dispatch_interval_ms = 1000;
  // The address citizens reach this server at, for links in e-mails and the OpenID
  // Connect redirect URI: "https://e-tjanst.kommun.se". "" = http(s)://<bind>:<port>,
  // fine on a developer's machine only. Never taken from a request's Host header, which
  // a client controls.
  std::string public_url;
  // Production mode (serve --production): refuses --dev and the development identity
  // provider.
  bool production = false;
  IdentityOptions identity;
  // How the submission writer makes its commits durable (WriterOptions::sync_log).
  // Empty: fdatasync of the database's log. Tests make it fail.
  std::function<Result<bool>()> log_sync;
  // The nice value of the submission writer's thread (WriterOptions::thread_nice): ahead
  // of the request threads. Needs CAP_SYS_NICE or LimitNICE=-10 (systemd); without, the
  // server runs on at normal priority and says so at start-up (writer_priority_note()).
  int writer_nice = -10;
};

class BlankettServer {
 public:
  // Opens the store and keys in data_dir (creating them on first start), publishes the
  // forms and prepares the routes. Fails with every problem (a broken form, an unsafe key
  // file, a newer database) before anything listens.
  static Result<std::unique_ptr<BlankettServer>> create(const ServeOptions& options);
  ~BlankettServer();

  // Binds; returns the port (useful with port 0) or -1.
  int bind();
  // Serves until stop() (from another thread or a signal handler).
  bool listen();
  void stop();
  httplib::Server& http();
  bool tls() const;
  // Why the writer could not get writer_nice ("" if it did), for the start-up log.
  std::string writer_priority_note() const;

 private:
  struct State;
  explicit BlankettServer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace blankett
