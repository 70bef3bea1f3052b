// The blankett command: one binary for developers and servers. Every command is a row of
// one table, so the overview, `blankett <command> --help` and dispatch cannot disagree.
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

using Args = std::vector<std::string>;  // the arguments after the command's name

struct Command {
  const char* name;
  const char* synopsis;     // "lint <form.json | folder>": the overview's left column
  const char* description;  // the overview's right column
  // What `blankett <name> --help` prints; null: "usage: blankett <synopsis>" and the
  // description.
  const char* usage;
  int (*run)(const Args& args, int argc, char** argv);
};

// lint and test take exactly one path.
int one_path(const Args& args, const char* usage, int (*command)(const std::string&, std::ostream&)) {
  if (args.size() != 1) {
    std::cerr << usage;
    return 2;
  }
  return command(args[0], std::cout);
}

const Command kCommands[] = {
    {"lint", "lint <form.json | folder>", "check form definitions; exit 1 on any problem", blankett::kLintUsage,
     [](const Args& a, int, char**) { return one_path(a, blankett::kLintUsage, blankett::lint_command); }},
    {"test", "test <folder | scenario.json>", "run scenario tests; exit 1 on any failure", blankett::kTestUsage,
     [](const Args& a, int, char**) { return one_path(a, blankett::kTestUsage, blankett::test_command); }},
    {"new", "new <form-id> [--forms DIR]", "start a new form (form.json and one scenario test)", blankett::kNewUsage,
     [](const Args& a, int, char**) { return blankett::new_command(a, std::cout, std::cerr); }},
    {"preview", "preview <forms/form-id>", "the form in a window, live as you edit it (docs/preview.md)",
     blankett::kPreviewUsage, [](const Args& a, int, char**) { return blankett::preview_command(a, std::cout, std::cerr); }},
    {"serve", "serve [--port N] [--data DIR] [--forms DIR] [--web DIR]", "publish the forms and serve the API and web apps",
     blankett::kServeUsage, [](const Args& a, int, char**) { return blankett::serve_command(a); }},
    {"audit", "audit verify [--data DIR]", "check the receipt chain and the audit log; exit 1 if tampered", blankett::kAuditUsage,
     [](const Args& a, int, char**) { return blankett::audit_command(a, std::cout, std::cerr); }},
    {"audit", "audit list [--limit N] [--data DIR]", "the newest audit log entries", nullptr, nullptr},
    {"keys", "keys list|rotate [--data DIR]", "list the signing keys, or make a new one the signing key",
     blankett::kKeysUsage, [](const Args& a, int, char**) { return blankett::keys_command(a, std::cout, std::cerr); }},
    {"user", "user add|passwd|disable|enable|list|roles|assign|group [--data DIR]", "manage accounts (docs/accounts.md)",
     blankett::kUserUsage, [](const Args&, int argc, char** argv) { return blankett::user_command(argc, argv); }},
    {"token", "token create|list|revoke [--data DIR]", "API tokens for integrations and publishing", blankett::kTokenUsage,
     [](const Args&, int argc, char** argv) { return blankett::token_command(argc, argv); }},
    {"webhook", "webhook add|list|disable|deliveries|replay [--data DIR]",
     "signed event POSTs to business systems (docs/webhooks.md)", blankett::kWebhookUsage,
     [](const Args& a, int, char**) { return blankett::webhook_command(a, std::cout, std::cerr); }},
    {"publish", "publish <forms/form-id> --server URL --token TOKEN", "upload a new version for a form owner to approve",
     blankett::kPublishUsage, [](const Args&, int argc, char** argv) { return blankett::publish_command(argc, argv); }},
    {"verify", "verify <receipt.json> --key <key.pub | keys.json> [--submission <file>]",
     "check a receipt's signature offline; exit 1 if it fails", blankett::kVerifyUsage,
     [](const Args& a, int, char**) { return blankett::verify_command(a, std::cout, std::cerr); }},
    {"help", "help", "this text", nullptr, nullptr},
};

// One overview line: the description beside the synopsis when it fits, else below it.
std::string overview_line(const char* synopsis, const char* description) {
  constexpr size_t kColumn = 32;
  std::string line = std::string("  ") + synopsis;
  line += line.size() < kColumn ? std::string(kColumn - line.size(), ' ') : "\n" + std::string(kColumn, ' ');
  return line + description + "\n";
}

std::string overview() {
  std::string text = "usage: blankett <command> [arguments]\n\ncommands:\n";
  for (const Command& c : kCommands) text += overview_line(c.synopsis, c.description);
  return text;
}

// `blankett <command> --help`: the command's own usage, or its overview lines.
std::string command_usage(const std::string& name) {
  std::string text;
  for (const Command& c : kCommands) {
    if (name != c.name) continue;
    if (c.usage != nullptr) return c.usage;
    text += (text.empty() ? "usage: blankett " : "       blankett ") + std::string(c.synopsis) + "\n";
  }
  for (const Command& c : kCommands) {
    if (name == c.name) text += std::string("  ") + c.description + "\n";
  }
  return text;
}

const Command* find_command(const std::string& name) {
  for (const Command& c : kCommands) {
    if (name == c.name && c.run != nullptr) return &c;
  }
  return nullptr;
}

// --help or -h anywhere after the command asks for its usage instead of running it.
bool asks_for_help(const Args& args) {
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    // No command is a usage error (a script that lost its argument must not pass).
    std::cerr << overview();
    return 2;
  }
  const std::string name = argv[1];
  if (name == "help" || name == "--help" || name == "-h") {
    std::cout << overview();
    return 0;
  }
  const Command* command = find_command(name);
  if (command == nullptr) {
    std::cerr << "blankett: unknown command '" << name << "'\n\n" << overview();
    return 2;
  }
  const Args args(argv + 2, argv + argc);
  if (asks_for_help(args)) {
    std::cout << command_usage(name);
    return 0;
  }
  return command->run(args, argc, argv);
}
