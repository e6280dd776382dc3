// Which unix sockets a policy allows on Linux, asked for "some path" rather
// than one path, so the seccomp filters know what to do about them. seccomp
// sees a socket's family and type but never the path it connects to (it
// cannot dereference pointers), so:
//   None       the filters refuse socket(AF_UNIX);
//   SomePaths  `moat run` brokers connect() through seccomp user
//              notification and asks the policy about each path; the
//              standalone filter (`moat build --target=seccomp`) cannot, and
//              refuses every unix socket (stricter, and reported);
//   AllPaths   the filters leave unix sockets alone.
// This is the one place that decides which case applies.
#pragma once
#include "compiler/diagnostics/SourceLoc.h"
#include "compiler/ir/Policy.h"

#include <string>

namespace moat::backends::seccomp {

enum class UnixSocketScope { None, SomePaths, AllPaths };

struct UnixSocketVerdict {
  UnixSocketScope scope = UnixSocketScope::None;
  std::string why; // SomePaths, AllPaths: what in the policy allows them
  SourceLoc loc;   // where (invalid for built-in reasons)
};

// Mirrors eval::Evaluator::unixSocketAllowed over every path, on Linux:
//   sandbox-disabled allows every socket before any rule is read;
//   a Linux deny rule that covers every path leaves none (a deny beats
//   every allow);
//   allow-all-unix-sockets, or an allow rule that covers every path, allows
//   all of them unless some Linux deny rule takes paths out again;
//   any other Linux allow rule allows some paths.
UnixSocketVerdict unixSocketsAllowed(const ir::Policy &policy);

} // namespace moat::backends::seccomp
