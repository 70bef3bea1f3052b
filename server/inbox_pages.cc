// The inbox's routes, one file per page (inbox_internal.h lists them).
#include "inbox_pages.h"

#include <httplib.h>

#include "inbox_internal.h"

namespace blankett {

void register_inbox_routes(httplib::Server& http, AppContext& app) {
  register_inbox_list_routes(http, app);
  register_inbox_stats_routes(http, app);
  register_inbox_export_routes(http, app);
  register_inbox_case_routes(http, app);
}

}  // namespace blankett
