// The form ids the command-line tools take for tokens, accounts' scopes, groups and
// webhooks: only forms with a version published on this server. A token, a scope or a
// webhook for a form id that was never published would never see a case, and is most
// likely a typo ("skolskjut"), so it is refused before anything is stored.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "store.h"

namespace blankett {

// Whether every id in `form_ids` has a published version in `store`. When one has not,
// prints "<command>: no version of form '<id>' has been published on this server" on
// `err` and returns false; a database that cannot be read is also false, with its
// error. The commands exit 1 then (a refusal, not a usage error).
bool require_published_forms(Store& store, const std::string& command, const std::vector<std::string>& form_ids,
                             std::ostream& err);

}  // namespace blankett
