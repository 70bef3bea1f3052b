#include "form_model.h"

namespace blankett {
namespace {

struct TypeName { FieldType type; const char* name; };
const TypeName kTypeNames[] = {
    {FieldType::kText, "text"},         {FieldType::kTextarea, "textarea"},
    {FieldType::kInteger, "integer"},   {FieldType::kDecimal, "decimal"},
    {FieldType::kDate, "date"},         {FieldType::kYesNo, "yesno"},
    {FieldType::kChoice, "choice"},     {FieldType::kMultiChoice, "multichoice"},
    {FieldType::kEmail, "email"},       {FieldType::kPhone, "phone"},
    {FieldType::kPersonnummer, "personnummer"}, {FieldType::kOrgnummer, "orgnummer"},
    {FieldType::kPostalCode, "postalcode"},     {FieldType::kAttachment, "attachment"},
    {FieldType::kInfo, "info"},         {FieldType::kGroup, "group"},
};

}  // namespace

const char* field_type_name(FieldType t) {
  for (const TypeName& tn : kTypeNames) {
    if (tn.type == t) return tn.name;
  }
  return "?";
}

bool parse_field_type(const std::string& name, FieldType* out) {
  for (const TypeName& tn : kTypeNames) {
    if (name == tn.name) {
      *out = tn.type;
      return true;
    }
  }
  return false;
}

int effective_max_length(const Field& f) {
  if (f.max_length >= 0) return f.max_length;
  switch (f.type) {
    case FieldType::kTextarea: return 20000;
    case FieldType::kEmail: return 254;
    default: return 1000;
  }
}

Type value_type(FieldType t) {
  switch (t) {
    case FieldType::kInteger:
    case FieldType::kDecimal: return Type::kNumber;
    case FieldType::kDate: return Type::kDate;
    case FieldType::kYesNo: return Type::kBool;
    case FieldType::kMultiChoice: return Type::kList;
    case FieldType::kAttachment: return Type::kFiles;
    case FieldType::kGroup: return Type::kRows;
    case FieldType::kInfo: return Type::kNone;
    default: return Type::kText;
  }
}

}  // namespace blankett

namespace blankett {
// Vectors of fields and nodes grow while a form loads: they must move, not copy.
static_assert(std::is_nothrow_move_constructible<Field>::value, "Field must be nothrow-movable");
static_assert(std::is_nothrow_move_constructible<Node>::value, "Node must be nothrow-movable");
}  // namespace blankett
