// `blankett webhook …`: webhooks for business systems (webhooks.h, docs/webhooks.md).
//   webhook add --form FORM_ID --url URL [--events e1,e2] [--secret S] [--data DIR]
//   webhook list [--form FORM_ID] [--data DIR]
//   webhook disable ID [--data DIR]
//   webhook deliveries [--webhook ID] [--data DIR]
//   webhook replay DELIVERY_ID [--data DIR]
// `add` without --secret makes one and prints it alone on stdout (shown once; `list`
// never shows secrets). Changes go to the audit log with the actor "cli".
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace blankett {

// What `blankett webhook --help` prints (main.cc).
extern const char kWebhookUsage[];

// Exit 0 on success, 1 when refused or failed, 2 on usage errors. args[0] is "add", ….
int webhook_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace blankett
