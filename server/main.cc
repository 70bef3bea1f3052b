// The blankett command: one binary for developers and servers.
#include <iostream>
#include <string>

#include "lint_command.h"
#include "test_command.h"

namespace {

const char kUsage[] =
    "usage: blankett <command> [arguments]\n"
    "\n"
    "commands:\n"
    "  lint <form.json | folder>     check form definitions; exit 1 on any problem\n"
    "  test <folder | scenario.json> run scenario tests; exit 1 on any failure\n"
    "  help                          this text\n";

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "help";
  if (command == "help" || command == "--help" || command == "-h") {
    std::cout << kUsage;
    return 0;
  }
  if (command == "lint" || command == "test") {
    if (argc != 3) {
      std::cerr << "usage: blankett " << command << " <path>\n";
      return 2;
    }
    return command == "lint" ? blankett::lint_command(argv[2], std::cout) : blankett::test_command(argv[2], std::cout);
  }
  std::cerr << "blankett: unknown command '" << command << "'\n\n" << kUsage;
  return 2;
}
