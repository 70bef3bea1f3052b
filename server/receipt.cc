// Signing, hashing and checking receipts (receipt.h). The shape check is strict on
// purpose: a receipt is evidence, so anything not exactly in the format is reported
// rather than guessed at.
#include "receipt.h"

#include <climits>
#include <stdexcept>

#include "blankett/submission.h"

namespace blankett {

namespace {

using nlohmann::json;

// The string keys of a receipt besides "format", in canonical (sorted) order.
const char* const kStringKeys[] = {"form_id", "form_version", "key_id", "previous_receipt_sha256",
                                   "received_at", "reference", "signature", "submission_sha256"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_sha256_hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!is_digit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

// "YYYY-MM-DDTHH:MM:SSZ", optionally with a fraction of a second before the Z. The shape
// only; the server writes the time, and browsers parse this form with new Date().
bool is_utc_timestamp(const std::string& s) {
  const std::string shape = "dddd-dd-ddTdd:dd:dd";
  if (s.size() < shape.size() + 1 || s.back() != 'Z') return false;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 'd' ? !is_digit(s[i]) : s[i] != shape[i]) return false;
  }
  const std::string rest = s.substr(shape.size(), s.size() - shape.size() - 1);
  if (rest.empty()) return true;
  if (rest.size() < 2 || rest[0] != '.') return false;
  for (std::size_t i = 1; i < rest.size(); ++i) {
    if (!is_digit(rest[i])) return false;
  }
  return true;
}

// A whole number from 1 that fits in long long (nlohmann keeps parsed non-negative
// numbers as unsigned, constructed ones as signed).
bool is_sequence(const json& v) {
  if (v.is_number_unsigned()) return v.get<unsigned long long>() >= 1 && v.get<unsigned long long>() <= static_cast<unsigned long long>(LLONG_MAX);
  return v.is_number_integer() && v.get<long long>() >= 1;
}

Error bad_format(const std::string& key, const std::string& message) {
  return Error{"receipt.bad_format", key.empty() ? "" : "/" + key, 0, 0, message};
}

Error bad_amends() {
  return bad_format("amends", "\"amends\" must be 64 lowercase hex digits (the receipt_sha256 of the amended receipt)");
}

Error bad_sequence() { return bad_format("sequence", "\"sequence\" must be a whole number from 1"); }

// The rule for the string-valued key `k` (kStringKeys, or "amends") of a receipt.
void check_string(const std::string& k, const std::string& v, Errors& errors) {
  if (k == "amends") {
    if (!is_sha256_hex(v)) errors.push_back(bad_amends());
  } else if (k == "form_version" || k == "submission_sha256" || k == "previous_receipt_sha256") {
    if (!is_sha256_hex(v)) errors.push_back(bad_format(k, "\"" + k + "\" must be 64 lowercase hex digits (a SHA-256)"));
  } else if (k == "received_at") {
    if (!is_utc_timestamp(v)) errors.push_back(bad_format(k, "\"received_at\" must be an RFC 3339 UTC time like 2026-08-15T10:12:03Z"));
  } else if (k == "signature") {
    Signature sig{};
    if (!base64url_decode(v, sig.data(), sig.size())) {
      errors.push_back(bad_format(k, "\"signature\" must be base64url (no padding) of 64 bytes"));
    }
  } else if (v.empty()) {
    errors.push_back(bad_format(k, "\"" + k + "\" must not be empty"));
  }
}

// Every shape problem of `receipt`; `with_signature` = whether "signature" must be there.
Errors shape_errors(const json& receipt, bool with_signature) {
  Errors errors;
  if (!receipt.is_object()) {
    errors.push_back(bad_format("", "a receipt is a JSON object"));
    return errors;
  }
  for (const auto& item : receipt.items()) {
    bool known = item.key() == "format" || item.key() == "sequence" || item.key() == "amends";
    for (const char* k : kStringKeys) known = known || item.key() == k;
    if (!known || (item.key() == "signature" && !with_signature)) {
      errors.push_back(bad_format(item.key(), "\"" + item.key() + "\" is not part of a " + kReceiptFormat + " receipt"));
    }
  }
  auto it = receipt.find("format");
  if (it == receipt.end()) {
    errors.push_back(bad_format("format", "\"format\" is missing"));
  } else if (!it->is_string() || it->get<std::string>() != kReceiptFormat) {
    errors.push_back(bad_format("format", std::string("\"format\" must be \"") + kReceiptFormat + "\""));
  }
  for (const char* key : kStringKeys) {
    const std::string k = key;
    if (k == "signature" && !with_signature) continue;
    it = receipt.find(k);
    if (it == receipt.end()) {
      errors.push_back(bad_format(k, "\"" + k + "\" is missing"));
      continue;
    }
    if (!it->is_string()) {
      errors.push_back(bad_format(k, "\"" + k + "\" must be a string"));
      continue;
    }
    check_string(k, it->get_ref<const std::string&>(), errors);
  }
  // Optional, but never empty: a receipt either amends another or does not have the key.
  it = receipt.find("amends");
  if (it != receipt.end()) {
    if (it->is_string()) {
      check_string("amends", it->get_ref<const std::string&>(), errors);
    } else {
      errors.push_back(bad_amends());
    }
  }
  it = receipt.find("sequence");
  if (it == receipt.end()) {
    errors.push_back(bad_format("sequence", "\"sequence\" is missing"));
  } else if (!is_sequence(*it)) {
    errors.push_back(bad_sequence());
  }
  return errors;
}

std::string canonical(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::strict); }

// `"key":"value"` as canonical() writes it. Printable ASCII other than `"` and `\` is
// written as it is (all of a receipt but, at most, a reference with letters like "Å");
// anything else goes through nlohmann, which escapes it and refuses invalid UTF-8.
std::string& append_member(std::string& out, const char* key, const std::string& value) {
  out.push_back('"');
  out.append(key).append("\":");
  for (char c : value) {
    if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') return out.append(canonical(json(value)));
  }
  return out.append(1, '"').append(value).append(1, '"');
}

// What shape_errors() says of the unsigned receipt made of `f`, checked on the fields
// themselves (the same rules: check_string), without building it.
Errors field_errors(const ReceiptFields& f, const std::string& key_id) {
  Errors errors;
  check_string("form_id", f.form_id, errors);
  check_string("form_version", f.form_version, errors);
  check_string("key_id", key_id, errors);
  check_string("previous_receipt_sha256", f.previous_receipt_sha256, errors);
  check_string("received_at", f.received_at, errors);
  check_string("reference", f.reference, errors);
  check_string("submission_sha256", f.submission_sha256, errors);
  if (!f.amends.empty()) check_string("amends", f.amends, errors);
  if (f.sequence < 1) errors.push_back(bad_sequence());
  return errors;
}

}  // namespace

const std::string& first_previous_receipt_sha256() {
  static const std::string zeros(64, '0');
  return zeros;
}

std::string reference_for(const std::string& prefix, int year, long long sequence) {
  std::string digits = std::to_string(sequence);
  if (digits.size() < 6) digits.insert(0, 6 - digits.size(), '0');
  return prefix + "-" + std::to_string(year) + "-" + digits;
}

json sign_receipt(const ReceiptFields& fields, const KeyRing& ring) { return json::parse(signed_receipt_text(fields, ring)); }

std::string signed_receipt_text(const ReceiptFields& fields, const KeyRing& ring) {
  const std::string& key_id = ring.active().key_id;
  const Errors errors = field_errors(fields, key_id);
  if (!errors.empty()) throw std::invalid_argument("sign_receipt: " + to_string(errors.front()));
  // Keys in canonical (byte) order; "signature" goes between "sequence" and
  // "submission_sha256", so the signed bytes are `head` + "," + `tail`.
  std::string head = "{";
  if (!fields.amends.empty()) append_member(head, "amends", fields.amends).push_back(',');
  append_member(head, "form_id", fields.form_id).push_back(',');
  append_member(head, "form_version", fields.form_version).push_back(',');
  append_member(head, "format", kReceiptFormat).push_back(',');
  append_member(head, "key_id", key_id).push_back(',');
  append_member(head, "previous_receipt_sha256", fields.previous_receipt_sha256).push_back(',');
  append_member(head, "received_at", fields.received_at).push_back(',');
  append_member(head, "reference", fields.reference).push_back(',');
  head.append("\"sequence\":").append(std::to_string(fields.sequence));
  std::string tail;
  append_member(tail, "submission_sha256", fields.submission_sha256).push_back('}');

  const Signature sig = ring.sign(head + "," + tail);
  std::string text = std::move(head);
  text.push_back(',');
  append_member(text, "signature", base64url_encode(sig.data(), sig.size())).push_back(',');
  return text.append(tail);
}

std::string receipt_signed_bytes(const json& receipt) {
  if (!receipt.is_object() || !receipt.contains("signature")) return canonical(receipt);
  json copy = receipt;
  copy.erase("signature");
  return canonical(copy);
}

std::string receipt_sha256(const json& receipt) { return sha256_of(canonical(receipt)); }

Result<ReceiptFields> read_receipt(const json& receipt) {
  Errors errors = shape_errors(receipt, true);
  if (!errors.empty()) return errors;
  ReceiptFields f;
  f.reference = receipt["reference"].get<std::string>();
  f.form_id = receipt["form_id"].get<std::string>();
  f.form_version = receipt["form_version"].get<std::string>();
  f.submission_sha256 = receipt["submission_sha256"].get<std::string>();
  f.received_at = receipt["received_at"].get<std::string>();
  f.key_id = receipt["key_id"].get<std::string>();
  f.previous_receipt_sha256 = receipt["previous_receipt_sha256"].get<std::string>();
  f.sequence = receipt["sequence"].get<long long>();
  if (receipt.contains("amends")) f.amends = receipt["amends"].get<std::string>();
  return f;
}

Result<bool> check_receipt_signature(const json& receipt, const std::string& key_id, const std::vector<PublicKey>& keys,
                                     const std::string& what) {
  const PublicKey* key = nullptr;
  std::string known;
  for (const PublicKey& k : keys) {
    if (k.key_id == key_id) key = &k;
    known += (known.empty() ? "" : ", ") + k.key_id;
  }
  if (key == nullptr) {
    return Errors{Error{"receipt.unknown_key", "/key_id", 0, 0,
                        "the " + what + " is signed by " + key_id + ", which is not among the given keys (" +
                            (known.empty() ? "none" : known) + ")"}};
  }
  std::string bytes;
  try {
    bytes = receipt_signed_bytes(receipt);
  } catch (const json::type_error&) {
    return Errors{bad_format("", "the " + what + " holds text that is not UTF-8")};
  }
  Signature sig{};
  base64url_decode(receipt["signature"].get_ref<const std::string&>(), sig.data(), sig.size());
  if (!signature_valid(key->public_key, bytes, sig)) {
    return Errors{Error{"receipt.bad_signature", "/signature", 0, 0,
                        "the signature does not match the " + what + "'s content under key " + key_id + ": the " + what +
                            " was altered, or signed by another key"}};
  }
  return true;
}

Result<bool> verify_receipt(const json& receipt, const std::vector<PublicKey>& keys) {
  Result<ReceiptFields> fields = read_receipt(receipt);
  if (!fields.ok()) return fields.errors();
  return check_receipt_signature(receipt, fields.value().key_id, keys, "receipt");
}

}  // namespace blankett
