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
      error = fmt::format("{} on {}: the program returns {:#010x} ({}), the table says {:#010x} ({})", what,
                          arch.name, *got, describeAction(*got), expected, describeAction(expected));
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

  // socket(AF_UNIX, type) and socketpair(AF_UNIX, type) for every kind the
  // type's low 4 bits can hold, with the flags and with the upper half of
  // the registers set, and connect(), as `mode` says they must end.
  bool checkUnixSockets(const Arch &arch, UnixSocketMode mode) {
    constexpr uint64_t kSockNonblock = 04000, kSockCloexec = 02000000;
    for (uint64_t high : {0ull, 0xffffffff00000000ull})
      for (uint64_t flags : {uint64_t{0}, kSockNonblock | kSockCloexec})
        for (uint32_t kind = 0; kind < 16; ++kind) {
          uint64_t args[6] = {high | kAfUnix, high | flags | kind, 0, 0, 0, 0};
          bool connectOnly = unixTypeConnectOnly(kind);
          uint32_t socketWant = mode == UnixSocketMode::AllowAll ? kRetAllow
                                : mode == UnixSocketMode::BrokerConnect && connectOnly ? kRetAllow
                                                                                      : kRetErrno | EPERM;
          uint32_t pairWant = mode == UnixSocketMode::AllowAll || connectOnly ? kRetAllow : kRetErrno | EPERM;
          if (!expectCall(arch, "socket", args, socketWant, fmt::format("socket(AF_UNIX, {:#x})", args[1])) ||
              !expectCall(arch, "socketpair", args, pairWant, fmt::format("socketpair(AF_UNIX, {:#x})", args[1])))
            return false;
        }
    uint64_t none[6] = {3, 0, 0, 0, 0, 0};
    return expectCall(arch, "connect", none, mode == UnixSocketMode::BrokerConnect ? kRetUserNotif : kRetAllow,
                      "connect");
  }
};

uint32_t actionOf(Verdict v) {
  switch (v) {
  case Verdict::Eperm: return kRetErrno | EPERM;
  case Verdict::Enosys: return kRetErrno | ENOSYS;
  case Verdict::Notify: return kRetUserNotif;
  }
  return kRetKillProcess; // unreachable: every verdict is listed
}


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
        if (noisy && rule.args.empty())
          continue;
        uint64_t args[6] = {0, 0, 0, 0, 0, 0};
        std::string what(rule.syscall);
        for (const ArgMatch &arg : rule.args) {
          args[arg.index] = arg.value | (noisy ? kNoise & ~arg.mask : 0);
          what += fmt::format("(arg{} = {:#x})", arg.index, args[arg.index]);
        }
        if (!c.expectCall(arch, rule.syscall, args, actionOf(rule.verdict), what))
          return false;
      }
    }
    for (const AllowedCall &call : kAllowed) {
      uint64_t args[6] = {call.arg0, call.arg1, 0, 0, 0, 0};
      if (!c.expectCall(arch, call.syscall, args, kRetAllow, call.what))
        return false;
    }
    if (!c.checkUnixSockets(arch, options.unixSockets))
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

std::optional<Filter> buildCheckedFilter(const RuleOptions &options, std::string &error) {
  std::vector<SyscallRule> rules = blockedSyscalls(options);
  std::string why;
  std::optional<Filter> filter = buildFilter(rules, why);
  if (!filter) {
    error = "cannot generate the seccomp filter: " + why;
    return std::nullopt;
  }
  if (!checkFilter(filter->bpf, rules, options, why)) {
    error = "the generated seccomp filter disagrees with its rule table: " + why;
    return std::nullopt;
  }
  return filter;
}

} // namespace moat::backends::seccomp
