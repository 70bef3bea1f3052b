#include "keys_command.h"

#include <filesystem>
#include <optional>

#include "clock.h"
#include "signing_keys.h"

namespace blankett {

const char kKeysUsage[] =
    "usage: blankett keys list [--data DIR]     the signing keys of the data directory\n"
    "       blankett keys rotate [--data DIR]   make a new key the one that signs new receipts\n"
    "  --data defaults to ./data. list never creates anything; rotate creates the data\n"
    "  directory and a first key if there is none (docs/receipts.md).\n";

namespace {

void print_keys(const KeyRing& ring, std::ostream& out) {
  for (const PublicKey& k : ring.public_keys()) {
    out << k.key_id << "  created " << k.created_at << (k.active ? "  active (signs new receipts)" : "") << "\n";
  }
}

// Why `list` has nothing to show, or nullopt when there are keys to load. Listing must
// not create anything: a typo in --data would otherwise make a new data directory with a
// new signing key that no server uses.
std::optional<std::string> missing_keys(const std::string& data_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(data_dir, ec)) return "no data directory at " + data_dir;
  const fs::path keys = fs::path(data_dir) / "keys";
  bool any = false;
  for (fs::directory_iterator it(keys, ec), end; !ec && it != end; it.increment(ec)) {
    any = any || it->path().extension() == ".key";
  }
  if (!any) {
    return "no signing keys in " + keys.string() + " (`blankett serve --data " + data_dir +
           "` or `blankett keys rotate --data " + data_dir + "` creates the first)";
  }
  return std::nullopt;
}

}  // namespace

int keys_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || (args[0] != "list" && args[0] != "rotate")) {
    err << kKeysUsage;
    return 2;
  }
  std::string data_dir = "./data";
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--data" && i + 1 < args.size()) {
      data_dir = args[++i];
    } else {
      err << kKeysUsage;
      return 2;
    }
  }
  if (args[0] == "list") {
    if (std::optional<std::string> missing = missing_keys(data_dir)) {
      err << "keys: " << *missing << "\n";
      return 1;
    }
  }
  // Loading creates the first key of a new data directory, as `serve` would: only
  // rotate can get here without keys.
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
