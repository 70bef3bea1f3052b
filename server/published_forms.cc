#include "published_forms.h"

namespace blankett {

bool require_published_forms(Store& store, const std::string& command, const std::vector<std::string>& form_ids,
                             std::ostream& err) {
  for (const std::string& id : form_ids) {
    Result<std::vector<FormVersion>> versions = list_form_versions(store, id);
    if (!versions) {
      err << command << ": " << to_string(versions.errors().front()) << "\n";
      return false;
    }
    if (versions.value().empty()) {
      err << command << ": no version of form '" << id << "' has been published on this server\n";
      return false;
    }
  }
  return true;
}

}  // namespace blankett
