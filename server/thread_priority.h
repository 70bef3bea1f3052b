// The scheduling priority (nice value) of the calling thread alone. On Linux a nice value
// belongs to a thread, not to the whole process, so the submission writer can run ahead
// of the request threads that feed it (docs/performance.md, "sixth session").
#pragma once
#include <string>

namespace blankett {

// Sets the calling thread's nice value (-20 … 19; lower runs first). Raising it is always
// allowed; lowering it below 0 needs CAP_SYS_NICE or a high enough RLIMIT_NICE (systemd:
// LimitNICE=). Returns "" on success, else why not (the thread keeps its priority).
std::string set_this_thread_nice(int nice);

// The calling thread's nice value.
int this_thread_nice();

}  // namespace blankett
