// What the routes of `blankett serve` share: the options, the published forms, the keys,
// metrics, sign-in policy. Built once by BlankettServer::create and passed by reference
// to each register_*_routes function; everything in it is thread-safe.
#pragma once
#include <string>

#include "form_catalog.h"
#include "login_throttle.h"
#include "metrics.h"
#include "sessions.h"
#include "signing_keys.h"

namespace blankett {

class SubmissionWriter;

struct ServeOptions;

struct AppContext {
  const ServeOptions& options;
  std::string database_path;  // data_dir + "/blankett.db"
  FormCatalog& catalog;
  const KeyRing& keys;
  Metrics& metrics;
  LoginThrottle& throttle;
  SessionPolicy sessions;
  bool tls = false;           // served over TLS: cookies get Secure
  // ServeOptions::public_url, or http(s)://<bind>:<port> once bound; no trailing "/".
  // Set before the server listens, read-only afterwards.
  std::string public_url;
  // The server's one submission writer (the chain has one appender); null in tests that
  // store no submissions.
  SubmissionWriter* writer = nullptr;
};

}  // namespace blankett
