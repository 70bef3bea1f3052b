// `blankett publish <forms/form-id | form.json> --server URL [--token TOKEN]`: checks the
// form locally (as `blankett lint` does), then uploads it to a server's POST /api/publish
// with a publish token (--token, else the environment variable BLANKETT_TOKEN). The
// upload is a draft: a form owner who did not upload it must approve it before citizens
// see it. Prints the state, the version, a summary of the changes and the preview link.
// Exit 0 when uploaded, 1 for a broken form, an unreachable server or a refusal (with the
// server's message), 2 for a usage error. Docs: docs/publishing.md.
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace blankett {

// What `blankett publish --help` prints (main.cc).
extern const char kPublishUsage[];

// argv as main gets it (argv[1] == "publish").
int publish_command(int argc, char** argv);
// `args` are the arguments after "publish".
int publish_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace blankett
