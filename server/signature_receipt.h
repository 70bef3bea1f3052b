// Signature receipts: what the municipality signs for each further signer (a second
// guardian, say) when they sign a case's submission, so that the signer (or anyone) can
// later prove, offline, who signed which submission when. It binds the signer's proven
// identity to the submission's content hash and to the case's own receipt
// (blankett-receipt/1, receipt.h). Same keys, same canonical bytes, same checks as
// receipts. Format and verification: docs/receipts.md ("Signature receipts").
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/error.h"
#include "signing_keys.h"

namespace blankett {

constexpr char kSignatureReceiptFormat[] = "blankett-signature/1";

// Who signed, as the identity provider proved it.
struct SignerIdentity {
  std::string provider;         // "dev", "oidc": non-empty
  std::string subject;          // the provider's subject for the person: non-empty
  std::string personal_number;  // "YYYYMMDD-NNNN", or "" when the provider gave none
};

struct SignatureReceiptFields {
  std::string reference;          // the case's reference, e.g. "SKOL-2026-000123"
  std::string form_id;            // non-empty
  std::string form_version;       // 64 lowercase hex
  std::string signer;             // the form's signers[].id, e.g. "guardian2"
  SignerIdentity signer_identity;
  std::string signed_at;          // RFC 3339 UTC, like a receipt's received_at
  std::string submission_sha256;  // 64 lowercase hex: what was signed
  std::string receipt_sha256;     // 64 lowercase hex: receipt_sha256 of the case's receipt
  std::string key_id;             // ignored by sign_signature_receipt, filled by read_signature_receipt
};

// {"format": "blankett-signature/1", the fields, "key_id": ring.active()'s, "signature"},
// where "signature" is base64url (no padding) of the Ed25519 signature of
// receipt_signed_bytes() (the canonical JSON without "signature", nested keys sorted too).
// Throws std::invalid_argument for fields that break the rules above (a programming
// error: the receipt could never verify).
nlohmann::json sign_signature_receipt(const SignatureReceiptFields& fields, const KeyRing& ring);

// The fields of a signature receipt whose shape is right: exactly the keys above plus
// "format" and "signature" (and exactly provider, subject, personal_number in
// signer_identity), each of its type and form. Otherwise every problem, each
// receipt.bad_format with a pointer ("/signer_identity/subject"; "" for a non-object).
// Does not check the signature.
Result<SignatureReceiptFields> read_signature_receipt(const nlohmann::json& receipt);

// Checks a signature receipt against public keys. Returns true, or receipt.bad_format
// (as read_signature_receipt, or text that is not UTF-8), receipt.unknown_key (pointer
// /key_id) or receipt.bad_signature (pointer /signature): the same codes as
// verify_receipt.
Result<bool> verify_signature_receipt(const nlohmann::json& receipt, const std::vector<PublicKey>& keys);

}  // namespace blankett
