// The blankett command: one binary for developers and servers.
#include <iostream>
#include <string>
#include <vector>

#include "audit_command.h"
#include "keys_command.h"
#include "lint_command.h"
#include "new_command.h"
#include "preview_command.h"
#include "publish_command.h"
#include "token_command.h"
#include "user_command.h"
#include "test_command.h"
#include "serve_command.h"
#include "verify_command.h"
#include "webhook_command.h"

namespace {

const char kUsage[] =
    "usage: blankett <command> [arguments]\n"
    "\n"
    "commands:\n"
    "  lint <form.json | folder>     check form definitions; exit 1 on any problem\n"
    "  test <folder | scenario.json> run scenario tests; exit 1 on any failure\n"
    "  new <form-id> [--forms DIR]   start a new form (form.json and one scenario test)\n"
    "  preview <forms/form-id>       the form in a window, live as you edit it (docs/preview.md)\n"
    "  serve [--port N] [--data DIR] [--forms DIR] [--web DIR]\n"
    "                                publish the forms and serve the API and web apps\n"
    "  audit verify [--data DIR]     check the receipt chain and the audit log; exit 1 if tampered\n"
    "  audit list [--limit N] [--data DIR]\n"
    "                                the newest audit log entries\n"
    "  keys list|rotate [--data DIR] list the signing keys, or make a new one the signing key\n"
    "  user add|passwd|disable|enable|list|roles|assign|group [--data DIR]\n"
    "                                manage accounts (docs/accounts.md)\n"
    "  token create|list|revoke [--data DIR]\n"
    "                                API tokens for integrations and publishing\n"
    "  webhook add|list|disable|deliveries|replay [--data DIR]\n"
    "                                signed event POSTs to business systems (docs/webhooks.md)\n"
    "  publish <forms/form-id> --server URL --token TOKEN\n"
    "                                upload a new version for a form owner to approve\n"
    "  verify <receipt.json> --key <key.pub | keys.json> [--submission <file>]\n"
    "                                check a receipt's signature offline; exit 1 if it fails\n"
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
  if (command == "new") return blankett::new_command(std::vector<std::string>(argv + 2, argv + argc), std::cout, std::cerr);
  if (command == "preview") return blankett::preview_command(std::vector<std::string>(argv + 2, argv + argc), std::cout, std::cerr);
  if (command == "serve") return blankett::serve_command(argc, argv);
  if (command == "audit") return blankett::audit_command(std::vector<std::string>(argv + 2, argv + argc), std::cout, std::cerr);
  if (command == "keys") return blankett::keys_command(std::vector<std::string>(argv + 2, argv + argc), std::cout, std::cerr);
  if (command == "user") return blankett::user_command(argc, argv);
  if (command == "token") return blankett::token_command(argc, argv);
  if (command == "webhook") return blankett::webhook_command(std::vector<std::string>(argv + 2, argv + argc), std::cout, std::cerr);
  if (command == "publish") return blankett::publish_command(argc, argv);
  if (command == "verify") return blankett::verify_command(std::vector<std::string>(argv + 2, argv + argc), std::cout, std::cerr);
  std::cerr << "blankett: unknown command '" << command << "'\n\n" << kUsage;
  return 2;
}
