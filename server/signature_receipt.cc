// Signing and checking signature receipts (signature_receipt.h). The canonical bytes and
// the hash are receipt.h's, so a signature receipt is signed exactly like a receipt; the
// shape check is as strict, because it is evidence too.
#include "signature_receipt.h"

#include <stdexcept>

#include "clock.h"
#include "receipt.h"
#include "store.h"

namespace blankett {

namespace {

using nlohmann::json;

// The string keys besides "format" and "signer_identity".
const char* const kStringKeys[] = {"form_id", "form_version", "key_id", "receipt_sha256", "reference",
                                   "signature", "signed_at", "signer", "submission_sha256"};
const char* const kIdentityKeys[] = {"personal_number", "provider", "subject"};

Error bad_format(const std::string& pointer, const std::string& message) {
  return Error{"receipt.bad_format", pointer, 0, 0, message};
}

// "YYYYMMDD-NNNN": the shape the identity layer normalises personal numbers to.
bool is_personal_number(const std::string& s) {
  if (s.size() != 13 || s[8] != '-') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i != 8 && (s[i] < '0' || s[i] > '9')) return false;
  }
  return true;
}

void check_identity(const json& identity, Errors* errors) {
  if (!identity.is_object()) {
    errors->push_back(bad_format("/signer_identity", "\"signer_identity\" must be an object {\"provider\", \"subject\", \"personal_number\"}"));
    return;
  }
  for (const auto& item : identity.items()) {
    bool known = false;
    for (const char* k : kIdentityKeys) known = known || item.key() == k;
    if (!known) errors->push_back(bad_format("/signer_identity/" + item.key(), "\"" + item.key() + "\" is not part of signer_identity"));
  }
  for (const char* key : kIdentityKeys) {
    const std::string k = key;
    const std::string pointer = "/signer_identity/" + k;
    const auto it = identity.find(k);
    if (it == identity.end()) {
      errors->push_back(bad_format(pointer, "\"" + k + "\" is missing"));
    } else if (!it->is_string()) {
      errors->push_back(bad_format(pointer, "\"" + k + "\" must be a string"));
    } else if (k == "personal_number") {
      const std::string& v = it->get_ref<const std::string&>();
      if (!v.empty() && !is_personal_number(v)) errors->push_back(bad_format(pointer, "\"personal_number\" must be YYYYMMDD-NNNN or \"\""));
    } else if (it->get_ref<const std::string&>().empty()) {
      errors->push_back(bad_format(pointer, "\"" + k + "\" must not be empty"));
    }
  }
}

// Every shape problem of `receipt`; `with_signature` = whether "signature" must be there.
Errors shape_errors(const json& receipt, bool with_signature) {
  Errors errors;
  if (!receipt.is_object()) {
    errors.push_back(bad_format("", "a signature receipt is a JSON object"));
    return errors;
  }
  for (const auto& item : receipt.items()) {
    bool known = item.key() == "format" || item.key() == "signer_identity";
    for (const char* k : kStringKeys) known = known || item.key() == k;
    if (!known || (item.key() == "signature" && !with_signature)) {
      errors.push_back(bad_format("/" + item.key(), "\"" + item.key() + "\" is not part of a " + kSignatureReceiptFormat + " receipt"));
    }
  }
  auto it = receipt.find("format");
  if (it == receipt.end()) {
    errors.push_back(bad_format("/format", "\"format\" is missing"));
  } else if (!it->is_string() || it->get<std::string>() != kSignatureReceiptFormat) {
    errors.push_back(bad_format("/format", std::string("\"format\" must be \"") + kSignatureReceiptFormat + "\""));
  }
  for (const char* key : kStringKeys) {
    const std::string k = key;
    if (k == "signature" && !with_signature) continue;
    it = receipt.find(k);
    if (it == receipt.end()) {
      errors.push_back(bad_format("/" + k, "\"" + k + "\" is missing"));
      continue;
    }
    if (!it->is_string()) {
      errors.push_back(bad_format("/" + k, "\"" + k + "\" must be a string"));
      continue;
    }
    const std::string& v = it->get_ref<const std::string&>();
    if (k == "form_version" || k == "submission_sha256" || k == "receipt_sha256") {
      if (!is_sha256_hex(v)) errors.push_back(bad_format("/" + k, "\"" + k + "\" must be 64 lowercase hex digits (a SHA-256)"));
    } else if (k == "signed_at") {
      if (!parse_utc_ms(v)) errors.push_back(bad_format("/" + k, "\"signed_at\" must be an RFC 3339 UTC time like 2026-08-15T10:12:03Z"));
    } else if (k == "signature") {
      Signature sig{};
      if (!base64url_decode(v, sig.data(), sig.size())) {
        errors.push_back(bad_format("/" + k, "\"signature\" must be base64url (no padding) of 64 bytes"));
      }
    } else if (v.empty()) {
      errors.push_back(bad_format("/" + k, "\"" + k + "\" must not be empty"));
    }
  }
  it = receipt.find("signer_identity");
  if (it == receipt.end()) {
    errors.push_back(bad_format("/signer_identity", "\"signer_identity\" is missing"));
  } else {
    check_identity(*it, &errors);
  }
  return errors;
}

json unsigned_receipt(const SignatureReceiptFields& f, const std::string& key_id) {
  return {{"format", kSignatureReceiptFormat},
          {"reference", f.reference},
          {"form_id", f.form_id},
          {"form_version", f.form_version},
          {"signer", f.signer},
          {"signer_identity",
           {{"provider", f.signer_identity.provider},
            {"subject", f.signer_identity.subject},
            {"personal_number", f.signer_identity.personal_number}}},
          {"signed_at", f.signed_at},
          {"submission_sha256", f.submission_sha256},
          {"receipt_sha256", f.receipt_sha256},
          {"key_id", key_id}};
}

}  // namespace

json sign_signature_receipt(const SignatureReceiptFields& fields, const KeyRing& ring) {
  json receipt = unsigned_receipt(fields, ring.active().key_id);
  const Errors errors = shape_errors(receipt, false);
  if (!errors.empty()) throw std::invalid_argument("sign_signature_receipt: " + to_string(errors.front()));
  const Signature sig = ring.sign(receipt_signed_bytes(receipt));
  receipt["signature"] = base64url_encode(sig.data(), sig.size());
  return receipt;
}

Result<SignatureReceiptFields> read_signature_receipt(const json& receipt) {
  Errors errors = shape_errors(receipt, true);
  if (!errors.empty()) return errors;
  SignatureReceiptFields f;
  f.reference = receipt["reference"].get<std::string>();
  f.form_id = receipt["form_id"].get<std::string>();
  f.form_version = receipt["form_version"].get<std::string>();
  f.signer = receipt["signer"].get<std::string>();
  const json& identity = receipt["signer_identity"];
  f.signer_identity = {identity["provider"].get<std::string>(), identity["subject"].get<std::string>(),
                       identity["personal_number"].get<std::string>()};
  f.signed_at = receipt["signed_at"].get<std::string>();
  f.submission_sha256 = receipt["submission_sha256"].get<std::string>();
  f.receipt_sha256 = receipt["receipt_sha256"].get<std::string>();
  f.key_id = receipt["key_id"].get<std::string>();
  return f;
}

Result<bool> verify_signature_receipt(const json& receipt, const std::vector<PublicKey>& keys) {
  Result<SignatureReceiptFields> fields = read_signature_receipt(receipt);
  if (!fields.ok()) return fields.errors();
  return check_receipt_signature(receipt, fields.value().key_id, keys, "signature receipt");
}

}  // namespace blankett
