// The command line of a process the launcher has a pid for (the unix-socket
// broker's seccomp notification), for the log's `command` field. Read from
// the host's /proc at decision time: informative, never used to decide. The
// process may have exited or exec'd since (a race the log cannot close), so
// an unreadable or empty cmdline gives /proc/PID/comm, and that failing, "".
#pragma once
#include <string>

namespace moat::runtime {

// At most `kMaxCommandBytes` of the command line, arguments joined by
// spaces; "" when nothing can be read.
std::string processCommand(int pid);
constexpr size_t kMaxCommandBytes = 512;

} // namespace moat::runtime
