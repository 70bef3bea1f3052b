#include "answer_format.h"

#include <algorithm>
#include <cmath>

#include "blankett/identity_number.h"
#include "text_formats.h"
#include "blankett/utf8.h"

namespace blankett {
namespace {

bool json_is_blank(const nlohmann::json& a) {
  if (a.is_null()) return true;
  if (a.is_string()) return blank_text(a.get_ref<const std::string&>());
  if (a.is_array()) return a.empty();
  return false;
}

bool read_number(const nlohmann::json& a, double* v, int* decimals) {
  if (a.is_number()) {
    *v = a.get<double>();
    if (!std::isfinite(*v)) return false;
    // Count decimals of the shortest representation of the number.
    *decimals = 0;
    if (!a.is_number_float()) return true;
    const std::string s = a.dump();
    const size_t dot = s.find('.');
    if (s.find_first_of("eE") != std::string::npos) {
      *decimals = 7;  // exponent notation: too precise for a form answer; caught by decimals
      return true;
    }
    if (dot != std::string::npos) *decimals = static_cast<int>(s.size() - dot - 1);
    return true;
  }
  if (a.is_string()) return parse_decimal_text(a.get_ref<const std::string&>(), v, decimals);
  return false;
}

}  // namespace

double round_decimals(double x, int decimals) {
  const double scale = std::pow(10.0, decimals);
  const double scaled = x * scale;
  // Nudge by a relative epsilon so 2.675 (stored as 2.67499999…) rounds as people expect.
  const double nudged = scaled + (scaled >= 0 ? 1 : -1) * 1e-9 * std::max(1.0, std::fabs(scaled));
  return std::round(nudged) / scale;
}

Problem read_answer(const Field& f, const nlohmann::json& a, Date today, Value* out) {
  *out = Value();
  if (json_is_blank(a)) return Problem::kNone;
  switch (f.type) {
    case FieldType::kText:
    case FieldType::kTextarea: {
      if (!a.is_string()) return Problem::kFormat;
      *out = Value::text(normalize_text(a.get_ref<const std::string&>(), f.type == FieldType::kTextarea));
      return Problem::kNone;
    }
    case FieldType::kInteger:
    case FieldType::kDecimal: {
      double v = 0;
      int decimals = 0;
      if (!read_number(a, &v, &decimals)) return Problem::kFormat;
      if (f.type == FieldType::kInteger && (decimals > 0 && v != std::floor(v))) return Problem::kFormat;
      if (f.type == FieldType::kDecimal && decimals > f.decimals) return Problem::kDecimals;
      if (std::fabs(v) > 1e15) return Problem::kFormat;  // beyond exact integers in a double
      *out = Value::number(f.type == FieldType::kInteger ? std::round(v) : v);
      return Problem::kNone;
    }
    case FieldType::kDate: {
      Date d;
      if (!a.is_string()) return Problem::kFormat;
      const std::string s = normalize_text(a.get_ref<const std::string&>(), false);
      if (!parse_iso_date(s, &d)) return Problem::kFormat;
      *out = Value::date(d);
      return Problem::kNone;
    }
    case FieldType::kYesNo: {
      if (a.is_boolean()) {
        *out = Value::boolean(a.get<bool>());
        return Problem::kNone;
      }
      // HTML radio buttons send strings.
      if (a == "true" || a == "yes") { *out = Value::boolean(true); return Problem::kNone; }
      if (a == "false" || a == "no") { *out = Value::boolean(false); return Problem::kNone; }
      return Problem::kFormat;
    }
    case FieldType::kChoice: {
      if (!a.is_string()) return Problem::kFormat;
      const std::string& s = a.get_ref<const std::string&>();
      for (const Option& o : f.options) {
        if (o.value == s) { *out = Value::text(s); return Problem::kNone; }
      }
      return Problem::kOption;
    }
    case FieldType::kMultiChoice: {
      if (!a.is_array()) return Problem::kFormat;
      std::vector<std::string> chosen;
      // Canonical order is the options' order, so the order of clicks does not matter.
      for (const Option& o : f.options) {
        for (const auto& item : a) {
          if (item.is_string() && item.get_ref<const std::string&>() == o.value) {
            chosen.push_back(o.value);
            break;
          }
        }
      }
      for (const auto& item : a) {
        if (!item.is_string()) return Problem::kFormat;
        if (std::find(chosen.begin(), chosen.end(), item.get_ref<const std::string&>()) == chosen.end()) return Problem::kOption;
      }
      *out = Value::of_list(std::move(chosen));
      return Problem::kNone;
    }
    case FieldType::kEmail: {
      if (!a.is_string()) return Problem::kFormat;
      std::string s = normalize_text(a.get_ref<const std::string&>(), false);
      if (!valid_email(s)) return Problem::kFormat;
      *out = Value::text(std::move(s));
      return Problem::kNone;
    }
    case FieldType::kPhone:
    case FieldType::kOrgnummer:
    case FieldType::kPostalCode: {
      if (!a.is_string()) return Problem::kFormat;
      const std::string s = normalize_text(a.get_ref<const std::string&>(), false);
      std::string normalized;
      const bool ok = f.type == FieldType::kPhone       ? parse_phone(s, &normalized)
                      : f.type == FieldType::kOrgnummer ? parse_orgnummer(s, &normalized)
                                                        : parse_postalcode(s, &normalized);
      if (!ok) return Problem::kFormat;
      *out = Value::text(std::move(normalized));
      return Problem::kNone;
    }
    case FieldType::kPersonnummer: {
      if (!a.is_string()) return Problem::kFormat;
      IdentityNumber id;
      const IdentityProblem p = parse_personnummer(a.get_ref<const std::string&>(), today, f.allow_samordningsnummer, &id);
      if (p != IdentityProblem::None) return Problem::kFormat;
      *out = Value::text(id.normalized);
      return Problem::kNone;
    }
    case FieldType::kAttachment: {
      // Metadata only: [{name, type, size, sha256}]. The server checks the bytes.
      if (!a.is_array()) return Problem::kFormat;
      std::vector<std::string> names;
      for (const auto& file : a) {
        if (!file.is_object() || !file.contains("name") || !file["name"].is_string() || !file.contains("type") ||
            !file["type"].is_string() || !file.contains("size") || !file["size"].is_number_unsigned() ||
            !file.contains("sha256") || !file["sha256"].is_string()) {
          return Problem::kFormat;
        }
        const std::string& hash = file["sha256"].get_ref<const std::string&>();
        if (hash.size() != 64 || hash.find_first_not_of("0123456789abcdef") != std::string::npos) return Problem::kFormat;
        for (const auto& [key, value] : file.items()) {
          (void)value;
          if (key != "name" && key != "type" && key != "size" && key != "sha256") return Problem::kFormat;
        }
        names.push_back(file["name"].get<std::string>());
      }
      *out = Value::of_list(std::move(names));
      return Problem::kNone;
    }
    case FieldType::kInfo:
    case FieldType::kGroup:
      return Problem::kFormat;  // have no answers of their own
  }
  return Problem::kFormat;
}

nlohmann::json value_to_json(const Field& f, const Value& v, const nlohmann::json& answer) {
  switch (v.kind) {
    case Value::Kind::kEmpty: return nullptr;
    case Value::Kind::kBool: return v.b;
    case Value::Kind::kNumber: {
      double n = v.n;
      if (f.type == FieldType::kDecimal) n = round_decimals(n, f.decimals);
      if (f.type == FieldType::kInteger) n = std::round(n);
      if (n == std::floor(n) && std::fabs(n) < 9007199254740992.0) return static_cast<long long>(n);
      return n;
    }
    case Value::Kind::kText: return v.s;
    case Value::Kind::kDate: return format_iso_date(v.d);
    case Value::Kind::kList: {
      if (f.type == FieldType::kAttachment) {
        // Canonical attachment metadata: the four keys, in the order given.
        nlohmann::json files = nlohmann::json::array();
        for (const auto& file : answer) {
          files.push_back({{"name", normalize_text(file["name"].get<std::string>(), false)},
                           {"type", file["type"]},
                           {"size", file["size"]},
                           {"sha256", file["sha256"]}});
        }
        return files;
      }
      return v.list;
    }
  }
  return nullptr;
}

}  // namespace blankett
