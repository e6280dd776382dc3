// Whether the seccomp filter must leave socket(AF_UNIX) possible. seccomp
// sees only the address family, never the path a socket connects to (it
// cannot dereference pointers), so it can block every unix socket or none:
// it blocks them when the policy allows none, and otherwise leaves the
// per-path allowlist to the bwrap target and the runtime.
#pragma once
#include "compiler/diagnostics/SourceLoc.h"
#include "compiler/ir/Policy.h"

#include <string>

namespace moat::backends::seccomp {

struct UnixSocketVerdict {
  bool allowed = false;
  std::string why; // for allowed: what in the policy allows them
  SourceLoc loc;   // where (invalid for built-in reasons)
};

// Mirrors eval::Evaluator::unixSocketAllowed, asked for "some path" rather
// than one path, on Linux: sandbox-disabled or allow-all-unix-sockets or an
// allow rule for Linux, unless a Linux deny rule covers every path (a deny
// beats every allow there).
UnixSocketVerdict unixSocketsAllowed(const ir::Policy &policy);

} // namespace moat::backends::seccomp
