#include "webhook_command.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>

#include "audit_log.h"
#include "cli_args.h"
#include "published_forms.h"
#include "store.h"
#include "webhooks.h"

namespace blankett {

const char kWebhookUsage[] =
    "usage: blankett webhook add --form FORM_ID --url URL [--events e1,e2] [--secret S] [--data DIR]\n"
    "       blankett webhook list [--form FORM_ID] [--data DIR]\n"
    "       blankett webhook disable ID [--data DIR]\n"
    "       blankett webhook deliveries [--webhook ID] [--data DIR]\n"
    "       blankett webhook replay DELIVERY_ID [--data DIR]\n"
    "events: submission.created, case.status_changed, signature.completed, completion.received\n";

namespace {

const char* const kUsage = kWebhookUsage;

// The change and its audit entry commit together or not at all.
template <typename Change>
int audited(Store& store, const std::string& action, const std::string& target_prefix, Change change, std::ostream& err) {
  Result<sql::Transaction> txn = sql::Transaction::begin(store.db.get());
  if (!txn) {
    err << "webhook: " << to_string(txn.errors().front()) << "\n";
    return 1;
  }
  Result<int64_t> id = change();
  if (!id) {
    err << "webhook: " << to_string(id.errors().front()) << "\n";
    return 1;
  }
  AuditEntry e;
  e.actor = "cli";
  e.action = action;
  e.target = target_prefix + std::to_string(id.value());
  Result<AuditEntry> logged = append_audit(store, std::move(e), true);
  if (!logged) {
    err << "webhook: the audit log could not be written: " << to_string(logged.errors().front()) << "\n";
    return 1;
  }
  Result<bool> done = txn.value().commit();
  if (!done) {
    err << "webhook: " << to_string(done.errors().front()) << "\n";
    return 1;
  }
  return 0;
}

int add(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const std::optional<CliArgs> a = parse_cli_args(args, {"form", "url", "events", "secret", "data"});
  if (!a || !a->positional.empty() || !a->options.count("form") || !a->options.count("url")) {
    err << kUsage;
    return 2;
  }
  std::optional<Store> store = open_data_store("webhook", cli_option(*a, "data", "./data"), err);
  if (!store) return 1;
  if (!require_published_forms(*store, "webhook", {cli_option(*a, "form")}, err)) return 1;
  const bool generated = !a->options.count("secret");
  const std::string secret = generated ? new_webhook_secret() : cli_option(*a, "secret");
  const std::vector<std::string> events = split_commas(cli_option(*a, "events", "submission.created,case.status_changed"));
  int64_t made = 0;
  const int rc = audited(*store, "webhook.add", "webhook:", [&]() -> Result<int64_t> {
    Result<int64_t> id = add_webhook(*store, cli_option(*a, "form"), cli_option(*a, "url"), secret, events, "cli");
    if (id) made = id.value();
    return id;
  }, err);
  if (rc != 0) return rc;
  err << "webhook " << made << " added";
  if (generated) {
    err << "; its signing secret follows on stdout and is not shown again";
    out << secret << "\n";
  }
  err << "\n";
  return 0;
}

int list(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const std::optional<CliArgs> a = parse_cli_args(args, {"form", "data"});
  if (!a || !a->positional.empty()) {
    err << kUsage;
    return 2;
  }
  std::optional<Store> store = open_data_store("webhook", cli_option(*a, "data", "./data"), err);
  if (!store) return 1;
  Result<std::vector<Webhook>> hooks = list_webhooks(*store, cli_option(*a, "form"));
  if (!hooks) {
    err << "webhook: " << to_string(hooks.errors().front()) << "\n";
    return 1;
  }
  out << "id\tform\tstate\tevents\turl\n";
  for (const Webhook& h : hooks.value()) {
    std::string events;
    for (const std::string& e : h.events) events += (events.empty() ? "" : ",") + e;
    out << h.id << "\t" << h.form_id << "\t" << (h.disabled_at.empty() ? "active" : "disabled") << "\t" << events << "\t" << h.url
        << "\n";
  }
  return 0;
}

int deliveries(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const std::optional<CliArgs> a = parse_cli_args(args, {"webhook", "data"});
  const std::optional<int64_t> webhook = parse_cli_id(a ? cli_option(*a, "webhook", "0") : "");
  if (!a || !a->positional.empty() || !webhook) {
    err << kUsage;
    return 2;
  }
  std::optional<Store> store = open_data_store("webhook", cli_option(*a, "data", "./data"), err);
  if (!store) return 1;
  Result<std::vector<WebhookDelivery>> rows = list_deliveries(*store, *webhook);
  if (!rows) {
    err << "webhook: " << to_string(rows.errors().front()) << "\n";
    return 1;
  }
  out << "id\twebhook\tevent\tstate\tattempts\tlast_status\tlast_error\n";
  for (const WebhookDelivery& d : rows.value()) {
    out << d.id << "\t" << d.webhook_id << "\t" << d.event << "\t" << d.state << "\t" << d.attempts << "\t" << d.last_status << "\t"
        << d.last_error << "\n";
  }
  return 0;
}

int by_id(const std::vector<std::string>& args, std::ostream& err, const std::string& action, const std::string& target,
          Result<bool> (*apply)(Store&, int64_t)) {
  const std::optional<CliArgs> a = parse_cli_args(args, {"data"});
  const std::optional<int64_t> id = a && a->positional.size() == 1 ? parse_cli_id(a->positional[0]) : std::nullopt;
  if (!id) {
    err << kUsage;
    return 2;
  }
  std::optional<Store> store = open_data_store("webhook", cli_option(*a, "data", "./data"), err);
  if (!store) return 1;
  return audited(*store, action, target, [&]() -> Result<int64_t> {
    Result<bool> done = apply(*store, *id);
    if (!done) return done.errors();
    return *id;
  }, err);
}

}  // namespace

int webhook_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const std::string sub = args.empty() ? "" : args[0];
  if (sub == "add") return add(args, out, err);
  if (sub == "list") return list(args, out, err);
  if (sub == "deliveries") return deliveries(args, out, err);
  if (sub == "disable") return by_id(args, err, "webhook.disable", "webhook:", disable_webhook);
  if (sub == "replay") return by_id(args, err, "webhook.replay", "webhook_delivery:", replay_delivery);
  err << kUsage;
  return 2;
}

}  // namespace blankett
