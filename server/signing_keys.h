// The municipality's Ed25519 signing keys: creating, storing, loading and rotating them,
// signing with the active one, and publishing the public halves (GET /api/keys).
//
// On disk, in <data_dir>/keys/ (mode 0700, owned by the server's user):
//   <key_id>.key  the private key (JSON, mode 0600; refused if group/world can read it)
//   <key_id>.pub  the public key (JSON, the same object GET /api/keys lists, minus "active")
//   active        the key_id of the key that signs new receipts (one line)
// Old keys are never deleted: receipts they signed must stay verifiable. docs/receipts.md
// describes the formats.
#pragma once
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/error.h"

namespace blankett {

using PublicKeyBytes = std::array<unsigned char, 32>;
using Signature = std::array<unsigned char, 64>;

// Bytes in libsodium's guarded memory (sodium_malloc: not swapped out, kept out of core
// dumps, guard pages around it), read-only once filled and wiped when freed. Move-only.
class SecretBytes {
 public:
  // Throws std::bad_alloc if libsodium cannot allocate (like any allocation).
  explicit SecretBytes(std::size_t size);
  ~SecretBytes();
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  unsigned char* data() { return data_; }
  const unsigned char* data() const { return data_; }
  std::size_t size() const { return size_; }
  // After this the bytes can be read (by any number of threads) but not written.
  void make_read_only();

 private:
  unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
};

// What a verifier needs: no secret.
struct PublicKey {
  std::string key_id;
  PublicKeyBytes public_key{};
  std::string created_at;
  bool active = false;
};

struct SigningKey {
  std::string key_id;
  PublicKeyBytes public_key{};
  SecretBytes secret_key{64};  // libsodium's form: 32-byte seed followed by the public key
  std::string created_at;
  bool active = false;
};

// Every key of a data directory, oldest first; exactly one is active.
struct KeyRing {
  std::string dir;  // <data_dir>/keys
  std::vector<SigningKey> keys;

  // REQUIRES: the ring came from load_or_create_keys (so one key is active).
  const SigningKey& active() const;
  // Ed25519 signature of `bytes` with the active key.
  Signature sign(std::string_view bytes) const;
  std::vector<PublicKey> public_keys() const;
  // [{"key_id", "algorithm": "Ed25519", "public_key": base64url, "created_at", "active"}],
  // oldest first: the body of GET /api/keys. Browsers import public_key with WebCrypto
  // ('raw', {name: 'Ed25519'}).
  nlohmann::json public_keys_json() const;
};

// Loads every key in <data_dir>/keys/, creating the data directory, the keys directory
// and a first key (created_at = now_rfc3339) when there are none. Fails with
//   keys.unsafe_directory  keys/ is a symlink, not ours, or open to group/others
//   keys.unsafe_file       a key file is not a regular file of ours, or a .key file is
//                          readable by group/others (a .pub or active file writable)
//   keys.bad_file          a file that does not parse or does not match its name/key
//   keys.no_active_key     the active file is missing (with several keys) or names no key
//   keys.io                the file system refused (message says what)
// Holds an exclusive lock (flock on keys/) while it works, so two processes never create
// competing first keys.
Result<KeyRing> load_or_create_keys(const std::string& data_dir, const std::string& now_rfc3339);

// Creates a new key, writes it to disk, makes it the active one (on disk, then in `ring`)
// and returns its key_id. Older keys stay, inactive, for verification. A crash midway
// leaves the old key active and at worst an unused extra key. Errors as above.
// Changes `ring`: not safe while other threads sign with it. Another process holding the
// same keys keeps signing with its old in-memory ring until it loads the keys again.
Result<std::string> rotate_key(KeyRing& ring, const std::string& now_rfc3339);

// "ed25519-" + the first 16 hex characters of SHA-256 of the raw 32-byte public key.
std::string key_id_for(const PublicKeyBytes& public_key);

// One public key as JSON: {"key_id", "algorithm", "public_key", "created_at", "active"}.
nlohmann::json public_key_json(const PublicKey& key);

// Reads public keys from a .pub file's object, an array of them, or GET /api/keys'
// response {"keys": [...]}. Each needs
// "key_id", "algorithm": "Ed25519" and "public_key" (base64url of 32 bytes); "created_at"
// and "active" are optional, other keys are ignored. The key_id must be the one derived
// from the public key, so a list cannot pair an id with someone else's key.
// Fails with keys.bad_public_key (pointer into `json`).
Result<std::vector<PublicKey>> parse_public_keys(const nlohmann::json& json);

// Ed25519 check of a detached signature (libsodium's strict verification).
bool signature_valid(const PublicKeyBytes& public_key, std::string_view bytes, const Signature& signature);

// Base64url without padding (RFC 4648 §5), as JWK and WebCrypto use.
std::string base64url_encode(const unsigned char* bytes, std::size_t size);
// Whether every character is of base64url's alphabet (A–Z a–z 0–9 - _): the shape check
// of the tokens the server hands out, before anything is looked up.
bool is_base64url_text(std::string_view text);
// Exactly `size` bytes from canonical base64url without padding; false on anything else
// (wrong length, padding, other characters, non-zero trailing bits).
bool base64url_decode(std::string_view text, unsigned char* out, std::size_t size);

}  // namespace blankett
