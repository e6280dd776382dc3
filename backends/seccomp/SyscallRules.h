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
#include <string_view>
#include <vector>

namespace moat::backends::seccomp {

enum class Verdict {
  Eperm,  // the call fails with EPERM
  Enosys, // the call fails with ENOSYS (libc then falls back to an older call)
  // The call waits for the supervisor that holds the filter's notification
  // fd (SECCOMP_RET_USER_NOTIF): `moat run` decides connect() there. Without
  // a supervisor the kernel fails the call with ENOSYS.
  Notify,
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
  // All must match, at most one per argument (libseccomp's limit); none:
  // every call.
  std::vector<ArgMatch> args;
  std::string_view group; // why: a heading of the seccomp docs
};

// What the filter does about unix sockets; UnixSockets.h says which mode a
// policy needs. In every mode but AllowAll a unix socket that could send
// datagrams is refused, socketpair's included: a datagram socket reaches
// any socket file with sendto()/sendmsg(), whatever it is connected to, and
// no filter can read the address those calls carry in memory.
enum class UnixSocketMode {
  // socket(AF_UNIX) is refused; socketpair(AF_UNIX) only makes stream and
  // seqpacket pairs. The policy allows no unix socket, or this filter is
  // the standalone one and cannot see paths.
  RefuseAll,
  // socket(AF_UNIX) makes stream and seqpacket sockets only, and connect()
  // waits for the supervisor (Verdict::Notify), which asks the policy about
  // the path. The filter `moat run` loads when the policy allows some paths.
  BrokerConnect,
  // No unix-socket rule: the policy allows every path.
  AllowAll,
};

struct RuleOptions {
  UnixSocketMode unixSockets = UnixSocketMode::RefuseAll;
};

// The rules, in a fixed order (the generated program depends on it).
std::vector<SyscallRule> blockedSyscalls(const RuleOptions &options);

// personality(2) values that stay allowed: PER_LINUX, PER_LINUX32, either
// with UNAME26, and 0xffffffff (the query, which changes nothing). These are
// the values Docker's default profile allows.
bool personalityAllowed(uint32_t persona);

// The unix socket types that can only reach a peer through connect() (or
// come connected, from socketpair): SOCK_STREAM and SOCK_SEQPACKET, with any
// SOCK_NONBLOCK / SOCK_CLOEXEC flags. The kernel reads `type` as an int and
// the kind from its low 4 bits (SOCK_TYPE_MASK); SOCK_RAW counts as
// SOCK_DGRAM for unix sockets.
bool unixTypeConnectOnly(uint32_t type);

} // namespace moat::backends::seccomp
