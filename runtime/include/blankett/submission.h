// The canonical submission: the deterministic bytes that are hashed, signed and stored.
// The browser (WASM) and the server (native) produce identical bytes for the same
// answers, so a receipt's hash can be checked anywhere.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "blankett/state.h"

namespace blankett {

struct CanonicalSubmission {
  // {"answers": {...}, "form": id, "format": "blankett-submission/1", "version": hash}
  // Only visible, non-empty values, normalised (trimmed text, "YYYYMMDD-NNNN", integers
  // without ".0", multichoice in option order, dates "YYYY-MM-DD"); calculated values
  // included; repeat groups as arrays of row objects.
  std::string bytes;   // the document as canonical JSON: sorted keys, no spaces, UTF-8
  std::string sha256;  // hex of bytes
};

// The document itself, parsed from the bytes (for tests and tools; servers pass the bytes on).
nlohmann::json submission_document(const CanonicalSubmission& submission);

CanonicalSubmission canonical_submission(const FormState& state);

// SHA-256 (hex) of any bytes, the same function the engine uses (for servers and tools).
std::string sha256_of(std::string_view bytes);

}  // namespace blankett
