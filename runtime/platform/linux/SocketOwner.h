// Which process in the sandbox holds the client end of a TCP connection
// the proxy refused, for the log's `pid` and `command` (docs/runtime.md,
// "What the launcher sees"). Asked only for refusals, while the client is
// still waiting for its answer (so its socket is still open), and bounded:
//
//  1. the client's socket inode, from the sandbox's own /proc/PID/net/tcp
//     and tcp6 (readable for any process: no ptrace access is needed),
//     the row whose local port is the client's and remote port the
//     listener's;
//  2. the processes in the sandbox's network namespace (same ns/net inode
//     as PID), at most kMaxProcesses of /proc, and in each at most
//     kMaxDescriptors descriptors, for `socket:[INODE]`.
//
// A socket held by exactly one process names it; none (the client is gone)
// or several (inherited or passed on) name nobody. Informative only: never
// used to decide. The caller rate-limits (a sandbox could ask to be refused
// in a loop).
#pragma once
#include <cstdint>
#include <optional>
#include <sys/types.h>

namespace moat::runtime {

// `inSandbox`: any process in the sandbox's network namespace (host pid).
std::optional<pid_t> tcpClientOwner(pid_t inSandbox, uint16_t clientPort, uint16_t listenerPort);

// The first child of `parent` (bubblewrap's: the sandbox's first process),
// from /proc/PID/task/PID/children; nullopt when it has none.
std::optional<pid_t> firstChild(pid_t parent);

constexpr size_t kMaxProcesses = 32768;
constexpr size_t kMaxDescriptors = 65536; // in all, per lookup

} // namespace moat::runtime
