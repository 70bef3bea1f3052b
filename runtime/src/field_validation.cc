#include "field_validation.h"

#include <cmath>
#include <cstdio>

#include "evaluator.h"
#include "messages.h"
#include "blankett/utf8.h"

namespace blankett {

const char* problem_code(Problem p) {
  switch (p) {
    case Problem::kNone: return "none";
    case Problem::kRequired: return "required";
    case Problem::kFormat: return "format";
    case Problem::kOption: return "option";
    case Problem::kDecimals: return "decimals";
    case Problem::kMin: return "min";
    case Problem::kMax: return "max";
    case Problem::kMinDate: return "min_date";
    case Problem::kMaxDate: return "max_date";
    case Problem::kMinLength: return "min_length";
    case Problem::kMaxLength: return "max_length";
    case Problem::kPattern: return "pattern";
    case Problem::kMinItems: return "min_items";
    case Problem::kMaxItems: return "max_items";
    case Problem::kMaxFiles: return "max_files";
    case Problem::kFileType: return "file_type";
    case Problem::kFileSize: return "file_size";
    case Problem::kConstraint: return "constraint";
  }
  return "none";
}

namespace {

bool mime_accepted(const std::vector<std::string>& accept, const std::string& type) {
  if (accept.empty()) return true;
  for (const std::string& a : accept) {
    if (a == type) return true;
    if (a.size() > 2 && a.compare(a.size() - 2, 2, "/*") == 0 && type.compare(0, a.size() - 1, a, 0, a.size() - 1) == 0) return true;
  }
  return false;
}

Problem check_limits(const Field& f, const Cell& c, int rows) {
  const Value& v = c.value;
  switch (f.type) {
    case FieldType::kInteger:
    case FieldType::kDecimal:
      if (f.min && compare_numbers(v.n, *f.min) < 0) return Problem::kMin;
      if (f.max && compare_numbers(v.n, *f.max) > 0) return Problem::kMax;
      return Problem::kNone;
    case FieldType::kDate:
      if (f.min_date && v.d < *f.min_date) return Problem::kMinDate;
      if (f.max_date && *f.max_date < v.d) return Problem::kMaxDate;
      return Problem::kNone;
    case FieldType::kText:
    case FieldType::kTextarea:
    case FieldType::kEmail: {
      const int length = static_cast<int>(code_point_count(v.s));
      if (f.min_length >= 0 && length < f.min_length) return Problem::kMinLength;
      if (length > effective_max_length(f)) return Problem::kMaxLength;
      if (f.pattern && !f.pattern->full_match(v.s)) return Problem::kPattern;
      return Problem::kNone;
    }
    case FieldType::kMultiChoice: {
      const int n = static_cast<int>(v.list.size());
      if (f.min_items >= 0 && n < f.min_items) return Problem::kMinItems;
      if (f.max_items >= 0 && n > f.max_items) return Problem::kMaxItems;
      return Problem::kNone;
    }
    case FieldType::kGroup:
      if (f.min_items >= 0 && rows < f.min_items) return Problem::kMinItems;
      if (f.max_items >= 0 && rows > f.max_items) return Problem::kMaxItems;
      return Problem::kNone;
    case FieldType::kAttachment: {
      if (static_cast<int>(c.answer.size()) > f.max_files) return Problem::kMaxFiles;
      for (const auto& file : c.answer) {
        if (!mime_accepted(f.accept, file["type"].get<std::string>())) return Problem::kFileType;
        if (f.max_size >= 0 && file["size"].get<long long>() > f.max_size) return Problem::kFileSize;
      }
      return Problem::kNone;
    }
    default:
      return Problem::kNone;
  }
}

}  // namespace

void validate_instance(StateData& st, int field, int row) {
  const Field& f = st.field(field);
  Cell& c = st.cell(field, row);
  c.problem = Problem::kNone;
  c.constraint = -1;
  c.required = c.visible && (f.required || (f.required_if >= 0 && evaluate_condition(st, f.required_if, row)));
  if (!c.visible || f.type == FieldType::kInfo) return;
  const int rows = f.type == FieldType::kGroup ? static_cast<int>(st.rows_of(field).size()) : 0;
  if (f.type != FieldType::kGroup) {
    if (f.calculate < 0 && !c.answer.is_null() && c.unreadable != Problem::kNone) {
      c.problem = c.unreadable;
      return;
    }
    if (c.value.empty()) {
      if (c.required) c.problem = Problem::kRequired;
      return;
    }
  }
  c.problem = check_limits(f, c, rows);
  if (c.problem != Problem::kNone) return;
  for (size_t i = 0; i < f.constraints.size(); ++i) {
    if (!evaluate_condition(st, f.constraints[i].expr, row)) {
      c.problem = Problem::kConstraint;
      c.constraint = static_cast<int>(i);
      return;
    }
  }
}

std::string problem_message(const StateData& st, int field, int row, Lang lang) {
  const Field& f = st.field(field);
  const Cell& c = st.cell(field, row);
  const Lang fallback = st.form->default_lang();
  auto custom = [&](const LocalizedText& t) -> std::string { return t.present ? text_in(t, lang, fallback) : ""; };
  std::string own;
  switch (c.problem) {
    case Problem::kNone: return "";
    case Problem::kConstraint: return custom(f.constraints[static_cast<size_t>(c.constraint)].message);
    case Problem::kRequired: own = custom(f.required_message); break;
    case Problem::kFormat: case Problem::kOption: own = custom(f.format_message); break;
    case Problem::kPattern: own = custom(f.pattern_message); break;
    default: break;
  }
  if (!own.empty()) return own;
  MessageArgs args;
  args.label = text_in(f.label, lang, fallback);
  args.field_type = f.type;
  if (f.min) args.min = format_number(*f.min, lang);
  if (f.max) args.max = format_number(*f.max, lang);
  if (f.min_date) args.min = format_iso_date(*f.min_date);
  if (f.max_date) args.max = format_iso_date(*f.max_date);
  if (c.problem == Problem::kMinLength) args.min = std::to_string(f.min_length);
  if (c.problem == Problem::kMaxLength) args.max = std::to_string(effective_max_length(f));
  if (c.problem == Problem::kMinItems) args.min = std::to_string(f.min_items);
  if (c.problem == Problem::kMaxItems) args.max = std::to_string(f.max_items);
  if (c.problem == Problem::kMaxFiles) args.max = std::to_string(f.max_files);
  if (c.problem == Problem::kDecimals) args.max = std::to_string(f.decimals);
  if (c.problem == Problem::kFileSize) args.max = format_bytes(f.max_size, lang);
  if (c.problem == Problem::kFileType) {
    for (const std::string& a : f.accept) args.max += (args.max.empty() ? "" : ", ") + a;
  }
  return builtin_message(c.problem, args, lang);
}

}  // namespace blankett
