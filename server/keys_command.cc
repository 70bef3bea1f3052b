#include "keys_command.h"

#include "clock.h"
#include "signing_keys.h"

namespace blankett {

namespace {

constexpr char kUsage[] = "usage: blankett keys list|rotate [--data DIR]\n";

void print_keys(const KeyRing& ring, std::ostream& out) {
  for (const PublicKey& k : ring.public_keys()) {
    out << k.key_id << "  created " << k.created_at << (k.active ? "  active (signs new receipts)" : "") << "\n";
  }
}

}  // namespace

int keys_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || (args[0] != "list" && args[0] != "rotate")) {
    err << kUsage;
    return 2;
  }
  std::string data_dir = "./data";
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--data" && i + 1 < args.size()) {
      data_dir = args[++i];
    } else {
      err << kUsage;
      return 2;
    }
  }
  // Loading creates the first key of a new data directory, as `serve` would.
  Result<KeyRing> ring = load_or_create_keys(data_dir, utc_now());
  if (!ring.ok()) {
    for (const Error& e : ring.errors()) err << "keys: " << to_string(e) << "\n";
    return 1;
  }
  if (args[0] == "rotate") {
    const std::string before = ring.value().active().key_id;
    Result<std::string> rotated = rotate_key(ring.value(), utc_now());
    if (!rotated.ok()) {
      for (const Error& e : rotated.errors()) err << "keys: " << to_string(e) << "\n";
      return 1;
    }
    out << "keys: " << rotated.value() << " now signs new receipts; " << before
        << " stays for verifying the receipts it signed. Restart `blankett serve` to use the new key.\n";
  }
  print_keys(ring.value(), out);
  return 0;
}

}  // namespace blankett
