// Ed25519 keys on disk and in memory (signing_keys.h). Every file operation goes through
// one descriptor of the keys directory (openat/renameat relative to it), checked once
// and locked, so nobody can swap the directory or a file under us between the check
// and the use.
#include "signing_keys.h"

#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <new>
#include <utility>

#include "blankett/submission.h"

namespace blankett {

namespace {

using nlohmann::json;

constexpr char kAlgorithm[] = "Ed25519";
constexpr char kActiveFile[] = "active";
constexpr std::size_t kSeedBytes = crypto_sign_SEEDBYTES;
// Larger files are not ours; refusing them keeps a bad file from costing memory.
constexpr off_t kMaxKeyFileBytes = 64 * 1024;

// sodium_init is idempotent and thread-safe; it must run before sodium_malloc or any
// key generation. Run once.
bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

// An owned file descriptor.
struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(Fd&& o) noexcept : fd(std::exchange(o.fd, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      if (fd >= 0) ::close(fd);
      fd = std::exchange(o.fd, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

Errors error(const std::string& code, const std::string& message) { return {Error{code, "", 0, 0, message}}; }

Errors io_error(const std::string& what, const std::string& path) {
  return error("keys.io", what + " " + path + ": " + std::strerror(errno));
}

std::string join(const std::string& dir, const std::string& name) { return dir + "/" + name; }

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string octal_mode(mode_t mode) {
  char b[8];
  std::snprintf(b, sizeof b, "%03o", static_cast<unsigned>(mode & 0777));
  return b;
}

// Opens (creating it if `create`) the keys directory, checks that it is a real directory
// of ours that nobody else can enter, and takes an exclusive lock on it for the lifetime
// of the descriptor.
Result<Fd> open_keys_dir(const std::string& dir, bool create) {
  if (create) {
    if (::mkdir(dir.c_str(), 0700) == 0) {
      // The umask may have taken bits we need; it can never have added any.
      if (::chmod(dir.c_str(), 0700) != 0) return io_error("cannot set the mode of", dir);
    } else if (errno != EEXIST) {
      return io_error("cannot create", dir);
    }
  }
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (d.fd < 0) {
    if (errno == ELOOP || errno == ENOTDIR) return error("keys.unsafe_directory", dir + " is not a directory (a symbolic link is refused)");
    return io_error("cannot open", dir);
  }
  struct stat st {};
  if (::fstat(d.fd, &st) != 0) return io_error("cannot stat", dir);
  if (st.st_uid != ::geteuid()) return error("keys.unsafe_directory", dir + " belongs to another user");
  if ((st.st_mode & 077) != 0) {
    return error("keys.unsafe_directory", dir + " has mode " + octal_mode(st.st_mode) + "; it must be 0700 (only the server's user may enter it)");
  }
  if (::flock(d.fd, LOCK_EX) != 0) return io_error("cannot lock", dir);
  return Result<Fd>(std::move(d));  // move-only: explicit, for compilers before C++20's implicit move
}

// Opens a file in the keys directory for reading after checking that it is a regular
// file of ours with none of the `forbidden` mode bits. Sets *size.
Result<Fd> open_checked(int dirfd, const std::string& dir, const std::string& name, mode_t forbidden, std::size_t* size) {
  const std::string path = join(dir, name);
  // O_NONBLOCK: a FIFO in place of a key file must not hang the start (no effect on files).
  Fd f(::openat(dirfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (f.fd < 0) {
    if (errno == ELOOP) return error("keys.unsafe_file", path + " is a symbolic link");
    return io_error("cannot open", path);
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return io_error("cannot stat", path);
  if (!S_ISREG(st.st_mode)) return error("keys.unsafe_file", path + " is not a regular file");
  if (st.st_uid != ::geteuid()) return error("keys.unsafe_file", path + " belongs to another user");
  if ((st.st_mode & forbidden) != 0) {
    const bool secret = (forbidden & 044) != 0;
    return error("keys.unsafe_file", path + " has mode " + octal_mode(st.st_mode) +
                                         (secret ? "; a private key file must be accessible to its owner only (chmod 600)"
                                                 : "; it must not be writable by group or others"));
  }
  if (st.st_size <= 0 || st.st_size > kMaxKeyFileBytes) return error("keys.bad_file", path + " is empty or too large");
  *size = static_cast<std::size_t>(st.st_size);
  return Result<Fd>(std::move(f));
}

bool read_exactly(int fd, unsigned char* out, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, out + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// A public file (.pub, active) as text.
Result<std::string> read_public_file(int dirfd, const std::string& dir, const std::string& name) {
  std::size_t size = 0;
  Result<Fd> f = open_checked(dirfd, dir, name, 022, &size);
  if (!f.ok()) return f.errors();
  std::string text(size, '\0');
  if (!read_exactly(f.value().fd, reinterpret_cast<unsigned char*>(text.data()), size)) return io_error("cannot read", join(dir, name));
  return text;
}

bool write_all(int fd, const unsigned char* data, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Writes `name` in the keys directory so that it is complete or absent after a crash and
// never has a wider mode than `mode`, not even for a moment: a fresh temporary file is
// created with that mode (O_EXCL: never someone else's file), written, fsynced and renamed;
// then the directory is fsynced so the rename itself survives a crash.
Result<bool> write_file_in(int dirfd, const std::string& dir, const std::string& name, const unsigned char* data,
                           std::size_t size, mode_t mode) {
  const std::string tmp = name + ".tmp";
  const std::string tmp_path = join(dir, tmp);
  // A leftover of a crash; the directory is ours alone, so it is ours too.
  if (::unlinkat(dirfd, tmp.c_str(), 0) != 0 && errno != ENOENT) return io_error("cannot remove", tmp_path);
  {
    Fd f(::openat(dirfd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (f.fd < 0) return io_error("cannot create", tmp_path);
    // The umask may have removed bits (even the owner's read); set exactly `mode`.
    if (::fchmod(f.fd, mode) != 0) return io_error("cannot set the mode of", tmp_path);
    if (!write_all(f.fd, data, size)) return io_error("cannot write", tmp_path);
    if (::fsync(f.fd) != 0) return io_error("cannot sync", tmp_path);
    const int fd = std::exchange(f.fd, -1);
    if (::close(fd) != 0) return io_error("cannot close", tmp_path);
  }
  if (::renameat(dirfd, tmp.c_str(), dirfd, name.c_str()) != 0) return io_error("cannot rename to", join(dir, name));
  if (::fsync(dirfd) != 0) return io_error("cannot sync", dir);
  return true;
}

Result<bool> write_text_in(int dirfd, const std::string& dir, const std::string& name, const std::string& text) {
  return write_file_in(dirfd, dir, name, reinterpret_cast<const unsigned char*>(text.data()), text.size(), 0644);
}

// The .pub file: the public JSON without "active" (which changes; the file does not).
std::string public_file_text(const SigningKey& key) {
  json j = public_key_json(PublicKey{key.key_id, key.public_key, key.created_at, false});
  j.erase("active");
  return j.dump(2) + "\n";
}

// The .key file's text, built in guarded memory so that the private key never passes
// through an ordinary heap string: {"algorithm","created_at","key_id","public_key"} as
// nlohmann writes it, then ,"private_key":"<base64url of the 32-byte seed>"}.
SecretBytes secret_file_text(const SigningKey& key) {
  const json head_json = {{"algorithm", kAlgorithm},
                          {"created_at", key.created_at},
                          {"key_id", key.key_id},
                          {"public_key", base64url_encode(key.public_key.data(), key.public_key.size())}};
  std::string head = head_json.dump();
  head.pop_back();  // the closing brace
  const std::string middle = ",\"private_key\":\"";
  const std::string tail = "\"}\n";
  constexpr std::size_t kB64Len = sodium_base64_ENCODED_LEN(kSeedBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  SecretBytes seed(kSeedBytes);
  crypto_sign_ed25519_sk_to_seed(seed.data(), key.secret_key.data());
  SecretBytes b64(kB64Len);  // includes the terminating NUL libsodium writes
  sodium_bin2base64(reinterpret_cast<char*>(b64.data()), kB64Len, seed.data(), seed.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  const std::size_t b64_len = kB64Len - 1;
  SecretBytes text(head.size() + middle.size() + b64_len + tail.size());
  unsigned char* p = text.data();
  p = std::copy(head.begin(), head.end(), p);
  p = std::copy(middle.begin(), middle.end(), p);
  p = std::copy(b64.data(), b64.data() + b64_len, p);
  std::copy(tail.begin(), tail.end(), p);
  return text;
}

// A new random key, written to disk (.key, then .pub). Not yet active.
Result<SigningKey> create_key(int dirfd, const std::string& dir, const std::string& now) {
  SigningKey key;
  if (crypto_sign_keypair(key.public_key.data(), key.secret_key.data()) != 0) return error("keys.io", "libsodium could not generate a key");
  key.secret_key.make_read_only();
  key.key_id = key_id_for(key.public_key);
  key.created_at = now;
  const SecretBytes text = secret_file_text(key);
  Result<bool> w = write_file_in(dirfd, dir, key.key_id + ".key", text.data(), text.size(), 0600);
  if (!w.ok()) return w.errors();
  w = write_text_in(dirfd, dir, key.key_id + ".pub", public_file_text(key));
  if (!w.ok()) return w.errors();
  return Result<SigningKey>(std::move(key));
}

const std::string* string_at(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

// Loads and checks one <key_id>.key file.
Result<SigningKey> load_key(int dirfd, const std::string& dir, const std::string& name) {
  const std::string path = join(dir, name);
  std::size_t size = 0;
  Result<Fd> f = open_checked(dirfd, dir, name, 077, &size);
  if (!f.ok()) return f.errors();
  SecretBytes text(size);
  if (!read_exactly(f.value().fd, text.data(), size)) return io_error("cannot read", path);
  // nlohmann reads straight from guarded memory; its lexer's scratch buffers are ordinary
  // heap and are freed without wiping: a short-lived copy at load time, accepted.
  const char* begin = reinterpret_cast<const char*>(text.data());
  json j = json::parse(begin, begin + size, nullptr, false);
  auto bad = [&](const std::string& why) { return error("keys.bad_file", path + ": " + why); };
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  auto private_it = j.find("private_key");
  if (private_it == j.end() || !private_it->is_string()) return bad("no \"private_key\" string");
  std::string& private_b64 = private_it->get_ref<std::string&>();
  SecretBytes seed(kSeedBytes);
  const bool seed_ok = base64url_decode(private_b64, seed.data(), seed.size());
  sodium_memzero(private_b64.data(), private_b64.size());
  if (!seed_ok) return bad("\"private_key\" is not base64url of 32 bytes");

  SigningKey key;
  crypto_sign_seed_keypair(key.public_key.data(), key.secret_key.data(), seed.data());
  key.secret_key.make_read_only();
  key.key_id = key_id_for(key.public_key);
  const std::string* algorithm = string_at(j, "algorithm");
  const std::string* key_id = string_at(j, "key_id");
  const std::string* public_b64 = string_at(j, "public_key");
  const std::string* created_at = string_at(j, "created_at");
  if (!algorithm || *algorithm != kAlgorithm) return bad("\"algorithm\" is not \"Ed25519\"");
  if (!created_at) return bad("no \"created_at\" string");
  if (!public_b64 || *public_b64 != base64url_encode(key.public_key.data(), key.public_key.size())) {
    return bad("\"public_key\" is not the public half of \"private_key\"");
  }
  if (!key_id || *key_id != key.key_id || name != key.key_id + ".key") {
    return bad("the key_id and the file name must both be " + key.key_id + " (derived from the public key)");
  }
  key.created_at = *created_at;
  return Result<SigningKey>(std::move(key));
}

// The .pub file of a loaded key: written if missing (it is derived data), else checked.
Result<bool> ensure_public_file(int dirfd, const std::string& dir, const SigningKey& key) {
  const std::string name = key.key_id + ".pub";
  struct stat st {};
  if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno != ENOENT) return io_error("cannot stat", join(dir, name));
    return write_text_in(dirfd, dir, name, public_file_text(key));
  }
  Result<std::string> text = read_public_file(dirfd, dir, name);
  if (!text.ok()) return text.errors();
  const json j = json::parse(text.value(), nullptr, false);
  Result<std::vector<PublicKey>> keys = j.is_discarded() ? Result<std::vector<PublicKey>>(error("keys.bad_public_key", "not JSON"))
                                                         : parse_public_keys(j);
  if (!keys.ok() || keys.value().size() != 1 || keys.value()[0].public_key != key.public_key) {
    return error("keys.bad_file", join(dir, name) + " does not hold the public key of " + key.key_id + ".key");
  }
  return true;
}

// *.key names in the directory, sorted.
Result<std::vector<std::string>> key_file_names(int dirfd, const std::string& dir) {
  const int dup_fd = ::dup(dirfd);  // closedir closes the descriptor it was given
  if (dup_fd < 0) return io_error("cannot list", dir);
  std::unique_ptr<DIR, DirCloser> d(::fdopendir(dup_fd));
  if (!d) {
    ::close(dup_fd);
    return io_error("cannot list", dir);
  }
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d.get())) {
    const std::string name = e->d_name;
    if (ends_with(name, ".key")) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<bool> write_active(int dirfd, const std::string& dir, const std::string& key_id) {
  return write_text_in(dirfd, dir, kActiveFile, key_id + "\n");
}

}  // namespace

SecretBytes::SecretBytes(std::size_t size) : size_(size) {
  if (!sodium_ready()) throw std::bad_alloc();
  data_ = static_cast<unsigned char*>(sodium_malloc(size == 0 ? 1 : size));
  if (data_ == nullptr) throw std::bad_alloc();
}

SecretBytes::~SecretBytes() {
  if (data_ != nullptr) sodium_free(data_);  // wipes, and checks the guard canary
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) sodium_free(data_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void SecretBytes::make_read_only() { sodium_mprotect_readonly(data_); }

const SigningKey& KeyRing::active() const {
  for (const SigningKey& k : keys) {
    if (k.active) return k;
  }
  return keys.back();  // unreachable for a loaded ring
}

Signature KeyRing::sign(std::string_view bytes) const {
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                       active().secret_key.data());
  return sig;
}

std::vector<PublicKey> KeyRing::public_keys() const {
  std::vector<PublicKey> out;
  for (const SigningKey& k : keys) out.push_back(PublicKey{k.key_id, k.public_key, k.created_at, k.active});
  return out;
}

json KeyRing::public_keys_json() const {
  json out = json::array();
  for (const PublicKey& k : public_keys()) out.push_back(public_key_json(k));
  return out;
}

Result<KeyRing> load_or_create_keys(const std::string& data_dir, const std::string& now_rfc3339) {
  if (!sodium_ready()) return error("keys.io", "libsodium could not be initialised");
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return error("keys.io", "cannot create " + data_dir + ": " + ec.message());
  KeyRing ring;
  ring.dir = join(data_dir, "keys");
  Result<Fd> dir = open_keys_dir(ring.dir, true);
  if (!dir.ok()) return dir.errors();
  const int dirfd = dir.value().fd;

  Result<std::vector<std::string>> names = key_file_names(dirfd, ring.dir);
  if (!names.ok()) return names.errors();
  for (const std::string& name : names.value()) {
    Result<SigningKey> key = load_key(dirfd, ring.dir, name);
    if (!key.ok()) return key.errors();
    Result<bool> pub = ensure_public_file(dirfd, ring.dir, key.value());
    if (!pub.ok()) return pub.errors();
    ring.keys.push_back(std::move(key).value());
  }
  std::sort(ring.keys.begin(), ring.keys.end(), [](const SigningKey& a, const SigningKey& b) {
    return a.created_at != b.created_at ? a.created_at < b.created_at : a.key_id < b.key_id;
  });

  struct stat st {};
  const bool has_active_file = ::fstatat(dirfd, kActiveFile, &st, AT_SYMLINK_NOFOLLOW) == 0;
  if (!has_active_file && errno != ENOENT) return io_error("cannot stat", join(ring.dir, kActiveFile));
  std::string active_id;
  if (has_active_file) {
    Result<std::string> text = read_public_file(dirfd, ring.dir, kActiveFile);
    if (!text.ok()) return text.errors();
    active_id = text.value();
    while (!active_id.empty() && (active_id.back() == '\n' || active_id.back() == '\r')) active_id.pop_back();
  } else if (ring.keys.empty()) {
    // First start. (If the active file exists but the keys do not, keys were lost: that is
    // an error below, never silently a new identity.)
    Result<SigningKey> key = create_key(dirfd, ring.dir, now_rfc3339);
    if (!key.ok()) return key.errors();
    active_id = key.value().key_id;
    ring.keys.push_back(std::move(key).value());
    Result<bool> w = write_active(dirfd, ring.dir, active_id);
    if (!w.ok()) return w.errors();
  } else if (ring.keys.size() == 1) {
    // A first start that stopped between writing the key and the active file.
    active_id = ring.keys[0].key_id;
    Result<bool> w = write_active(dirfd, ring.dir, active_id);
    if (!w.ok()) return w.errors();
  } else {
    return error("keys.no_active_key", join(ring.dir, kActiveFile) + " is missing and there are several keys; write the key_id to use in it");
  }
  bool found = false;
  for (SigningKey& k : ring.keys) {
    k.active = k.key_id == active_id;
    found = found || k.active;
  }
  if (!found) return error("keys.no_active_key", join(ring.dir, kActiveFile) + " names '" + active_id + "', which has no .key file");
  return Result<KeyRing>(std::move(ring));
}

Result<std::string> rotate_key(KeyRing& ring, const std::string& now_rfc3339) {
  if (!sodium_ready()) return error("keys.io", "libsodium could not be initialised");
  Result<Fd> dir = open_keys_dir(ring.dir, false);
  if (!dir.ok()) return dir.errors();
  Result<SigningKey> key = create_key(dir.value().fd, ring.dir, now_rfc3339);
  if (!key.ok()) return key.errors();
  // Only once the new key is safely on disk does it become the active one.
  Result<bool> w = write_active(dir.value().fd, ring.dir, key.value().key_id);
  if (!w.ok()) return w.errors();
  for (SigningKey& k : ring.keys) k.active = false;
  std::string id = key.value().key_id;
  ring.keys.push_back(std::move(key).value());
  ring.keys.back().active = true;
  return id;
}

std::string key_id_for(const PublicKeyBytes& public_key) {
  const std::string_view raw(reinterpret_cast<const char*>(public_key.data()), public_key.size());
  return "ed25519-" + sha256_of(raw).substr(0, 16);
}

json public_key_json(const PublicKey& key) {
  return {{"key_id", key.key_id},
          {"algorithm", kAlgorithm},
          {"public_key", base64url_encode(key.public_key.data(), key.public_key.size())},
          {"created_at", key.created_at},
          {"active", key.active}};
}

Result<std::vector<PublicKey>> parse_public_keys(const json& j) {
  // GET /api/keys answers {"keys": [...]}: accept the saved response as it is.
  if (j.is_object() && j.size() == 1 && j.contains("keys") && j["keys"].is_array()) return parse_public_keys(j["keys"]);
  auto bad = [](const std::string& pointer, const std::string& why) { return Errors{Error{"keys.bad_public_key", pointer, 0, 0, why}}; };
  auto one = [&](const json& k, const std::string& at) -> Result<PublicKey> {
    if (!k.is_object()) return bad(at, "a public key is a JSON object");
    const std::string* key_id = string_at(k, "key_id");
    const std::string* algorithm = string_at(k, "algorithm");
    const std::string* public_b64 = string_at(k, "public_key");
    if (!key_id) return bad(at + "/key_id", "\"key_id\" is missing or not a string");
    if (!algorithm || *algorithm != kAlgorithm) return bad(at + "/algorithm", "\"algorithm\" must be \"Ed25519\"");
    PublicKey out;
    if (!public_b64 || !base64url_decode(*public_b64, out.public_key.data(), out.public_key.size())) {
      return bad(at + "/public_key", "\"public_key\" must be base64url (no padding) of 32 bytes");
    }
    out.key_id = *key_id;
    if (out.key_id != key_id_for(out.public_key)) {
      return bad(at + "/key_id", "\"" + out.key_id + "\" is not the id of this public key (" + key_id_for(out.public_key) + ")");
    }
    if (auto it = k.find("created_at"); it != k.end()) {
      if (!it->is_string()) return bad(at + "/created_at", "\"created_at\" must be a string");
      out.created_at = it->get<std::string>();
    }
    if (auto it = k.find("active"); it != k.end()) {
      if (!it->is_boolean()) return bad(at + "/active", "\"active\" must be true or false");
      out.active = it->get<bool>();
    }
    return out;
  };
  std::vector<PublicKey> keys;
  if (j.is_object()) {
    Result<PublicKey> k = one(j, "");
    if (!k.ok()) return k.errors();
    keys.push_back(std::move(k).value());
    return keys;
  }
  if (!j.is_array()) return bad("", "expected a public key object or an array of them");
  for (std::size_t i = 0; i < j.size(); ++i) {
    Result<PublicKey> k = one(j[i], "/" + std::to_string(i));
    if (!k.ok()) return k.errors();
    keys.push_back(std::move(k).value());
  }
  if (keys.empty()) return bad("", "the list holds no keys");
  return keys;
}

bool signature_valid(const PublicKeyBytes& public_key, std::string_view bytes, const Signature& signature) {
  if (!sodium_ready()) return false;
  return crypto_sign_verify_detached(signature.data(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                                     public_key.data()) == 0;
}

bool is_base64url_text(std::string_view text) {
  for (char c : text) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  }
  return true;
}

std::string base64url_encode(const unsigned char* bytes, std::size_t size) {
  const std::size_t len = sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string out(len, '\0');
  sodium_bin2base64(out.data(), len, bytes, size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(len - 1);  // libsodium's terminating NUL
  return out;
}

bool base64url_decode(std::string_view text, unsigned char* out, std::size_t size) {
  if (!sodium_ready()) return false;
  std::size_t written = 0;
  // b64_end = nullptr makes libsodium fail unless the whole text was consumed.
  if (sodium_base642bin(out, size, text.data(), text.size(), nullptr, &written, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return false;
  }
  return written == size;
}

}  // namespace blankett
