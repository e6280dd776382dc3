// The seccomp target's rule table. docs/backends.md ("seccomp") explains
// each group; keep the two in step.
#include "backends/seccomp/SyscallRules.h"

#include <linux/sched.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/socket.h>

namespace moat::backends::seccomp {
namespace {

// The values are the same on x86_64 and aarch64 (both use the generic
// ioctl numbers and socket families); the asserts pin the host headers to
// the values the filter is written for, so a build for another host cannot
// silently change them.
constexpr uint64_t kAfUnix = 1, kAfVsock = 40;
constexpr uint32_t kSockStream = 1, kSockSeqpacket = 5, kSockTypeMask = 0xf;
constexpr uint64_t kCloneNewUser = 0x10000000;
constexpr uint64_t kTiocsti = 0x5412, kTioclinux = 0x541c;
constexpr uint32_t kPerLinux32 = 0x0008, kUname26 = 0x0020000;
static_assert(AF_UNIX == kAfUnix && AF_VSOCK == kAfVsock, "socket families");
static_assert(SOCK_STREAM == kSockStream && SOCK_SEQPACKET == kSockSeqpacket, "socket types");
static_assert(CLONE_NEWUSER == kCloneNewUser, "clone flag");
static_assert(TIOCSTI == kTiocsti && TIOCLINUX == kTioclinux, "tty ioctls");
static_assert(PER_LINUX32 == kPerLinux32 && UNAME26 == kUname26, "personality values");

constexpr uint64_t kInt32 = 0xffffffffu; // the half of the register an `int` argument reads

SyscallRule always(std::string_view name, std::string_view group) {
  return SyscallRule{name, Verdict::Eperm, {}, group};
}

SyscallRule when(std::string_view name, ArgMatch arg, std::string_view group) {
  return SyscallRule{name, Verdict::Eperm, {arg}, group};
}

// socket(AF_UNIX, type) and socketpair(AF_UNIX, type): EPERM unless the
// type is stream or seqpacket (unixTypeConnectOnly). Like personality below,
// "not one of two values" is a union of single masked comparisons, here on
// the 4 type bits: the allowed kinds 0b0001 and 0b0101 are exactly those
// with bit 0 set and bits 1 and 3 clear, so every other kind has bit 0
// clear, bit 1 set or bit 3 set. The masks stay inside the low 4 bits, so
// the flags and the upper half of the register (which the kernel ignores)
// change nothing.
void addUnixTypeRules(std::string_view name, std::vector<SyscallRule> &out) {
  const ArgMatch unix{0, kInt32, kAfUnix};
  for (ArgMatch type : {ArgMatch{1, 0x1, 0x0}, ArgMatch{1, 0x2, 0x2}, ArgMatch{1, 0x8, 0x8}})
    out.push_back(SyscallRule{name, Verdict::Eperm, {unix, type}, "unix-sockets"});
}

// personality(2): EPERM unless the value is allowed (personalityAllowed).
// libseccomp allows one comparison per argument in a rule and rules are
// OR-ed, so "not one of five values" is written as a union of single masked
// comparisons over the low 32 bits (the kernel reads `unsigned int`):
//   for every bit e: "bit e set and bit e+1 clear" (bits taken mod 32);
//   for an allowed bit e (3 or 17) instead: "bits e-1 and e set, e+1 clear".
// Why this is exact: a value outside the allowed set that is not the query
// has a set bit b other than 3 and 17, and at least one clear bit. Follow the
// run of set bits containing b upwards to its last bit e, so e+1 is clear.
// If e is not 3 or 17 the first kind of rule matches; if it is, the run is
// longer than one bit (it also holds b), so bit e-1 is set and the second
// kind matches. Conversely every rule needs a set bit outside {3, 17} or
// bit e-1 with e in {3, 17}, which no allowed value other than the query has,
// and the query has no clear bit. The allowed bits must not be adjacent.
constexpr uint32_t kAllowedPersonaBits = kPerLinux32 | kUname26;
static_assert((kAllowedPersonaBits & (kAllowedPersonaBits << 1)) == 0,
              "the personality construction needs non-adjacent allowed bits");

void addPersonalityRules(std::vector<SyscallRule> &out) {
  for (unsigned e = 0; e < 32; ++e) {
    uint32_t bit = 1u << e, next = 1u << ((e + 1) % 32), prev = 1u << ((e + 31) % 32);
    ArgMatch m;
    if (kAllowedPersonaBits & bit)
      m = ArgMatch{0, prev | bit | next, prev | bit};
    else
      m = ArgMatch{0, bit | next, bit};
    out.push_back(when("personality", m, "personality"));
  }
}

} // namespace

bool unixTypeConnectOnly(uint32_t type) {
  uint32_t kind = type & kSockTypeMask;
  return kind == kSockStream || kind == kSockSeqpacket;
}

bool personalityAllowed(uint32_t persona) {
  return persona == 0xffffffffu || (persona & ~kAllowedPersonaBits) == 0;
}

std::vector<SyscallRule> blockedSyscalls(const RuleOptions &options) {
  std::vector<SyscallRule> r;
  switch (options.unixSockets) {
  case UnixSocketMode::RefuseAll:
    r.push_back(when("socket", {0, kInt32, kAfUnix}, "unix-sockets"));
    addUnixTypeRules("socketpair", r);
    break;
  case UnixSocketMode::BrokerConnect:
    addUnixTypeRules("socket", r);
    addUnixTypeRules("socketpair", r);
    // seccomp cannot tell a unix socket's fd from another: every connect()
    // goes to the supervisor, which lets other families through.
    r.push_back(SyscallRule{"connect", Verdict::Notify, {}, "unix-sockets"});
    break;
  case UnixSocketMode::AllowAll:
    break;
  }
  r.push_back(when("socket", {0, kInt32, kAfVsock}, "vsock"));

  for (auto name : {"io_uring_setup", "io_uring_enter", "io_uring_register"})
    r.push_back(always(name, "io-uring"));

  for (auto name : {"ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd"})
    r.push_back(always(name, "ptrace"));

  // clone's flags are its first argument on both architectures (s390 is
  // the exception, and is not a target). The kernel reads the low 32 bits.
  r.push_back(when("clone", {0, kCloneNewUser, kCloneNewUser}, "user-namespaces"));
  r.push_back(when("unshare", {0, kCloneNewUser, kCloneNewUser}, "user-namespaces"));
  // clone3 passes its flags in memory, which seccomp cannot read: ENOSYS
  // makes glibc (2.34+) fall back to clone, whose flags the rule above sees.
  r.push_back(SyscallRule{"clone3", Verdict::Enosys, {}, "user-namespaces"});
  r.push_back(always("setns", "user-namespaces"));

  for (auto name : {"mount", "umount2", "pivot_root", "move_mount", "open_tree", "fsopen",
                    "fsconfig", "fsmount", "fspick", "mount_setattr"})
    r.push_back(always(name, "mounts"));

  r.push_back(when("ioctl", {1, kInt32, kTiocsti}, "terminal-injection"));
  r.push_back(when("ioctl", {1, kInt32, kTioclinux}, "terminal-injection"));

  for (auto name : {"kexec_load", "kexec_file_load", "init_module", "finit_module",
                    "delete_module", "iopl", "ioperm", "open_by_handle_at"})
    r.push_back(always(name, "kernel-privileged"));
  for (auto name : {"bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key"})
    r.push_back(always(name, "kernel-attack-surface"));

  addPersonalityRules(r);
  return r;
}

} // namespace moat::backends::seccomp
