#include "backends/seccomp/FilterCheck.h"

#include "backends/seccomp/BpfInterpreter.h"

#include <cerrno>
#include <fmt/format.h>

namespace moat::backends::seccomp {
namespace {

// Calls a sandboxed program needs; the filter must allow them all. Values
// are the kernel ABI's (same on both architectures).
struct AllowedCall {
  const char *syscall;
  uint64_t arg0, arg1;
  const char *what;
};
constexpr uint64_t kSigchld = 17, kCloneNewNs = 0x00020000, kAfInet = 2, kAfInet6 = 10,
                   kAfUnix = 1, kTcgets = 0x5401, kFionread = 0x541b;
const AllowedCall kAllowed[] = {
    {"read", 0, 0, "read"},
    {"write", 1, 0, "write"},
    {"openat", 0, 0, "openat"},
    {"close", 3, 0, "close"},
    {"mmap", 0, 4096, "mmap"},
    {"execve", 0, 0, "execve"},
    {"getpid", 0, 0, "getpid"},
    {"clone", kSigchld, 0, "clone(SIGCHLD) (fork)"},
    {"clone", kCloneNewNs | kSigchld, 0, "clone(CLONE_NEWNS)"},
    {"unshare", kCloneNewNs, 0, "unshare(CLONE_NEWNS)"},
    {"socket", kAfInet, 1, "socket(AF_INET)"},
    {"socket", kAfInet6, 1, "socket(AF_INET6)"},
    {"socketpair", kAfUnix, 1, "socketpair(AF_UNIX)"},
    {"ioctl", 0, kTcgets, "ioctl(TCGETS)"},
    {"ioctl", 0, kFionread, "ioctl(FIONREAD)"},
};

struct Checker {
  std::string_view bpf;
  std::string &error;

  // Runs one call; false (with `error` set) unless it returns `expected`.
  bool expect(const Arch &arch, uint32_t auditArch, int32_t nr, const uint64_t (&args)[6],
              uint32_t expected, const std::string &what) {
    SeccompData d;
    d.nr = nr;
    d.arch = auditArch;
    for (int i = 0; i < 6; ++i)
      d.args[i] = args[i];
    std::string why;
    auto got = runSeccompBpf(bpf, d, why);
    if (!got) {
      error = fmt::format("{} on {}: the program cannot run: {}", what, arch.name, why);
      return false;
    }
    if (*got != expected) {
      error = fmt::format("{} on {}: the program returns {:#010x}, the table says {:#010x}", what,
                          arch.name, *got, expected);
      return false;
    }
    return true;
  }

  bool expectCall(const Arch &arch, std::string_view name, const uint64_t (&args)[6],
                  uint32_t expected, const std::string &what) {
    auto nr = syscallNumber(arch, name);
    if (!nr)
      return true; // the arch has no such call: nothing to check
    return expect(arch, arch.auditArch, *nr, args, expected, what);
  }
};

uint32_t errnoAction(Verdict v) { return kRetErrno | (v == Verdict::Enosys ? ENOSYS : EPERM); }

} // namespace

bool checkFilter(std::string_view bpf, const std::vector<SyscallRule> &rules,
                 const RuleOptions &options, std::string &error) {
  Checker c{bpf, error};
  // Bits outside a rule's mask must not change its outcome: in particular
  // the upper half of an `int` argument (the kernel ignores it).
  constexpr uint64_t kNoise = 0xa5a5a5a55a5a5a5aull;
  for (const Arch &arch : targetArches()) {
    for (const SyscallRule &rule : rules) {
      for (bool noisy : {false, true}) {
        uint64_t args[6] = {0, 0, 0, 0, 0, 0};
        std::string what(rule.syscall);
        if (rule.arg) {
          args[rule.arg->index] = rule.arg->value | (noisy ? kNoise & ~rule.arg->mask : 0);
          what += fmt::format("(arg{} = {:#x})", rule.arg->index, args[rule.arg->index]);
        } else if (noisy) {
          continue;
        }
        if (!c.expectCall(arch, rule.syscall, args, errnoAction(rule.verdict), what))
          return false;
      }
    }
    for (const AllowedCall &call : kAllowed) {
      uint64_t args[6] = {call.arg0, call.arg1, 0, 0, 0, 0};
      if (!c.expectCall(arch, call.syscall, args, kRetAllow, call.what))
        return false;
    }
    uint64_t unixArgs[6] = {kAfUnix, 1, 0, 0, 0, 0};
    if (!c.expectCall(arch, "socket", unixArgs,
                      options.allowUnixSockets ? kRetAllow : kRetErrno | EPERM,
                      "socket(AF_UNIX)"))
      return false;
    // personality: every value with one or two bits set, and every value
    // with one or two bits clear, against personalityAllowed.
    for (unsigned i = 0; i < 32; ++i)
      for (unsigned j = i; j < 32; ++j)
        for (bool invert : {false, true}) {
          uint32_t persona = (1u << i) | (1u << j);
          if (invert)
            persona = ~persona;
          uint64_t args[6] = {persona, 0, 0, 0, 0, 0};
          uint32_t want = personalityAllowed(persona) ? kRetAllow : kRetErrno | EPERM;
          if (!c.expectCall(arch, "personality", args, want,
                            fmt::format("personality({:#x})", persona)))
            return false;
        }
    for (uint32_t persona : {0u, 0xffffffffu}) {
      uint64_t args[6] = {persona, 0, 0, 0, 0, 0};
      if (!c.expectCall(arch, "personality", args, kRetAllow,
                        fmt::format("personality({:#x})", persona)))
        return false;
    }
    // A number no architecture uses is allowed (the kernel answers ENOSYS).
    uint64_t none[6] = {0, 0, 0, 0, 0, 0};
    if (!c.expect(arch, arch.auditArch, 4000, none, kRetAllow, "an unassigned call number"))
      return false;
  }
  // Anything not in the program's sections is killed: compat calls, and x32
  // calls on x86_64 (x86_64's arch value with the x32 bit in the number).
  uint64_t none[6] = {0, 0, 0, 0, 0, 0};
  const Arch &first = targetArches().front();
  for (uint32_t foreign : {kAuditArchI386, kAuditArchArm, 0u})
    if (!c.expect(first, foreign, 20, none, kRetKillProcess,
                  fmt::format("a call for architecture {:#x}", foreign)))
      return false;
  for (const Arch &arch : targetArches()) {
    if (arch.auditArch != kAuditArchX86_64)
      continue;
    auto getpid = syscallNumber(arch, "getpid");
    if (!getpid) {
      error = "libseccomp does not know getpid on x86_64";
      return false;
    }
    int32_t x32 = static_cast<int32_t>(kX32SyscallBit | static_cast<uint32_t>(*getpid));
    if (!c.expect(arch, arch.auditArch, x32, none, kRetKillProcess, "an x32 getpid"))
      return false;
  }
  return true;
}

} // namespace moat::backends::seccomp
