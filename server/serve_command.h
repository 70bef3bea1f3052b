// `blankett serve [--port 8080] [--bind 127.0.0.1] [--data ./data] [--forms ./forms]
//  [--web ./web] [--max-body BYTES]`: publishes the forms and serves the API and web
// apps until SIGINT/SIGTERM.
#pragma once

namespace blankett {

int serve_command(int argc, char** argv);

}  // namespace blankett
