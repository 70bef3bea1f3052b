// `blankett user …`: accounts from the command line, for the first administrator and for
// scripts. Changes go straight into DATA/blankett.db (created or migrated as needed) and
// each one into the audit log as actor "cli". Docs: docs/accounts.md.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

namespace blankett {

// What `blankett user --help` prints (main.cc).
extern const char kUserUsage[];

// argv[1] == "user". Exit 0 on success, 1 when the change failed, 2 on a usage error.
// Without --password-stdin a password is asked for twice on the terminal, without echo.
int user_command(int argc, char** argv);

// The same with the arguments after "user" and explicit streams (tests). With
// --password-stdin the password is the first line of `in`; otherwise it is asked for on
// the terminal (standard input), and the command fails when there is none.
int user_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace blankett
