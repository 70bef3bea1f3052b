// `blankett serve [--port 8080] [--bind 127.0.0.1] [--data ./data] [--forms ./forms]
//  [--web ./web] [--max-body BYTES] …`: publishes the forms and serves the API and web
// apps until SIGINT/SIGTERM.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "http_server.h"

namespace blankett {

// The text `blankett serve --help` prints.
extern const char kServeUsage[];

// Reads serve's arguments (those after "serve") into `options`. Returns the problem for a
// usage error: an unknown option, a stray argument, a missing value, a number that is not
// a whole number in its option's range (no wrapping, no trailing junk), a --bind that is
// not an address or a resolvable name, a --web that is not a folder, or a --smtp-starttls
// other than off|required.
// Checks between options (e.g. --smtp-host needs --smtp-from) are serve_command's.
std::optional<std::string> parse_serve_args(const std::vector<std::string>& args, ServeOptions* options);

// What serve prints on stderr when `web_dir` is not a folder (the default ./web, run from
// elsewhere than the repository): the server then answers the API only. "" when it is.
std::string web_dir_warning(const std::string& web_dir);

// `args` are the arguments after "serve". Exit 0 after a clean stop, 1 when the server
// cannot start or listen, 2 on usage errors.
int serve_command(const std::vector<std::string>& args);

}  // namespace blankett
