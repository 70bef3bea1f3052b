// Receipts: what the municipality signs for each submission it receives, so that the
// citizen (or anyone) can later prove, offline, what was received and when. Each receipt
// names the hash of the previous one, so the receipts form a chain that cannot be
// reordered or thinned out unnoticed. Format and verification: docs/receipts.md.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/error.h"
#include "signing_keys.h"

namespace blankett {

constexpr char kReceiptFormat[] = "blankett-receipt/1";

// previous_receipt_sha256 of the first receipt of a chain: 64 zeros.
const std::string& first_previous_receipt_sha256();

struct ReceiptFields {
  std::string reference;                // e.g. "SKOL-2026-000123" (reference_for)
  std::string form_id;                  // non-empty
  std::string form_version;             // 64 lowercase hex (form_version())
  std::string submission_sha256;        // 64 lowercase hex (CanonicalSubmission::sha256)
  std::string received_at;              // RFC 3339 UTC: "2026-08-15T10:12:03Z" (fraction allowed)
  std::string key_id;                   // ignored by sign_receipt, filled by read_receipt
  std::string previous_receipt_sha256;  // receipt_sha256 of the previous receipt, or 64 zeros
  long long sequence = 0;               // position in the chain, from 1
  // Optional: "" for a receipt of a first submission; for a later version of an
  // application (a completion, docs/completion-requests.md) the receipt_sha256 (64
  // lowercase hex) of the receipt of the version it amends. Signed like every field.
  std::string amends;
};

// "SKOL-2026-000123": prefix, year, sequence with at least 6 digits (more when needed).
// REQUIRES: sequence >= 0.
std::string reference_for(const std::string& prefix, int year, long long sequence);

// The signed receipt: {"format": "blankett-receipt/1", the fields ("amends" only when
// not empty), "signature"}, where
// "key_id" is always the key that signs, ring.active() (fields.key_id is ignored, so a
// receipt cannot name a key other than its signer), and "signature" is base64url (no
// padding) of the Ed25519 signature of receipt_signed_bytes().
// Throws std::invalid_argument if the fields break the rules above (a programming error:
// it would produce a receipt that can never verify).
nlohmann::json sign_receipt(const ReceiptFields& fields, const KeyRing& ring);

// The same receipt as its canonical JSON text (sign_receipt(...).dump()): what the store
// keeps and hashes. Written directly, without building a JSON object and serialising it
// twice (to sign it, then to store it): the submission writer makes one for every
// submission, one at a time (docs/performance.md). Throws like sign_receipt, and
// nlohmann::json::type_error on strings that are not UTF-8.
std::string signed_receipt_text(const ReceiptFields& fields, const KeyRing& ring);

// The bytes that are signed: the canonical JSON (sorted keys, no spaces, UTF-8; the
// engine's canonical form) of the receipt without its "signature" key.
// Throws nlohmann::json::type_error on strings that are not UTF-8.
std::string receipt_signed_bytes(const nlohmann::json& receipt);

// SHA-256 (hex) of the canonical JSON of the whole receipt, signature included: what the
// next receipt holds in previous_receipt_sha256. Throws like receipt_signed_bytes.
std::string receipt_sha256(const nlohmann::json& receipt);

// The fields of a receipt whose shape is right: exactly the keys above plus "format" and
// "signature" ("amends" only when the receipt has it), each of its type and form. Otherwise every problem, each
// receipt.bad_format with a pointer to the key ("/sequence"; "" for a non-object).
// Does not check the signature.
Result<ReceiptFields> read_receipt(const nlohmann::json& receipt);

// Checks a receipt against public keys (PublicKey, e.g. from parse_public_keys). Returns
// true, or: receipt.bad_format (as read_receipt), receipt.unknown_key (no key in `keys`
// has its key_id; pointer /key_id) or receipt.bad_signature (the signature does not match
// the receipt's content under that key; pointer /signature).
Result<bool> verify_receipt(const nlohmann::json& receipt, const std::vector<PublicKey>& keys);

// The signature check both receipt formats share (verify_receipt and
// verify_signature_receipt call it after reading the fields): `key_id` among `keys`, then
// Ed25519 over receipt_signed_bytes. `what` names the document in messages ("receipt").
// REQUIRES: receipt["signature"] is a string.
Result<bool> check_receipt_signature(const nlohmann::json& receipt, const std::string& key_id,
                                     const std::vector<PublicKey>& keys, const std::string& what);

}  // namespace blankett
