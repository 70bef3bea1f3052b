// `blankett token …`: API tokens from the command line (api_tokens.h, docs/integration.md).
//   token create --kind integration --form FORM_ID --user USERNAME --label TEXT [--data DIR]
//   token create --kind publish --user USERNAME --label TEXT [--data DIR]
//   token list [--data DIR]
//   token revoke ID [--data DIR]
// `create` prints the raw token alone on stdout (so that a script can capture it) and
// the warning that it is shown only once on stderr. Each change goes to the audit log
// with the actor "cli".
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace blankett {

// What `blankett token --help` prints (main.cc).
extern const char kTokenUsage[];

// Exit 0 on success, 1 when the change was refused or failed, 2 on usage errors.
int token_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// main's entry: argv[2…] are the arguments.
int token_command(int argc, char** argv);

}  // namespace blankett
