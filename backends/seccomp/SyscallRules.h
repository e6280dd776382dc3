// What the seccomp target blocks, as data: one entry per (syscall, argument
// condition), each with its errno and the group that says why (the groups are
// documented in docs/backends.md, "seccomp"). The filter builder turns the
// table into BPF and the build-time self-check tests the BPF against the same
// table, so the table is the single statement of the target's behaviour.
//
// Everything not listed is allowed: the filter narrows a sandbox whose
// filesystem and network are confined by bwrap and the proxy, it is not a
// syscall allowlist.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace moat::backends::seccomp {

enum class Verdict {
  Eperm,  // the call fails with EPERM
  Enosys, // the call fails with ENOSYS (libc then falls back to an older call)
};

// Matches when (arg[index] & mask) == value. Masks never reach above bit 31
// for arguments the kernel reads as 32-bit `int`/`unsigned int`: the kernel
// ignores the upper half of the register there, so a filter that compared
// all 64 bits could be bypassed by setting them (CVE-2019-10063).
struct ArgMatch {
  unsigned index = 0;
  uint64_t mask = 0;
  uint64_t value = 0;
};

struct SyscallRule {
  std::string_view syscall; // libseccomp's name, resolved per architecture
  Verdict verdict = Verdict::Eperm;
  std::optional<ArgMatch> arg; // none: every call
  std::string_view group;      // why: a heading of the seccomp docs
};

struct RuleOptions {
  // The policy lets the process create unix sockets (see UnixSockets.h):
  // socket(AF_UNIX) then stays possible.
  bool allowUnixSockets = false;
};

// The rules, in a fixed order (the generated program depends on it).
std::vector<SyscallRule> blockedSyscalls(const RuleOptions &options);

// personality(2) values that stay allowed: PER_LINUX, PER_LINUX32, either
// with UNAME26, and 0xffffffff (the query, which changes nothing). These are
// the values Docker's default profile allows.
bool personalityAllowed(uint32_t persona);

} // namespace moat::backends::seccomp
