// `blankett verify <receipt.json> --key <key.pub | keys.json> [--submission <file>]`:
// checks a receipt offline, against public keys the user supplies (a .pub file from the
// keys directory, or the array GET /api/keys returns, saved to a file). The command never
// fetches keys over the network: which keys to trust is the verifier's decision.
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace blankett {

// The text `blankett verify --help` prints.
extern const char kVerifyUsage[];

// `args` are the arguments after "verify". --key may be given more than once (the keys
// are pooled). With --submission, also checks that the SHA-256 of the canonical JSON of
// that file (any JSON text of the submission: the server hashed its canonical bytes) is
// the receipt's submission_sha256; a file that is not JSON is json.syntax (line, column).
// Prints "receipt <reference> verifies: signed by <key_id> at <received_at>" on `out` and
// returns 0; prints each problem ("<file>[:line:column]: <code>: <message> [<pointer>]") on `out` and
// returns 1; returns 2 with a usage message on `err` for bad arguments, a missing --key,
// or a file that cannot be read.
int verify_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace blankett
