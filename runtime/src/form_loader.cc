// Loading a form definition: JSON → CompiledForm. Checks the structure (keys, types,
// ids, translations), parses and type-checks every expression, and builds the dependency
// graph; every problem is collected, so a form developer sees them all at once.
#include <algorithm>
#include <array>
#include <cassert>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "blankett/form.h"
#include "checker.h"
#include "dependency_graph.h"
#include "form_model.h"
#include "json_text.h"
#include "parser.h"
#include "answer_format.h"
#include "sha256.h"
#include "suggest.h"
#include "blankett/utf8.h"

namespace blankett {
namespace {

using nlohmann::json;

constexpr size_t kMaxFields = 20000;
constexpr size_t kMaxOptions = 10000;
constexpr size_t kMaxExpressionBytes = 10000;
// Each signer is a person e-mailed and waited for: a handful is plenty.
constexpr size_t kMaxSigners = 10;

// Keywords only: function names stay free as ids ("age" is a natural field), since a
// call is always written with parentheses.
const char* const kReservedWords[] = {"and", "or", "not", "in", "true", "false"};

bool is_reserved_word(const std::string& s) {
  if (s.size() > 5) return false;  // the longest is "false"
  return std::find(std::begin(kReservedWords), std::end(kReservedWords), s) != std::end(kReservedWords);
}

bool valid_identifier(const std::string& s) {
  if (s.empty() || s.size() > 63 || s[0] < 'a' || s[0] > 'z') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

const char* json_type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "a number";
    default: return "a value";
  }
}


// Keys each field type accepts, beyond the common ones.
const std::vector<std::string>& type_keys(FieldType t) {
  static const std::vector<std::string> kText = {"min_length", "max_length", "pattern", "pattern_message"};
  static const std::vector<std::string> kTextarea = {"min_length", "max_length"};
  static const std::vector<std::string> kNumber = {"min", "max"};
  static const std::vector<std::string> kDecimal = {"min", "max", "decimals"};
  static const std::vector<std::string> kDateKeys = {"min", "max"};
  static const std::vector<std::string> kChoice = {"options", "search"};
  static const std::vector<std::string> kMulti = {"options", "min_items", "max_items", "search"};
  static const std::vector<std::string> kEmail = {"max_length"};
  static const std::vector<std::string> kPnr = {"allow_samordningsnummer"};
  static const std::vector<std::string> kAttachment = {"accept", "max_size", "max_files"};
  static const std::vector<std::string> kInfo = {"text"};
  static const std::vector<std::string> kGroup = {"fields", "min_items", "max_items", "item_label"};
  static const std::vector<std::string> kNone = {};
  switch (t) {
    case FieldType::kText: return kText;
    case FieldType::kTextarea: return kTextarea;
    case FieldType::kInteger: return kNumber;
    case FieldType::kDecimal: return kDecimal;
    case FieldType::kDate: return kDateKeys;
    case FieldType::kChoice: return kChoice;
    case FieldType::kMultiChoice: return kMulti;
    case FieldType::kEmail: return kEmail;
    case FieldType::kPersonnummer: return kPnr;
    case FieldType::kAttachment: return kAttachment;
    case FieldType::kInfo: return kInfo;
    case FieldType::kGroup: return kGroup;
    default: return kNone;
  }
}

bool key_of_some_type(const std::string& key) {
  for (int t = 0; t <= static_cast<int>(FieldType::kGroup); ++t) {
    const auto& keys = type_keys(static_cast<FieldType>(t));
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) return true;
  }
  return false;
}

const std::vector<std::string> kFormKeys = {"$schema", "format", "id", "title", "description", "languages", "reference_prefix", "applicant", "signers", "steps"};
const std::vector<std::string> kApplicantKeys = {"name", "personal_number", "email"};
const std::vector<std::string> kSignerKeys = {"id", "title", "when", "personal_number", "email"};
const std::vector<std::string> kStepKeys = {"id", "title", "description", "visible_if", "fields"};
const std::vector<std::string> kOptionKeys = {"value", "label"};
const std::vector<std::string> kMessageKeys = {"required", "format"};
const std::vector<std::string> kConstraintKeys = {"rule", "message"};
const std::vector<std::string> kCommonFieldKeys = {"id", "type", "label", "hint", "visible_if", "required",
                                                   "required_if", "readonly", "default", "calculate",
                                                   "constraints", "messages"};

// Indexes into the key lists above, for KnownKeys. Each enum follows its list's order.
namespace step_key {
enum Key { kId, kTitle, kDescription, kVisibleIf, kFields };
}
namespace option_key {
enum Key { kValue, kLabel };
}
namespace message_key {
enum Key { kRequired, kFormat };
}
namespace constraint_key {
enum Key { kRule, kMessage };
}
namespace signer_key {
enum Key { kId, kTitle, kWhen, kPersonalNumber, kEmail };
}

// Every key any field may have: kCommonFieldKeys, then the keys of type_keys() of all
// types. Whether a type's key applies to a field is checked by type_keys_apply().
const std::vector<std::string> kFieldKeys = {
    "id", "type", "label", "hint", "visible_if", "required", "required_if", "readonly", "default", "calculate",
    "constraints", "messages",
    "min_length", "max_length", "pattern", "pattern_message", "min", "max", "decimals", "options", "min_items",
    "max_items", "allow_samordningsnummer", "accept", "max_size", "max_files", "text", "fields", "item_label", "search"};
namespace field_key {
enum Key {
  kId, kType, kLabel, kHint, kVisibleIf, kRequired, kRequiredIf, kReadonly, kDefault, kCalculate,
  kConstraints, kMessages,
  kMinLength, kMaxLength, kPattern, kPatternMessage, kMin, kMax, kDecimals, kOptions, kMinItems,
  kMaxItems, kAllowSamordningsnummer, kAccept, kMaxSize, kMaxFiles, kText, kFields, kItemLabel, kSearch,
  kCount,
};
constexpr int kFirstTypeKey = kMinLength;
}  // namespace field_key

// The values of an object's known keys, found in one pass over the object. A form has
// thousands of objects and most known keys are absent from each one, so scanning a short
// list of names once per key present is much cheaper than a map lookup per known key.
class KnownKeys {
 public:
  KnownKeys(const json& obj, const std::vector<std::string>& names) {
    assert(names.size() <= values_.size());
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      const std::string& key = it.key();
      size_t i = 0;
      while (i < names.size() && names[i] != key) ++i;
      if (i == names.size()) {
        unknown_ = true;
      } else {
        values_[i] = &*it;
      }
    }
  }

  // The value of names[i], or null when the object does not have that key.
  const json* operator[](int i) const { return values_[static_cast<size_t>(i)]; }
  // Whether the object has a key that is none of the names.
  bool has_unknown() const { return unknown_; }

 private:
  std::array<const json*, field_key::kCount> values_{};  // the longest list is kFieldKeys
  bool unknown_ = false;
};

// Whether every type-specific key that the field has belongs to its type.
bool type_keys_apply(const KnownKeys& keys, FieldType type) {
  const std::vector<std::string>& allowed = type_keys(type);
  for (int k = field_key::kFirstTypeKey; k < field_key::kCount; ++k) {
    if (keys[k] != nullptr && std::find(allowed.begin(), allowed.end(), kFieldKeys[static_cast<size_t>(k)]) == allowed.end()) return false;
  }
  return true;
}

// "a text field", "an info field": the article as the word is spoken.
std::string field_kind(FieldType t) {
  const std::string name = field_type_name(t);
  return (name.find_first_of("aeiou") == 0 ? "an " : "a ") + name + " field";
}

struct PendingExpression {
  int index;
  int owner_group;
  Type expected;
};

struct Loader {
  CompiledForm* form = nullptr;
  Errors errors;
  std::vector<PendingExpression> pending;
  std::unordered_set<std::string> step_ids;

  void error(const std::string& code, const std::string& pointer, std::string message, int column = 0) {
    errors.push_back(Error{code, pointer, 0, column, std::move(message)});
  }

  // Reports keys that are in none of the `allowed` lists, with a suggestion for near
  // misses; `field_type_label` (for fields) names keys that belong to another type.
  // Allocates nothing unless there is a problem: it runs for every object of the form.
  void check_keys(const json& obj, const std::string& ptr, std::initializer_list<const std::vector<std::string>*> allowed,
                  const char* field_type_label = nullptr) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      const std::string& key = it.key();
      bool ok = false;
      for (const auto* list : allowed) ok = ok || std::find(list->begin(), list->end(), key) != list->end();
      if (ok) continue;
      const std::string kp = ptr + "/" + pointer_token(key);
      if (field_type_label != nullptr && key_of_some_type(key)) {
        error("form.unknown_key", kp, "'" + key + "' does not apply to " + field_type_label);
        continue;
      }
      std::string best;
      size_t best_d = 3;
      for (const auto* list : allowed) {
        for (const std::string& a : *list) consider(key, a, &best, &best_d);
      }
      error("form.unknown_key", kp, "unknown key '" + key + "'" + (best.empty() ? "" : " (did you mean '" + best + "'?)"));
    }
  }

  const json* get(const json& obj, const char* key) {
    const auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }

  // Same as below with the pointer ptr + "/" + key, built only if there is an error.
  bool expect_type(const json& v, const std::string& ptr, const char* key, bool ok, const char* wanted) {
    return ok || expect_type(v, ptr + "/" + key, false, wanted);
  }

  bool expect_type(const json& v, const std::string& ptr, bool ok, const char* wanted) {
    if (!ok) error("form.wrong_type", ptr, std::string("must be ") + wanted + ", not " + json_type_name(v));
    return ok;
  }

  // `wanted` is "a non-empty array of …". An empty array is named as such: it has the
  // right shape, only nothing in it.
  bool expect_non_empty_array(const json& v, const std::string& ptr, const char* wanted) {
    if (v.is_array() && !v.empty()) return true;
    if (!v.is_array()) return expect_type(v, ptr, false, wanted);
    error("form.wrong_type", ptr, std::string("must be ") + wanted + ", not an empty array");
    return false;
  }

  // The readers below take the value of `key` in the object at `ptr` (null when the
  // object does not have the key), so that each object's keys are looked up only once.

  std::string read_string(const json* v, const char* key, const std::string& ptr, bool required) {
    if (v == nullptr) {
      if (required) error("form.missing_key", ptr, std::string("'") + key + "' is required");
      return "";
    }
    if (!expect_type(*v, ptr, key, v->is_string(), "a string")) return "";
    return v->get<std::string>();
  }

  bool read_bool(const json* v, const char* key, const std::string& ptr, bool fallback) {
    if (v == nullptr) return fallback;
    if (!expect_type(*v, ptr, key, v->is_boolean(), "true or false")) return fallback;
    return v->get<bool>();
  }

  // Reads a non-negative integer key; -1 when absent or wrong.
  long long read_count(const json* v, const char* key, const std::string& ptr, long long max_value) {
    if (v == nullptr) return -1;
    if (!expect_type(*v, ptr, key, v->is_number_integer() && v->get<long long>() >= 0, "a whole number ≥ 0")) return -1;
    const long long n = v->get<long long>();
    if (n > max_value) {
      error("form.out_of_range", ptr + "/" + key, "must be at most " + std::to_string(max_value));
      return -1;
    }
    return n;
  }

  LocalizedText read_text(const json* v, const char* key, const std::string& ptr, bool required) {
    LocalizedText t;
    if (v == nullptr) {
      if (required) error("form.missing_key", ptr, std::string("'") + key + "' is required");
      return t;
    }
    if (v->is_string()) {
      // A plain string serves every declared language (text_in() falls back to the first).
      t.at(form->default_lang()) = v->get<std::string>();
      t.present = true;
      if (v->get_ref<const std::string&>().empty() && required) error("form.empty_text", ptr + "/" + key, "must not be empty");
      return t;
    }
    const std::string kp = ptr + "/" + key;
    if (!v->is_object()) {
      error("form.wrong_type", kp, std::string("must be a string or an object of translations {\"sv\": …}, not ") + json_type_name(*v));
      return t;
    }
    for (const auto& [lang, text] : v->items()) {
      Lang l;
      const bool declared = parse_lang(lang, &l) && std::find(form->languages.begin(), form->languages.end(), l) != form->languages.end();
      if (!declared) {
        error("form.unknown_language", kp + "/" + pointer_token(lang), "'" + lang + "' is not one of the form's languages");
        continue;
      }
      if (!expect_type(text, kp + "/" + lang, text.is_string(), "a string")) continue;
      t.at(l) = text.get<std::string>();
    }
    for (Lang l : form->languages) {
      if (t.in(l).empty()) {
        error("form.missing_translation", kp, std::string("the text has no '") + lang_code(l) + "' translation");
      }
    }
    t.present = true;
    return t;
  }

  // Parses an expression now (syntax errors with their column); checks it once every
  // field is known.
  int read_expression(const json* v, const char* key, const std::string& ptr, int owner_group, Type expected) {
    if (v == nullptr) return -1;
    std::string kp = ptr + "/" + key;
    if (!expect_type(*v, kp, v->is_string(), "an expression (a string)")) return -1;
    return add_expression(v->get_ref<const std::string&>(), std::move(kp), owner_group, expected);
  }

  int add_expression(const std::string& source, std::string ptr, int owner_group, Type expected) {
    if (source.size() > kMaxExpressionBytes) {
      error("expr.too_long", ptr, "expression is longer than " + std::to_string(kMaxExpressionBytes) + " bytes");
      return -1;
    }
    ParseError pe;
    const int root = parse_expression(source, &form->nodes, &pe);
    if (root < 0) {
      error("expr.syntax", ptr, pe.message, pe.column);
      return -1;
    }
    Expression e;
    e.root = root;
    e.source = source;
    e.pointer = std::move(ptr);
    form->expressions.push_back(std::move(e));
    const int index = static_cast<int>(form->expressions.size()) - 1;
    pending.push_back(PendingExpression{index, owner_group, expected});
    return index;
  }

  void read_languages(const json& def) {
    const json* v = get(def, "languages");
    if (v == nullptr) {
      error("form.missing_key", "", "'languages' is required, e.g. [\"sv\", \"en\"]");
      form->languages.push_back(Lang::kSv);
      return;
    }
    if (!expect_non_empty_array(*v, "/languages", "a non-empty array of \"sv\", \"en\", \"nb\"")) {
      form->languages.push_back(Lang::kSv);
      return;
    }
    for (size_t i = 0; i < v->size(); ++i) {
      const json& item = (*v)[i];
      Lang l;
      const std::string p = "/languages/" + std::to_string(i);
      if (!item.is_string() || !parse_lang(item.get<std::string>(), &l)) {
        error("form.unknown_language", p, "languages are \"sv\", \"en\" and \"nb\"");
        continue;
      }
      if (std::find(form->languages.begin(), form->languages.end(), l) != form->languages.end()) {
        error("form.duplicate_id", p, std::string("'") + lang_code(l) + "' is listed twice");
        continue;
      }
      form->languages.push_back(l);
    }
    if (form->languages.empty()) form->languages.push_back(Lang::kSv);
  }

  void read_options(Field* f, const json* v, const std::string& ptr) {
    if (v == nullptr) {
      error("form.missing_key", ptr, "'options' is required for " + field_kind(f->type));
      return;
    }
    const std::string op = ptr + "/options";
    if (!expect_non_empty_array(*v, op, "a non-empty array of {\"value\", \"label\"}")) return;
    if (v->size() > kMaxOptions) {
      error("form.out_of_range", op, "at most " + std::to_string(kMaxOptions) + " options");
      return;
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < v->size(); ++i) {
      const json& o = (*v)[i];
      const std::string p = op + "/" + std::to_string(i);
      if (!expect_type(o, p, o.is_object(), "an object {\"value\", \"label\"}")) continue;
      const KnownKeys keys(o, kOptionKeys);
      if (keys.has_unknown()) check_keys(o, p, {&kOptionKeys});
      const json* value = keys[option_key::kValue];
      Option opt;
      opt.value = read_string(value, "value", p, true);
      const bool value_ok = !opt.value.empty() && opt.value.size() <= 64 &&
                            std::all_of(opt.value.begin(), opt.value.end(), [](char c) {
                              return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
                            });
      if (value != nullptr && value->is_string() && !value_ok) {
        error("form.bad_id", p + "/value", "an option value is 1–64 letters A–Z, digits, '_', '.' or '-'");
      }
      if (!seen.insert(opt.value).second && value_ok) error("form.duplicate_id", p + "/value", "option '" + opt.value + "' appears twice");
      opt.label = read_text(keys[option_key::kLabel], "label", p, true);
      f->options.push_back(std::move(opt));
    }
  }

  void read_limits(Field* f, const KnownKeys& keys, const std::string& ptr) {
    namespace fk = field_key;
    switch (f->type) {
      case FieldType::kInteger:
      case FieldType::kDecimal:
        for (const int key : {fk::kMin, fk::kMax}) {
          const json* v = keys[key];
          if (v == nullptr) continue;
          if (!expect_type(*v, ptr, kFieldKeys[static_cast<size_t>(key)].c_str(), v->is_number(), "a number")) continue;
          (key == fk::kMin ? f->min : f->max) = v->get<double>();
        }
        if (f->type == FieldType::kDecimal) {
          const long long d = read_count(keys[fk::kDecimals], "decimals", ptr, 6);
          if (d >= 0) f->decimals = static_cast<int>(d);
        }
        if (f->min && f->max && *f->min > *f->max) error("form.out_of_range", ptr + "/min", "'min' is greater than 'max'");
        break;
      case FieldType::kDate:
        for (const int key : {fk::kMin, fk::kMax}) {
          const json* v = keys[key];
          if (v == nullptr) continue;
          Date d;
          if (!v->is_string() || !parse_iso_date(v->get<std::string>(), &d)) {
            error("form.wrong_type", ptr + "/" + kFieldKeys[static_cast<size_t>(key)], "must be a date written YYYY-MM-DD");
            continue;
          }
          (key == fk::kMin ? f->min_date : f->max_date) = d;
        }
        break;
      default:
        break;
    }
    const long long min_length = read_count(keys[fk::kMinLength], "min_length", ptr, 1000000);
    const long long max_length = read_count(keys[fk::kMaxLength], "max_length", ptr, 100000);
    f->min_length = static_cast<int>(min_length);
    f->max_length = static_cast<int>(max_length);
    if (min_length >= 0 && max_length >= 0 && min_length > max_length) error("form.out_of_range", ptr + "/min_length", "'min_length' is greater than 'max_length'");
    const long long min_items = read_count(keys[fk::kMinItems], "min_items", ptr, 1000);
    const long long max_items = read_count(keys[fk::kMaxItems], "max_items", ptr, 1000);
    f->min_items = static_cast<int>(min_items);
    f->max_items = static_cast<int>(max_items);
    if (min_items >= 0 && max_items >= 0 && min_items > max_items) error("form.out_of_range", ptr + "/min_items", "'min_items' is greater than 'max_items'");
    if (f->type == FieldType::kText) {
      const json* p = keys[fk::kPattern];
      if (p != nullptr && expect_type(*p, ptr + "/pattern", p->is_string(), "a regular expression (a string)")) {
        RegexError err;
        f->pattern = Regex::compile(p->get<std::string>(), &err);
        if (!f->pattern) error("form.bad_regex", ptr + "/pattern", "the pattern does not compile: " + err.message, err.column);
      }
      f->pattern_message = read_text(keys[fk::kPatternMessage], "pattern_message", ptr, false);
    }
    if (f->type == FieldType::kAttachment) {
      const json* accept = keys[fk::kAccept];
      if (accept != nullptr && expect_type(*accept, ptr + "/accept", accept->is_array(), "an array of MIME types")) {
        for (size_t i = 0; i < accept->size(); ++i) {
          const json& m = (*accept)[i];
          if (!m.is_string() || m.get<std::string>().find('/') == std::string::npos) {
            error("form.wrong_type", ptr + "/accept/" + std::to_string(i), "must be a MIME type such as \"application/pdf\" or \"image/*\"");
            continue;
          }
          f->accept.push_back(m.get<std::string>());
        }
      }
      f->max_size = read_count(keys[fk::kMaxSize], "max_size", ptr, 1LL << 40);
      const long long max_files = read_count(keys[fk::kMaxFiles], "max_files", ptr, 100);
      if (max_files == 0) error("form.out_of_range", ptr + "/max_files", "must be at least 1");
      if (max_files > 0) f->max_files = static_cast<int>(max_files);
    }
    if (f->type == FieldType::kPersonnummer) {
      f->allow_samordningsnummer = read_bool(keys[fk::kAllowSamordningsnummer], "allow_samordningsnummer", ptr, true);
    }
  }

  void read_messages(Field* f, const json* v, const std::string& ptr) {
    if (v == nullptr) return;
    const std::string mp = ptr + "/messages";
    if (!expect_type(*v, mp, v->is_object(), "an object {\"required\": …, \"format\": …}")) return;
    const KnownKeys keys(*v, kMessageKeys);
    if (keys.has_unknown()) check_keys(*v, mp, {&kMessageKeys});
    f->required_message = read_text(keys[message_key::kRequired], "required", mp, false);
    f->format_message = read_text(keys[message_key::kFormat], "format", mp, false);
  }

  void read_constraints(Field* f, const json* v, const std::string& ptr) {
    if (v == nullptr) return;
    const std::string cp = ptr + "/constraints";
    if (!expect_type(*v, cp, v->is_array(), "an array of {\"rule\", \"message\"}")) return;
    for (size_t i = 0; i < v->size(); ++i) {
      const json& c = (*v)[i];
      const std::string p = cp + "/" + std::to_string(i);
      if (!expect_type(c, p, c.is_object(), "an object {\"rule\", \"message\"}")) continue;
      const KnownKeys keys(c, kConstraintKeys);
      if (keys.has_unknown()) check_keys(c, p, {&kConstraintKeys});
      Constraint k;
      if (keys[constraint_key::kRule] == nullptr) error("form.missing_key", p, "'rule' is required");
      k.expr = read_expression(keys[constraint_key::kRule], "rule", p, f->group, Type::kBool);
      k.message = read_text(keys[constraint_key::kMessage], "message", p, true);
      f->constraints.push_back(std::move(k));
    }
  }

  // `taken`: an earlier field has this id.
  void check_field_id(const std::string& id, const std::string& ptr, bool taken) {
    if (!valid_identifier(id)) {
      error("form.bad_id", ptr + "/id", "'" + id + "' is not a valid id: use a–z, 0–9 and '_', starting with a letter (at most 63)");
    } else if (is_reserved_word(id)) {
      error("form.bad_id", ptr + "/id", "'" + id + "' is a word of the expression language and cannot be an id");
    } else if (taken || step_ids.count(id)) {
      error("form.duplicate_id", ptr + "/id", "id '" + id + "' is used twice");
    }
  }

  // Keys that an info or group field (which has no value) must not have.
  void check_not_applicable(const Field& f, const KnownKeys& keys, const std::string& ptr) {
    namespace fk = field_key;
    for (const int key : {fk::kRequired, fk::kRequiredIf, fk::kDefault, fk::kReadonly, fk::kConstraints}) {
      if (key == fk::kConstraints && f.type != FieldType::kInfo) continue;
      if (keys[key] == nullptr) continue;
      const std::string& name = kFieldKeys[static_cast<size_t>(key)];
      error("form.conflict", ptr + "/" + name, "'" + name + "' does not apply to " + field_kind(f.type));
    }
  }

  void read_group_children(Field* f, int index, const json* children, const std::string& ptr, int step) {
    if (children == nullptr) {
      error("form.missing_key", ptr, "'fields' is required for a group");
      return;
    }
    if (!expect_non_empty_array(*children, ptr + "/fields", "a non-empty array of fields")) return;
    for (size_t i = 0; i < children->size(); ++i) {
      const int child = read_field((*children)[i], ptr + "/fields/" + std::to_string(i), step, index);
      if (child >= 0) {
        form->fields[static_cast<size_t>(child)].column = static_cast<int>(f->children.size());
        f->children.push_back(child);
      }
    }
  }

  // Reads one field (and, for a group, its children). Returns its index or -1.
  int read_field(const json& obj, const std::string& ptr, int step, int group) {
    namespace fk = field_key;
    if (!expect_type(obj, ptr, obj.is_object(), "a field object")) return -1;
    if (form->fields.size() >= kMaxFields) {
      if (form->fields.size() == kMaxFields) error("form.too_large", ptr, "a form has at most " + std::to_string(kMaxFields) + " fields");
      return -1;
    }
    const KnownKeys keys(obj, kFieldKeys);
    Field f;
    f.pointer = ptr;
    f.step = step;
    f.group = group;
    f.id = read_string(keys[fk::kId], "id", ptr, true);
    const std::string type_name = read_string(keys[fk::kType], "type", ptr, true);
    if (!type_name.empty() && !parse_field_type(type_name, &f.type)) {
      error("form.unknown_type", ptr + "/type", "unknown field type '" + type_name +
                                                    "' (types: text, textarea, integer, decimal, date, yesno, choice, multichoice, email, phone, personnummer, orgnummer, postalcode, attachment, info, group)");
    }
    // The first field with a (well-formed) id owns it; one lookup both claims and checks.
    const int index = static_cast<int>(form->fields.size());
    const bool id_taken = valid_identifier(f.id) && !form->field_by_id.try_emplace(f.id, index).second;
    if (keys[fk::kId] != nullptr && keys[fk::kId]->is_string()) check_field_id(f.id, ptr, id_taken);
    // Keys: common ones, plus the type's own; a key of another type is named as such.
    if (keys.has_unknown() || !type_keys_apply(keys, f.type)) {
      check_keys(obj, ptr, {&kCommonFieldKeys, &type_keys(f.type)}, field_kind(f.type).c_str());
    }

    form->fields.push_back(Field());  // reserve the slot: children are added after

    const bool has_value = f.type != FieldType::kInfo && f.type != FieldType::kGroup;
    f.label = read_text(keys[fk::kLabel], "label", ptr, f.type != FieldType::kInfo);
    f.hint = read_text(keys[fk::kHint], "hint", ptr, false);
    if (f.type == FieldType::kInfo) f.info_text = read_text(keys[fk::kText], "text", ptr, true);
    f.required = read_bool(keys[fk::kRequired], "required", ptr, false);
    f.readonly = read_bool(keys[fk::kReadonly], "readonly", ptr, false);
    if (f.required && keys[fk::kRequiredIf] != nullptr) {
      error("form.conflict", ptr + "/required_if", "use either 'required' or 'required_if', not both");
    }
    f.visible_if = read_expression(keys[fk::kVisibleIf], "visible_if", ptr, group, Type::kBool);
    f.required_if = read_expression(keys[fk::kRequiredIf], "required_if", ptr, group, Type::kBool);
    if (has_value && f.type != FieldType::kAttachment) {
      f.calculate = read_expression(keys[fk::kCalculate], "calculate", ptr, group, value_type(f.type));
    } else if (keys[fk::kCalculate] != nullptr) {
      error("form.conflict", ptr + "/calculate", field_kind(f.type) + " cannot be calculated");
    }
    if (!has_value) check_not_applicable(f, keys, ptr);
    if (f.type == FieldType::kChoice || f.type == FieldType::kMultiChoice) {
      read_options(&f, keys[fk::kOptions], ptr);
      f.searchable = read_bool(keys[fk::kSearch], "search", ptr, false);
    }
    read_limits(&f, keys, ptr);
    read_messages(&f, keys[fk::kMessages], ptr);
    read_constraints(&f, keys[fk::kConstraints], ptr);
    if (const json* d = keys[fk::kDefault]) {
      if (f.calculate >= 0) error("form.conflict", ptr + "/default", "a calculated field has no default");
      f.default_answer = *d;
    }
    if (f.type == FieldType::kGroup) {
      f.item_label = read_text(keys[fk::kItemLabel], "item_label", ptr, false);
      if (group >= 0) {
        error("form.nested_group", ptr, "repeat groups cannot contain repeat groups in format 1");
      } else {
        f.group_slot = static_cast<int>(form->groups.size());
        form->groups.push_back(index);
        read_group_children(&f, index, keys[fk::kFields], ptr, step);
      }
    }
    form->fields[static_cast<size_t>(index)] = std::move(f);
    return index;
  }

  void read_step(const json& obj, const std::string& ptr, int step_index) {
    namespace sk = step_key;
    Step s;
    s.pointer = ptr;
    if (!expect_type(obj, ptr, obj.is_object(), "a step object")) {
      form->steps.push_back(std::move(s));
      return;
    }
    const KnownKeys keys(obj, kStepKeys);
    if (keys.has_unknown()) check_keys(obj, ptr, {&kStepKeys});
    s.id = read_string(keys[sk::kId], "id", ptr, true);
    if (keys[sk::kId] != nullptr && keys[sk::kId]->is_string()) {
      if (!valid_identifier(s.id)) {
        error("form.bad_id", ptr + "/id", "'" + s.id + "' is not a valid id: use a–z, 0–9 and '_', starting with a letter (at most 63)");
      } else if (!step_ids.insert(s.id).second || form->field_by_id.count(s.id)) {
        error("form.duplicate_id", ptr + "/id", "id '" + s.id + "' is used twice");
      } else {
        form->step_by_id.emplace(s.id, step_index);
      }
    }
    s.title = read_text(keys[sk::kTitle], "title", ptr, true);
    s.description = read_text(keys[sk::kDescription], "description", ptr, false);
    s.visible_if = read_expression(keys[sk::kVisibleIf], "visible_if", ptr, -1, Type::kBool);
    form->steps.push_back(std::move(s));
    const json* fields = keys[sk::kFields];
    if (fields == nullptr) {
      error("form.missing_key", ptr, "'fields' is required");
    } else if (expect_type(*fields, ptr + "/fields", fields->is_array(), "an array of fields")) {
      for (size_t i = 0; i < fields->size(); ++i) {
        const int f = read_field((*fields)[i], ptr + "/fields/" + std::to_string(i), step_index, -1);
        if (f >= 0) form->steps[static_cast<size_t>(step_index)].fields.push_back(f);
      }
    }
  }
  void check_defaults() {
    for (const Field& f : form->fields) {
      if (f.default_answer.is_null()) continue;
      Value v;
      if (read_answer(f, f.default_answer, Date{}, &v) != Problem::kNone) {
        error("form.bad_default", f.pointer + "/default", "the default is not a valid answer for " + field_kind(f.type));
      }
    }
  }

  // The id of the top-level field of one of `types` that `id` (at pointer `at`) names,
  // or "" after reporting why not: `code` is the problem's code for a field of the wrong
  // kind ("form.bad_applicant", "form.bad_signer"), `one_person` why a repeat group's
  // field cannot be it.
  std::string top_level_field(const json& id, const std::string& at, std::initializer_list<FieldType> types,
                              const char* wanted, const char* code, const char* one_person) {
    if (!expect_type(id, at, id.is_string(), "a field id")) return std::string();
    const auto it = form->field_by_id.find(id.get<std::string>());
    if (it == form->field_by_id.end()) {
      error("form.unknown_field", at, "there is no field '" + id.get<std::string>() + "'");
      return std::string();
    }
    const Field& f = form->fields[static_cast<size_t>(it->second)];
    if (f.group >= 0) {
      error(code, at, "'" + f.id + "' is inside a repeat group; " + one_person);
      return std::string();
    }
    if (std::find(types.begin(), types.end(), f.type) == types.end()) {
      error(code, at, "'" + f.id + "' must be " + wanted);
      return std::string();
    }
    return f.id;
  }

  // "applicant": which answers name the person a submission is about, for the
  // caseworker's inbox and its search, and where messages to them go. Read after the
  // steps: it names their fields.
  void read_applicant(const json* v) {
    if (v == nullptr) return;
    const std::string ptr = "/applicant";
    if (!expect_type(*v, ptr, v->is_object(), "an object {\"name\": [field ids], \"personal_number\": field id, \"email\": field id}")) return;
    check_keys(*v, ptr, {&kApplicantKeys});
    const char* kOnePerson = "the applicant is one person";
    if (const json* name = get(*v, "name")) {
      if (expect_type(*name, ptr + "/name", name->is_array() && !name->empty() && name->size() <= 4, "an array of 1–4 field ids")) {
        for (size_t i = 0; i < name->size(); ++i) {
          std::string id = top_level_field((*name)[i], ptr + "/name/" + std::to_string(i), {FieldType::kText}, "a text field",
                                           "form.bad_applicant", kOnePerson);
          if (!id.empty()) form->applicant.name_fields.push_back(std::move(id));
        }
      }
    }
    if (const json* pnr = get(*v, "personal_number")) {
      form->applicant.personal_number_field = top_level_field(*pnr, ptr + "/personal_number", {FieldType::kPersonnummer},
                                                              "a personnummer field", "form.bad_applicant", kOnePerson);
    }
    if (const json* email = get(*v, "email")) {
      form->applicant.email_field =
          top_level_field(*email, ptr + "/email", {FieldType::kEmail}, "an email field", "form.bad_applicant", kOnePerson);
    }
  }

  // "signers": the further people who must sign a submission, each identified by a
  // personnummer answer and reached by an e-mail answer. Read after the steps (it names
  // their fields) and before the expressions are checked (`when` is one of them).
  void read_signers(const json* v) {
    namespace sk = signer_key;
    if (v == nullptr) return;
    if (!expect_type(*v, "/signers", v->is_array(), "an array of signers {\"id\", \"title\", \"personal_number\", \"email\"}")) return;
    if (v->size() > kMaxSigners) {
      error("form.out_of_range", "/signers", "a form has at most " + std::to_string(kMaxSigners) + " signers");
      return;
    }
    const char* kOnePerson = "a signer is one person";
    std::unordered_map<std::string, std::string> signer_of_field;  // personnummer field → signer id
    for (size_t i = 0; i < v->size(); ++i) {
      const json& obj = (*v)[i];
      Signer s;
      s.pointer = "/signers/" + std::to_string(i);
      const std::string& ptr = s.pointer;
      if (!expect_type(obj, ptr, obj.is_object(), "a signer object {\"id\", \"title\", \"personal_number\", \"email\"}")) continue;
      const KnownKeys keys(obj, kSignerKeys);
      if (keys.has_unknown()) check_keys(obj, ptr, {&kSignerKeys});
      s.id = read_string(keys[sk::kId], "id", ptr, true);
      if (keys[sk::kId] != nullptr && keys[sk::kId]->is_string()) {
        if (!valid_identifier(s.id)) {
          error("form.bad_id", ptr + "/id", "'" + s.id + "' is not a valid id: use a–z, 0–9 and '_', starting with a letter (at most 63)");
        } else if (std::any_of(form->signers.begin(), form->signers.end(), [&](const Signer& o) { return o.id == s.id; })) {
          error("form.duplicate_signer", ptr + "/id", "signer '" + s.id + "' is declared twice");
        }
      }
      read_text(keys[sk::kTitle], "title", ptr, true);  // checks the text; kept as written
      if (keys[sk::kTitle] != nullptr) s.title = *keys[sk::kTitle];
      s.when = read_expression(keys[sk::kWhen], "when", ptr, -1, Type::kBool);
      if (keys[sk::kPersonalNumber] == nullptr) {
        error("form.missing_key", ptr, "'personal_number' is required: the field with the personal identity number the signer must prove");
      } else {
        const std::string id = top_level_field(*keys[sk::kPersonalNumber], ptr + "/personal_number", {FieldType::kPersonnummer},
                                               "a personnummer field", "form.bad_signer", kOnePerson);
        if (!id.empty()) {
          const auto [it, fresh] = signer_of_field.emplace(id, s.id);
          if (!fresh) {
            error("form.bad_signer", ptr + "/personal_number", "'" + id + "' already identifies signer '" + it->second + "'; each signer is another person");
          } else {
            s.personal_number_field = form->field_by_id.at(id);
          }
        }
      }
      if (keys[sk::kEmail] == nullptr) {
        error("form.missing_key", ptr, "'email' is required: the field with the address the signing link is sent to");
      } else {
        const std::string id = top_level_field(*keys[sk::kEmail], ptr + "/email", {FieldType::kEmail}, "an email field",
                                               "form.bad_signer", kOnePerson);
        if (!id.empty()) s.email_field = form->field_by_id.at(id);
      }
      form->signers.push_back(std::move(s));
    }
  }

  void check_expressions() {
    std::vector<ExprProblem> problems;
    for (const PendingExpression& p : pending) {
      problems.clear();
      check_expression(form, p.index, p.owner_group, p.expected, &problems);
      for (ExprProblem& pr : problems) {
        error(pr.code, form->expressions[static_cast<size_t>(p.index)].pointer, std::move(pr.message), pr.column);
      }
    }
  }
};

}  // namespace

namespace {

// Fields are large and move often while vectors grow; counting first costs microseconds.
void reserve_for(const json& def, CompiledForm* form) {
  size_t fields = 0, expressions = 0;
  auto count = [&](const json& f, auto& self) -> void {
    namespace fk = field_key;
    ++fields;
    if (!f.is_object()) return;
    const KnownKeys keys(f, kFieldKeys);
    for (const int k : {fk::kVisibleIf, fk::kRequiredIf, fk::kCalculate}) expressions += keys[k] != nullptr;
    if (keys[fk::kConstraints] != nullptr && keys[fk::kConstraints]->is_array()) expressions += keys[fk::kConstraints]->size();
    if (keys[fk::kFields] != nullptr && keys[fk::kFields]->is_array()) {
      for (const json& c : *keys[fk::kFields]) self(c, self);
    }
  };
  const auto steps = def.find("steps");
  if (steps == def.end() || !steps->is_array()) return;
  for (const json& s : *steps) {
    if (!s.is_object()) continue;
    const auto step_fields = s.find("fields");
    if (step_fields == s.end() || !step_fields->is_array()) continue;
    for (const json& f : *step_fields) count(f, count);
  }
  form->fields.reserve(std::min(fields, kMaxFields + 1));
  form->field_by_id.reserve(std::min(fields, kMaxFields + 1));  // lookups only: its order is never seen
  form->expressions.reserve(expressions + steps->size());
  form->nodes.reserve(8 * (expressions + steps->size()));  // a typical rule has a handful of nodes
}

// The definition is taken by value: compile_form(text) moves its freshly parsed
// document in, so a large form is not copied. `canonical` is def.dump() when the caller
// has it already (the reader of the text often does), else empty.
Result<FormPtr> compile_owned(json def, std::string canonical) {
  auto form = std::make_shared<CompiledForm>();
  Loader ld;
  ld.form = form.get();
  if (!def.is_object()) {
    return Errors{Error{"form.wrong_type", "", 0, 0, std::string("a form definition is a JSON object, not ") + json_type_name(def)}};
  }
  ld.check_keys(def, "", {&kFormKeys});
  const json* format = ld.get(def, "format");
  if (format == nullptr) ld.error("form.missing_key", "", "'format' is required (write \"format\": 1)");
  else if (!(format->is_number_integer() && format->get<long long>() == 1)) ld.error("form.unsupported_format", "/format", "this engine reads format 1");
  form->id = ld.read_string(ld.get(def, "id"), "id", "", true);
  if (ld.get(def, "id") != nullptr && ld.get(def, "id")->is_string()) {
    const std::string& id = form->id;
    const bool ok = !id.empty() && id.size() <= 63 && id[0] >= 'a' && id[0] <= 'z' &&
                    std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
    if (!ok) ld.error("form.bad_id", "/id", "a form id is a–z, 0–9 and '-', starting with a letter (at most 63)");
  }
  ld.read_languages(def);
  form->title = ld.read_text(ld.get(def, "title"), "title", "", true);
  form->description = ld.read_text(ld.get(def, "description"), "description", "", false);
  form->reference_prefix = ld.read_string(ld.get(def, "reference_prefix"), "reference_prefix", "", false);
  if (!form->reference_prefix.empty()) {
    const std::string& p = form->reference_prefix;
    const bool ok = p.size() >= 2 && p.size() <= 8 && std::all_of(p.begin(), p.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!ok) ld.error("form.bad_id", "/reference_prefix", "a reference prefix is 2–8 capital letters A–Z");
  }
  const json* steps = ld.get(def, "steps");
  reserve_for(def, form.get());
  if (steps == nullptr) {
    ld.error("form.missing_key", "", "'steps' is required");
  } else if (ld.expect_non_empty_array(*steps, "/steps", "a non-empty array of steps")) {
    for (size_t i = 0; i < steps->size(); ++i) ld.read_step((*steps)[i], "/steps/" + std::to_string(i), static_cast<int>(i));
  }
  ld.read_applicant(ld.get(def, "applicant"));
  ld.read_signers(ld.get(def, "signers"));
  ld.check_defaults();
  ld.check_expressions();
  // Even with other problems: a cycle among the expressions that did check is worth
  // reporting now rather than after the developer fixed everything else.
  build_dependency_graph(form.get(), &ld.errors);
  if (!ld.errors.empty()) return std::move(ld.errors);

  form->eval_nodes.reserve(form->nodes.size());
  for (const Node& n : form->nodes) {
    form->eval_nodes.push_back(EvalNode{n.op, n.type, n.a, n.b, n.c, n.field, n.regex,
                                        n.op == Op::kDate ? static_cast<double>(n.date.days) : n.number});
  }
  for (const Expression& e : form->expressions) form->roots.push_back(e.root);
  if (canonical.empty()) canonical = canonical_json(def);
  form->version = sha256_hex(canonical);
  form->definition = std::move(def);
  return FormPtr(std::move(form));
}

}  // namespace

Result<FormPtr> compile_definition(const json& def) { return compile_owned(def, ""); }

Result<FormPtr> compile_form(std::string_view text) {
  if (text.size() > kMaxFormBytes) {
    return Errors{Error{"form.too_large", "", 0, 0, "the definition is larger than " + std::to_string(kMaxFormBytes / (1024 * 1024)) + " MB"}};
  }
  json def;
  Error e;
  std::string canonical;
  if (!parse_json_text(text, &def, &e, &canonical)) return Errors{e};
  Result<FormPtr> r = compile_owned(std::move(def), std::move(canonical));
  if (r.ok()) return r;
  Errors errors = r.errors();
  fill_lines(text, &errors);
  return errors;
}

const std::string& form_id(const CompiledForm& form) { return form.id; }
const std::string& form_version(const CompiledForm& form) { return form.version; }

Errors check_folder_name(const CompiledForm& form, std::string_view folder_name, std::string_view json_text) {
  if (folder_name == form.id) return {};
  Errors errors{Error{"form.folder_name", "/id", 0, 0,
                      "the form's id is '" + form.id + "' but its folder is named '" + std::string(folder_name) +
                          "': name the folder after the id (or change the id)"}};
  if (!json_text.empty()) fill_lines(json_text, &errors);
  return errors;
}
const nlohmann::json& form_definition(const CompiledForm& form) { return form.definition; }

const FormApplicant& form_applicant(const CompiledForm& form) { return form.applicant; }

std::string form_reference_prefix(const CompiledForm& form) {
  if (!form.reference_prefix.empty()) return form.reference_prefix;
  std::string p;
  for (char c : form.id) {
    if (c >= 'a' && c <= 'z' && p.size() < 4) p += static_cast<char>(c - 'a' + 'A');
  }
  return p.size() >= 2 ? p : "FORM";
}

std::vector<std::string> form_languages(const CompiledForm& form) {
  std::vector<std::string> codes;
  for (Lang l : form.languages) codes.push_back(lang_code(l));
  return codes;
}

nlohmann::json form_summary(const CompiledForm& form) {
  json title = json::object(), description = json::object(), langs = form_languages(form);
  for (Lang l : form.languages) {
    title[lang_code(l)] = text_in(form.title, l, form.default_lang());
    if (form.description.present) description[lang_code(l)] = text_in(form.description, l, form.default_lang());
  }
  return json{{"id", form.id}, {"version", form.version}, {"title", title}, {"description", description}, {"languages", langs}};
}

}  // namespace blankett
