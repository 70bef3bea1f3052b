#include "http_server.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <regex>

#include <httplib.h>

#include "admin_outbox_page.h"
#include "admin_pages.h"
#include "api_response.h"
#include "app_context.h"
#include "html_page.h"
#include "inbox_pages.h"
#include "completion_pages.h"
#include "identity.h"
#include "integration_api.h"
#include "signing_pages.h"
#include "publishing_pages.h"
#include "web_auth.h"
#include "blankett/form.h"
#include "blankett/submission.h"
#include "dev_routes.h"
#include "dispatcher.h"
#include "form_catalog.h"
#include "listen_socket.h"
#include "metrics.h"
#include "first_step_html.h"
#include "first_step_view.h"
#include "response_compression.h"
#include "signing_keys.h"
#include "static_files.h"
#include "store.h"
#include "submission_service.h"
#include "submission_writer.h"

namespace blankett {

namespace {

using nlohmann::json;

// Nanoseconds as Prometheus wants a duration: seconds, with all nine decimals.
std::string seconds_text(uint64_t ns) {
  char text[32];
  std::snprintf(text, sizeof text, "%llu.%09llu", static_cast<unsigned long long>(ns / 1000000000u),
                static_cast<unsigned long long>(ns % 1000000000u));
  return text;
}

// Requests one keep-alive connection may carry before the server closes it.
constexpr size_t kKeepAliveMaxRequests = 1000;

// Headers every response carries: no sniffing, no framing, a strict CSP (WASM needs
// 'wasm-unsafe-eval'; no inline scripts or styles anywhere).
const httplib::Headers kSecurityHeaders = {
    {"X-Content-Type-Options", "nosniff"},
    {"Content-Security-Policy",
     "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
     "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
};

// POST /api/forms/{id}/submissions (the route's own pattern is checked by the router).
bool is_submission_path(const std::string& path) {
  static const std::string prefix = "/api/forms/", suffix = "/submissions";
  return path.size() > prefix.size() + suffix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
         path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The routes this file registers, with their methods, so that a request for a known path
// with another method is answered 405 with an Allow header, not 404. (Routes that other
// files register are not here: httplib cannot list its routes.)
class RouteMethods {
 public:
  void add(const std::string& method, const std::string& pattern) {
    for (Route& r : routes_) {
      if (r.pattern == pattern) return r.methods.push_back(method);
    }
    routes_.push_back(Route{pattern, std::regex(pattern), {method}});
  }
  // "GET, HEAD" for the methods that `path` has; "" for a path that is not a route here.
  std::string allowed(const std::string& path) const {
    for (const Route& r : routes_) {
      if (!std::regex_match(path, r.regex)) continue;
      std::string allow;
      for (const std::string& m : r.methods) allow += (allow.empty() ? "" : ", ") + m + (m == "GET" ? ", HEAD" : "");
      return allow;
    }
    return "";
  }

 private:
  struct Route {
    std::string pattern;
    std::regex regex;
    std::vector<std::string> methods;
  };
  std::vector<Route> routes_;
};

// Whether an If-None-Match header names `etag` (RFC 9110 §13.1.2): "*", or a list of
// entity tags ("a", W/"b") compared weakly, i.e. with any W/ prefix set aside. Weak
// comparison is what the RFC asks of If-None-Match, and it lets a cache that stored the
// gzip and the plain answer under one tag revalidate either.
bool if_none_match_names(const std::string& header, const std::string& etag) {
  auto opaque = [](std::string tag) { return tag.rfind("W/", 0) == 0 ? tag.substr(2) : tag; };
  const std::string wanted = opaque(etag);
  size_t at = 0;
  while (at < header.size()) {
    const size_t comma = header.find(',', at);
    const size_t end = comma == std::string::npos ? header.size() : comma;
    std::string tag = header.substr(at, end - at);
    tag.erase(0, tag.find_first_not_of(" \t"));
    tag.erase(tag.find_last_not_of(" \t") + 1);
    if (tag == "*" || (!tag.empty() && opaque(tag) == wanted)) return true;
    at = end + 1;
  }
  return false;
}

// The ETag of a form answer. A version's own answer is the same bytes for ever: its
// version. The current answer also carries the server's time_zone, which an operator may
// change between restarts: its tag adds a short hash of the zone, so that a browser
// holding the answer of another zone never gets 304 for it.
std::string form_etag(const std::string& version, bool immutable, const std::string& time_zone) {
  if (immutable || time_zone.empty()) return "\"" + version + "\"";
  return "\"" + version + "-" + sha256_of(time_zone).substr(0, 8) + "\"";
}

// 405 with Allow: the path exists, the method does not.
void send_method_not_allowed(const httplib::Request& req, httplib::Response& res, const std::string& allow) {
  send_json(res, error_response(405, Error{"request.method_not_allowed", "", 0, 0,
                                           req.method + " is not allowed on " + req.path + " (allowed: " + allow + ")"}));
  res.set_header("Allow", allow);
}

}  // namespace

struct BlankettServer::State {
  ServeOptions options;
  Metrics metrics;
  std::unique_ptr<FormCatalog> catalog;
  KeyRing keys;
  std::unique_ptr<SubmissionWriter> writer;
  LoginThrottle throttle;
  std::unique_ptr<AppContext> app;
  CompressionCache compressed;  // web app files and form definitions, compressed once
  FirstStepCache first_steps;  // the form pages with their first step drawn in
  std::unique_ptr<httplib::Server> http;  // an httplib::SSLServer with --tls-cert/--tls-key
  std::unique_ptr<Dispatcher> dispatcher;  // webhooks and e-mail, on its own thread
  RouteMethods routes;  // this file's routes, for 405 answers
};

BlankettServer::BlankettServer(std::unique_ptr<State> state) : state_(std::move(state)) {}

BlankettServer::~BlankettServer() {
  state_->http->stop();
  state_->dispatcher.reset();  // joins its thread before the store it reads goes away
  if (state_->writer) state_->writer->close();
}

Result<std::unique_ptr<BlankettServer>> BlankettServer::create(const ServeOptions& options) {
  auto st = std::make_unique<State>();
  st->options = options;
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) return Errors{Error{"serve.data_dir", "", 0, 0, "cannot create " + options.data_dir + ": " + ec.message()}};
  std::filesystem::permissions(options.data_dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace, ec);

  const std::string db = options.data_dir + "/blankett.db";
  Result<Store> catalog_store = open_store(db);
  if (!catalog_store.ok()) return catalog_store.errors();
  Result<std::unique_ptr<FormCatalog>> catalog = FormCatalog::load(options.forms_dir, std::move(catalog_store).value());
  if (!catalog.ok()) return catalog.errors();
  st->catalog = std::move(catalog).value();

  Result<KeyRing> keys = load_or_create_keys(options.data_dir, utc_now());
  if (!keys.ok()) return keys.errors();
  st->keys = std::move(keys).value();

  Result<Store> writer_store = open_store(db);
  if (!writer_store.ok()) return writer_store.errors();
  WriterOptions writer_options;
  writer_options.sync_log = options.log_sync;
  writer_options.thread_nice = options.writer_nice;
  st->writer = std::make_unique<SubmissionWriter>(std::move(writer_store).value(), writer_options);

  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return Errors{Error{"serve.tls", "", 0, 0, "TLS needs both --tls-cert and --tls-key"}};
  }
  if (options.tls_cert.empty()) {
    st->http = std::make_unique<httplib::Server>();
  } else {
    auto tls = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
    if (!tls->is_valid()) {
      return Errors{Error{"serve.tls", "", 0, 0,
                          "cannot use the TLS certificate " + options.tls_cert + " with the key " + options.tls_key +
                              " (PEM files, readable, a matching pair?)"}};
    }
    st->http = std::move(tls);
  }

  std::unique_ptr<BlankettServer> server(new BlankettServer(std::move(st)));
  State& s = *server->state_;
  httplib::Server& http = *s.http;
  httplib::Headers headers = kSecurityHeaders;
  if (!options.tls_cert.empty()) headers.emplace("Strict-Transport-Security", "max-age=31536000");
  http.set_default_headers(headers);
  http.set_payload_max_length(options.max_body_bytes);
  // httplib writes headers and body in two sends: without NODELAY each response waits for
  // the client's delayed ACK (~40 ms).
  http.set_tcp_nodelay(true);
  // No response shows a submission that is not durable yet (submission_writer.h): every
  // routed response first waits for the log to be synced past every batch committed so
  // far (one log sync, 2–3 ms; nothing when none is waiting). Not the submission route's own:
  // its answer waited for its batch's sync and shows nothing else.
  install_response_compression(http, [&s, headers](const httplib::Request& req, httplib::Response& res) {
    if (req.method == "POST" && is_submission_path(req.path)) return;
    if (!s.writer->wait_durable()) {
      res = httplib::Response();  // nothing of what the route made (a streamed export, a redirect)
      res.headers = headers;
      send_json(res, error_response(503, Error{"storage.sync_failed", "", 0, 0,
                                               "the server could not write to its disk and has stopped storing; an operator must restart it"}));
    }
  });
  // cpp-httplib closes a keep-alive connection after 5 requests: under load that was a
  // new TCP connection (accept, handshake, a pool task) for every fifth request, ~500 a
  // second in the benchmark. 1,000 is nginx's default (keepalive_requests).
  http.set_keep_alive_max_count(kKeepAliveMaxRequests);
  // An idle keep-alive connection holds its thread: with cpp-httplib's 5 s, 70 idle
  // connections (a dozen browsers that loaded a page) made the next visitor wait 4.4 s
  // for a pool of 64 threads (docs/api.md, "Connections").
  http.set_keep_alive_timeout(options.keep_alive_seconds);
  // Request threads block while the writer commits: more of them in flight means larger
  // group commits, not more CPU.
  const size_t threads = options.http_threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };

  // Routes are recorded in metrics by pattern, never by path (paths may carry ids).
  auto timed = [&s](const char* route, auto handler) {
    return [&s, route, handler](const httplib::Request& req, httplib::Response& res) {
      const auto start = std::chrono::steady_clock::now();
      handler(req, res);
      s.metrics.request(req.method, route, res.status,
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    };
  };
  // Registers a route of this file and records its method (RouteMethods).
  auto get = [&s, &http, timed](const std::string& pattern, const char* route, auto handler) {
    s.routes.add("GET", pattern);
    http.Get(pattern, timed(route, handler));
  };
  auto post = [&s, &http, timed](const std::string& pattern, const char* route, auto handler) {
    s.routes.add("POST", pattern);
    http.Post(pattern, timed(route, handler));
  };

  get("/healthz", "/healthz", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, ApiResponse{200, {{"status", "ok"}}, ""});
  });

  get("/metrics", "/metrics", [&s](const httplib::Request&, httplib::Response& res) {
    const WriterStats w = s.writer->stats();
    std::string extra =
        "# HELP blankett_writer_batches_total Transactions committed by the submission writer.\n"
        "# TYPE blankett_writer_batches_total counter\nblankett_writer_batches_total " + std::to_string(w.batches) + "\n" +
        "# HELP blankett_writer_rows_total Submissions appended by the writer.\n"
        "# TYPE blankett_writer_rows_total counter\nblankett_writer_rows_total " + std::to_string(w.rows) + "\n" +
        "# HELP blankett_wal_checkpoints_total Checkpoints of the write-ahead log run beside the writer.\n"
        "# TYPE blankett_wal_checkpoints_total counter\nblankett_wal_checkpoints_total " + std::to_string(w.checkpoints) + "\n" +
        "# HELP blankett_writer_syncs_total Syncs of the log that made committed batches durable.\n"
        "# TYPE blankett_writer_syncs_total counter\nblankett_writer_syncs_total " + std::to_string(w.syncs) + "\n" +
        "# HELP blankett_writer_pages_total Database pages the writer's transactions appended to the write-ahead log.\n"
        "# TYPE blankett_writer_pages_total counter\nblankett_writer_pages_total " + std::to_string(w.pages) + "\n" +
        "# HELP blankett_writer_cpu_seconds_total CPU time of the submission writer's thread, through its last transaction.\n"
        "# TYPE blankett_writer_cpu_seconds_total counter\nblankett_writer_cpu_seconds_total " + seconds_text(w.cpu_ns) + "\n";
    res.set_content(s.metrics.render(extra), "text/plain; version=0.0.4; charset=utf-8");
  });

  get("/api/forms", "/api/forms", [&s](const httplib::Request&, httplib::Response& res) {
    json forms = json::array();
    for (const FormPtr& f : s.catalog->current()) forms.push_back(form_summary(*f));
    send_json(res, ApiResponse{200, {{"forms", forms}}, ""});
  });

  // A version's answer never changes: serialised and compressed once (the 5,000-field
  // benchmark form is 510 KB of JSON, 40 KB gzipped). The current version also says in
  // which time zone today() counts days (the browser's engine must mean the server's day);
  // a version's own answer, cached for a year, stays the same bytes whatever the zone.
  // A client that holds the answer already (If-None-Match names its ETag) gets 304 and
  // no body: the browser revalidates "current" (no-cache) on every visit.
  auto send_form = [&s](const httplib::Request& req, httplib::Response& res, const FormPtr& form, bool immutable) {
    const std::string mime = "application/json; charset=utf-8";
    const std::string cache_key = (immutable ? "form:" : "form-current:") + form_version(*form);
    std::optional<CompressedBytes> body = s.compressed.find(cache_key);
    if (!body) {
      json document = {{"id", form_id(*form)}, {"version", form_version(*form)}, {"definition", form_definition(*form)}};
      if (!immutable && !s.options.time_zone.empty()) document["time_zone"] = s.options.time_zone;
      body = compress_once(document.dump(), mime);
      s.compressed.put(cache_key, *body);
    }
    const std::string etag = form_etag(form_version(*form), immutable, s.options.time_zone);
    if (if_none_match_names(req.get_header_value("If-None-Match"), etag)) {
      res.status = 304;
      // A 304 carries the headers the 200 would have (RFC 9110 §15.4.5).
      if (body->gzip) res.set_header("Vary", "Accept-Encoding");
    } else {
      res.status = 200;
      send_bytes(req, res, *body, mime);
    }
    res.set_header("ETag", etag);
    // A version never changes; "current" may, so it is revalidated.
    res.set_header("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  };

  auto form_not_found = [](httplib::Response& res, const std::string& id) {
    send_json(res, error_response(404, Error{"form.not_found", "", 0, 0, "there is no published form '" + id + "'"}));
  };

  get(R"(/api/forms/([a-z][a-z0-9-]{0,62}))", "/api/forms/{id}", [&s, send_form, form_not_found](const httplib::Request& req, httplib::Response& res) {
    const FormPtr form = s.catalog->current(req.matches[1].str());
    if (!form) return form_not_found(res, req.matches[1].str());
    send_form(req, res, form, false);
  });

  // Any last segment, so that a malformed version is the version's 404, not "no such
  // endpoint"; a form that was never published is the form's 404.
  get(R"(/api/forms/([a-z][a-z0-9-]{0,62})/versions/([^/]+))", "/api/forms/{id}/versions/{version}",
      [&s, send_form, form_not_found](const httplib::Request& req, httplib::Response& res) {
        const std::string id = req.matches[1].str(), version = req.matches[2].str();
        static const std::regex kVersion("[0-9a-f]{64}");
        const FormPtr form = std::regex_match(version, kVersion) ? s.catalog->version(id, version) : nullptr;
        if (form) return send_form(req, res, form, true);
        if (!s.catalog->current(id)) return form_not_found(res, id);
        send_json(res, error_response(404, Error{"form.version_not_found", "", 0, 0,
                                                 "no such published version of '" + id + "' (a version is 64 hex digits)"}));
      });

  post(R"(/api/forms/([a-z][a-z0-9-]{0,62})/submissions)",
            "/api/forms/{id}/submissions", [&s](const httplib::Request& req, httplib::Response& res) {
              SubmissionContext ctx{*s.catalog, *s.writer,      s.keys,
                                    s.metrics,  s.options.today, s.options.data_dir + "/blankett.db",
                                    s.app->public_url};
              SubmissionRequest sr = submission_request_of(req);
              sr.form_id = req.matches[1].str();
              send_json(res, handle_submission(ctx, sr));
            });

  get("/api/keys", "/api/keys", [&s](const httplib::Request&, httplib::Response& res) {
    send_json(res, ApiResponse{200, {{"keys", s.keys.public_keys_json()}}, ""});
  });

  // The citizen app's form page: one shell (web/form.html) for every form; its script
  // reads the id from the path. 404 for a form that is not published, with the same shell
  // so that the page can say so in the citizen's language. A published form's page has
  // its first step drawn in (first_step_html.h), in the language the page opens in, and
  // asks the browser to fetch the definition with the page.
  get(R"(/f/([a-z][a-z0-9-]{0,62})/?)", "/f/{id}", [&s](const httplib::Request& req, httplib::Response& res) {
    std::optional<StaticFile> shell = find_static_file(s.options.web_dir, "/form.html");
    if (!shell) {
      return send_json(res, error_response(404, Error{"request.not_found", "", 0, 0, "there is no citizen app under --web"}));
    }
    const std::string id = req.matches[1].str();
    const FormPtr form = s.catalog->current(id);
    res.status = form ? 200 : 404;
    std::string page = std::move(shell->content);
    std::string cache_key = shell->path;
    // A reload of a later step (?step=) opens on that step, not on the first.
    if (form && !req.has_param("step")) {
      const std::vector<std::string> languages = form_languages(*form);
      const std::string lang = form_page_language(req.get_param_value("lang"), req.get_header_value("Cookie"), languages);
      const std::string today = s.options.today();
      std::optional<std::string> cached = s.first_steps.find(form_version(*form), lang, today);
      if (!cached) {
        Result<json> views = first_step_views(form, today);
        if (views) {
          for (const std::string& l : languages) {
            std::string drawn = with_first_step(page, first_step_html(views.value().at(l), l), id, l, languages);
            if (l == lang) cached = drawn;
            s.first_steps.put(form_version(*form), l, today, std::move(drawn));
          }
        }
      }
      if (cached) {
        page = std::move(*cached);
        cache_key = "page:/f/" + id + ":" + lang;  // compressed again only when the bytes change
      }
    }
    if (form) res.set_header("Link", "</api/forms/" + id + ">; rel=preload; as=fetch; crossorigin");
    res.set_header("Vary", "Cookie");  // the page's language can come from the cookie
    send_bytes(req, res, s.compressed.for_bytes(cache_key, std::move(page), shell->mime_type), shell->mime_type);
    res.set_header("Cache-Control", shell->cache_control);
  });

  s.app.reset(new AppContext{s.options, s.options.data_dir + "/blankett.db", *s.catalog, s.keys, s.metrics, s.throttle,
                             SessionPolicy{}, !options.tls_cert.empty(), s.options.public_url});
  while (!s.app->public_url.empty() && s.app->public_url.back() == '/') s.app->public_url.pop_back();
  s.app->writer = s.writer.get();
  register_auth_routes(http, *s.app);
  register_inbox_routes(http, *s.app);
  register_admin_routes(http, *s.app);
  register_admin_outbox_routes(http, *s.app);
  register_publishing_routes(http, *s.app);
  register_integration_routes(http, *s.app);
  register_identity_routes(http, *s.app);
  register_signing_routes(http, *s.app);
  register_completion_routes(http, *s.app);

  if (options.dev) register_dev_routes(http, DevRoutesOptions{options.forms_dir, options.preview_dir});

  // Everything else: the web apps' files, or a plain index while there is no web app.
  http.Get(R"(/.*)", timed("static", [&s](const httplib::Request& req, httplib::Response& res) {
    const std::string allow = s.routes.allowed(req.path);
    if (!allow.empty()) return send_method_not_allowed(req, res, allow);  // e.g. GET on a POST route
    if (req.path.rfind("/api/", 0) == 0) {
      return send_json(res, error_response(404, Error{"request.not_found", "", 0, 0, "no such API endpoint: " + req.method + " " + req.path}));
    }
    if (std::optional<StaticFile> file = find_static_file(s.options.web_dir, req.path)) {
      send_bytes(req, res, s.compressed.for_bytes(file->path, std::move(file->content), file->mime_type), file->mime_type);
      res.set_header("Cache-Control", file->cache_control);
      return;
    }
    if (req.path == "/") {
      std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Blankett</title></head><body>"
                         "<main><h1>Blankett</h1><p>Published forms (API: <a href=\"/api/forms\">/api/forms</a>):</p><ul>";
      for (const FormPtr& f : s.catalog->current()) {
        const json summary = form_summary(*f);
        const std::string title = summary["title"][summary["languages"][0].get<std::string>()];
        html += "<li><a href=\"/api/forms/" + html_escape(form_id(*f)) + "\">" + html_escape(title) + "</a></li>";
      }
      html += "</ul></main></body></html>\n";
      res.set_content(html, "text/html; charset=utf-8");
      res.set_header("Cache-Control", "no-cache");
      return;
    }
    send_json(res, error_response(404, Error{"request.not_found", "", 0, 0, "nothing at " + req.path}));
  }));

  // Any other method no route took: 405 on a path this file routes, else 404. Registered
  // last, so that every module's own routes match first.
  auto unrouted = timed("unrouted", [&s](const httplib::Request& req, httplib::Response& res) {
    const std::string allow = s.routes.allowed(req.path);
    if (!allow.empty()) return send_method_not_allowed(req, res, allow);
    send_json(res, error_response(404, Error{"request.not_found", "", 0, 0, "no such endpoint: " + req.method + " " + req.path}));
  });
  http.Post(R"(/.*)", unrouted);
  http.Put(R"(/.*)", unrouted);
  http.Patch(R"(/.*)", unrouted);
  http.Delete(R"(/.*)", unrouted);

  // Errors httplib produces itself (413 body too large, 400 bad request…) get JSON too,
  // unless a handler already wrote a body.
  http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    const std::string code = res.status == 413 ? "request.too_large" : res.status == 404 ? "request.not_found"
                             : res.status == 405 ? "request.method_not_allowed" : "request.bad";
    const std::string message = res.status == 413 ? "the request body is larger than this server accepts" : "the request cannot be handled";
    send_json(res, error_response(res.status, Error{code, "", 0, 0, message}));
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    // Never a crash on input; the details stay out of the response (and out of logs:
    // they could hold personal data).
    send_json(res, error_response(500, Error{"server.internal", "", 0, 0, "internal error; nothing was stored"}));
  });

  DispatcherOptions dispatch;
  dispatch.db_path = db;
  dispatch.smtp = options.smtp;
  dispatch.interval_ms = options.dispatch_interval_ms;
  dispatch.wait_durable = [&s] { return s.writer->wait_durable(); };
  Result<std::unique_ptr<Dispatcher>> dispatcher = Dispatcher::open(std::move(dispatch));
  if (!dispatcher) return dispatcher.errors();
  s.dispatcher = std::move(dispatcher).value();
  s.dispatcher->start();
  return server;
}

int BlankettServer::bind() {
  const int port = bind_listen_socket(*state_->http, state_->options.bind, state_->options.port);
  if (port >= 0 && state_->options.public_url.empty()) {
    state_->app->public_url = std::string(tls() ? "https" : "http") + "://" + state_->options.bind + ":" + std::to_string(port);
  }
  return port;
}

bool BlankettServer::listen() { return state_->http->listen_after_bind(); }
void BlankettServer::stop() { state_->http->stop(); }
httplib::Server& BlankettServer::http() { return *state_->http; }
bool BlankettServer::tls() const { return !state_->options.tls_cert.empty(); }

std::string BlankettServer::writer_priority_note() const { return state_->writer->priority_error(); }

}  // namespace blankett
