// The `blankett verify` command (verify_command.h): argument handling, reading the files,
// and reporting; the checking itself is verify_receipt (receipt.h) or, for a signer's
// receipt ("format": "blankett-signature/1"), verify_signature_receipt
// (signature_receipt.h).
#include "verify_command.h"

#include <optional>

#include "blankett/json_input.h"
#include "blankett/submission.h"
#include "files.h"
#include "receipt.h"
#include "signature_receipt.h"
#include "signing_keys.h"

namespace blankett {

const char kVerifyUsage[] =
    "usage: blankett verify <receipt.json | signature.json> --key <key.pub | keys.json> [--submission <file>]\n"
    "  checks the receipt's signature offline against the given public keys (a .pub file,\n"
    "  or GET /api/keys saved to a file; --key may be repeated). --submission also checks\n"
    "  that the file is the submission the receipt was issued for: the \"submission\" of\n"
    "  the 201 answer, in any JSON formatting (docs/receipts.md). Exit 0 when it verifies,\n"
    "  1 when it does not, 2 on usage errors.\n";

namespace {

using nlohmann::json;


struct Options {
  std::string receipt;
  std::vector<std::string> keys;
  std::string submission;  // "" = not given
};

int usage(std::ostream& err, const std::string& problem) {
  err << "blankett verify: " << problem << "\n" << kVerifyUsage;
  return 2;
}

// Fills `options` or returns the problem with the arguments.
std::optional<std::string> parse_args(const std::vector<std::string>& args, Options* options) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string value;
    std::string name = a;
    if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos) {
      name = a.substr(0, a.find('='));
      value = a.substr(a.find('=') + 1);
    } else if (a == "--key" || a == "--submission") {
      if (i + 1 >= args.size()) return a + " needs a file";
      value = args[++i];
    }
    if (name == "--key") {
      if (value.empty()) return "--key needs a file";
      options->keys.push_back(value);
    } else if (name == "--submission") {
      if (value.empty()) return "--submission needs a file";
      if (!options->submission.empty()) return "--submission is given twice";
      options->submission = value;
    } else if (a.size() > 1 && a[0] == '-') {
      return "unknown option '" + a + "'";
    } else if (!options->receipt.empty()) {
      return "one receipt at a time ('" + options->receipt + "' and '" + a + "')";
    } else {
      options->receipt = a;
    }
  }
  if (options->receipt.empty()) return "which receipt? give the receipt's JSON file";
  return std::nullopt;
}

// "<file>[:line[:column]]: <code>: <message> [<pointer>]", as lint prints problems.
void print(std::ostream& out, const std::string& file, const Error& e) {
  out << file;
  if (e.line > 0) out << ":" << e.line;
  if (e.line > 0 && e.column > 0) out << ":" << e.column;
  out << ": " << e.code << ": " << e.message;
  if (!e.pointer.empty()) out << " [" << e.pointer << "]";
  out << "\n";
}

std::optional<json> parse_json(const std::string& text, std::string* problem) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    *problem = e.what();
    return std::nullopt;
  }
}

// The SHA-256 the server would have hashed for the --submission file: that of its
// canonical JSON, so that any formatting of the same submission (indented, keys in
// another order, \u escapes, as json.dump or jq write it) gives the receipt's hash. Bytes
// that are exactly the canonical text are taken as they are. nullopt, with the problem
// printed, when the file is not JSON.
std::optional<std::string> submission_sha256(const std::string& text, const Options& options, std::ostream& out) {
  const std::string exact = sha256_of(text);
  json document;
  Error error;
  if (!parse_json_input(text, &document, &error)) {
    error.message += " (--submission needs the submission's JSON: the \"submission\" of the server's 201 answer)";
    print(out, options.submission, error);
    return std::nullopt;
  }
  // The engine's canonical JSON is nlohmann's dump() (sorted keys, no spaces, UTF-8,
  // shortest numbers): what canonical_submission writes and submission_document reads.
  const std::string canonical = document.dump(-1, ' ', false, json::error_handler_t::strict);
  return canonical == text ? exact : sha256_of(canonical);
}

// Whether the --submission file is what the receipt was issued for; else prints why.
bool submission_matches(const std::string& submission, const std::string& expected, const std::string& reference,
                        const Options& options, std::ostream& out) {
  const std::optional<std::string> actual = submission_sha256(submission, options, out);
  if (!actual) return false;
  if (*actual == expected) return true;
  print(out, options.submission,
        Error{"receipt.submission_mismatch", "/submission_sha256", 0, 0,
              "the submission's SHA-256 (of its canonical JSON) is " + *actual + " but receipt " + reference +
                  " was issued for " + expected + ": this is not the submission the receipt is for (the receipt's signature itself is valid)"});
  return false;
}

// A signer's receipt: who signed which submission (by hash) of which case, when.
int verify_signature(const json& receipt, const std::vector<PublicKey>& keys, const Options& options,
                     const std::optional<std::string>& submission, std::ostream& out) {
  const Result<bool> verified = verify_signature_receipt(receipt, keys);
  if (!verified.ok()) {
    for (const Error& e : verified.errors()) print(out, options.receipt, e);
    return 1;
  }
  const SignatureReceiptFields fields = read_signature_receipt(receipt).value();
  if (submission && !submission_matches(*submission, fields.submission_sha256, fields.reference, options, out)) return 1;
  out << "signature of " << fields.signer << " on " << fields.reference << " verifies: signed by " << fields.key_id << " at "
      << fields.signed_at << "\n";
  if (submission) out << "submission " << options.submission << " matches: sha256 " << fields.submission_sha256 << "\n";
  return 0;
}

}  // namespace

int verify_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Options options;
  if (std::optional<std::string> problem = parse_args(args, &options)) return usage(err, *problem);
  if (options.keys.empty()) {
    return usage(err,
                 "a public key is needed to verify a receipt. Pass the municipality's key file (keys/<key_id>.pub)\n"
                 "or the JSON array its server publishes at GET /api/keys, saved to a file, with --key.\n"
                 "blankett does not fetch keys over the network: obtain them from a source you trust.");
  }

  // Read everything first: a file that cannot be read is a usage problem (exit 2).
  const std::optional<std::string> receipt_text = read_file(options.receipt);
  if (!receipt_text) return usage(err, "cannot read " + options.receipt);
  std::vector<std::string> key_texts;
  for (const std::string& k : options.keys) {
    std::optional<std::string> text = read_file(k);
    if (!text) return usage(err, "cannot read " + k);
    key_texts.push_back(std::move(*text));
  }
  std::optional<std::string> submission;
  if (!options.submission.empty()) {
    submission = read_file(options.submission);
    if (!submission) return usage(err, "cannot read " + options.submission);
  }

  std::vector<PublicKey> keys;
  for (std::size_t i = 0; i < options.keys.size(); ++i) {
    std::string problem;
    const std::optional<json> j = parse_json(key_texts[i], &problem);
    if (!j) {
      print(out, options.keys[i], Error{"keys.bad_public_key", "", 0, 0, "not valid JSON: " + problem});
      return 1;
    }
    Result<std::vector<PublicKey>> parsed = parse_public_keys(*j);
    if (!parsed.ok()) {
      for (const Error& e : parsed.errors()) print(out, options.keys[i], e);
      return 1;
    }
    for (PublicKey& k : parsed.value()) keys.push_back(std::move(k));
  }

  std::string problem;
  const std::optional<json> receipt = parse_json(*receipt_text, &problem);
  if (!receipt) {
    print(out, options.receipt, Error{"receipt.bad_format", "", 0, 0, "not valid JSON: " + problem});
    return 1;
  }
  if (receipt->is_object() && receipt->value("format", json()) == kSignatureReceiptFormat) {
    return verify_signature(*receipt, keys, options, submission, out);
  }
  const Result<bool> verified = verify_receipt(*receipt, keys);
  if (!verified.ok()) {
    for (const Error& e : verified.errors()) print(out, options.receipt, e);
    return 1;
  }
  const ReceiptFields fields = read_receipt(*receipt).value();
  if (submission && !submission_matches(*submission, fields.submission_sha256, fields.reference, options, out)) return 1;
  out << "receipt " << fields.reference << " verifies: signed by " << fields.key_id << " at " << fields.received_at << "\n";
  if (submission) out << "submission " << options.submission << " matches: sha256 " << fields.submission_sha256 << "\n";
  return 0;
}

}  // namespace blankett
