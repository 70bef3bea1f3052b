// cpp-httplib's types, declared for headers that only pass them by reference, so that
// <httplib.h> (large) is included by the .cc files that use it and nowhere else.
#pragma once

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib
