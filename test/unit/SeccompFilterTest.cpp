// The generated seccomp program, run in the BPF interpreter for both
// architectures (aarch64 cannot be run natively here): determinism, the
// verdict of representative calls, the launcher's form that hands connect()
// to a supervisor, foreign and x32 calls killed, and a self-check that
// notices a tampered or incomplete program.
#include "backends/seccomp/BpfInterpreter.h"
#include "backends/seccomp/FilterBuilder.h"
#include "backends/seccomp/FilterCheck.h"

#include <gtest/gtest.h>

using namespace moat::backends::seccomp;

namespace {

constexpr uint32_t kEperm = kRetErrno | 1, kEnosys = kRetErrno | 38;

RuleOptions mode(UnixSocketMode m) {
  RuleOptions o;
  o.unixSockets = m;
  return o;
}

Filter build(const RuleOptions &options = {}) {
  std::string error;
  auto f = buildFilter(blockedSyscalls(options), error);
  EXPECT_TRUE(f.has_value()) << error;
  return f.value_or(Filter{});
}

const Arch &arch(std::string_view name) {
  for (const Arch &a : targetArches())
    if (name == a.name)
      return a;
  ADD_FAILURE() << "no arch " << name;
  return targetArches().front();
}

uint32_t verdict(const Filter &f, const Arch &a, std::string_view syscall, uint64_t a0 = 0,
                 uint64_t a1 = 0) {
  auto nr = syscallNumber(a, syscall);
  EXPECT_TRUE(nr.has_value()) << syscall << " on " << a.name;
  SeccompData d;
  d.nr = nr.value_or(0);
  d.arch = a.auditArch;
  d.args[0] = a0;
  d.args[1] = a1;
  std::string error;
  auto r = runSeccompBpf(f.bpf, d, error);
  EXPECT_TRUE(r.has_value()) << error;
  return r.value_or(0);
}

} // namespace

TEST(SeccompFilter, BuildingTwiceGivesIdenticalBytes) {
  Filter a = build(), b = build();
  EXPECT_FALSE(a.bpf.empty());
  EXPECT_EQ(a.bpf.size() % 8, 0u);
  EXPECT_EQ(a.bpf, b.bpf);
  EXPECT_EQ(a.pfc, b.pfc);
  Filter c = build(mode(UnixSocketMode::AllowAll)), d = build(mode(UnixSocketMode::AllowAll));
  EXPECT_EQ(c.bpf, d.bpf);
  EXPECT_NE(a.bpf, c.bpf);
  Filter e = build(mode(UnixSocketMode::BrokerConnect)), g = build(mode(UnixSocketMode::BrokerConnect));
  EXPECT_EQ(e.bpf, g.bpf);
  EXPECT_NE(e.bpf, a.bpf);
  // Building the notifying form first changes nothing in the others.
  EXPECT_EQ(build().bpf, a.bpf);
}

TEST(SeccompFilter, BothArchitecturesBlockTheSameCalls) {
  Filter f = build();
  for (const char *name : {"x86_64", "aarch64"}) {
    const Arch &a = arch(name);
    SCOPED_TRACE(name);
    EXPECT_EQ(verdict(f, a, "mount"), kEperm);
    EXPECT_EQ(verdict(f, a, "io_uring_setup"), kEperm);
    EXPECT_EQ(verdict(f, a, "ptrace"), kEperm);
    EXPECT_EQ(verdict(f, a, "process_vm_readv"), kEperm);
    EXPECT_EQ(verdict(f, a, "fsopen"), kEperm);
    EXPECT_EQ(verdict(f, a, "clone3"), kEnosys);
    EXPECT_EQ(verdict(f, a, "clone", 0x10000000 | 17), kEperm);
    EXPECT_EQ(verdict(f, a, "clone", 17), kRetAllow);
    EXPECT_EQ(verdict(f, a, "unshare", 0x10000000), kEperm);
    EXPECT_EQ(verdict(f, a, "unshare", 0x00020000), kRetAllow);
    EXPECT_EQ(verdict(f, a, "socket", 1), kEperm);
    EXPECT_EQ(verdict(f, a, "socket", (1ull << 32) | 1), kEperm); // upper half ignored
    EXPECT_EQ(verdict(f, a, "socket", 40), kEperm);              // AF_VSOCK
    EXPECT_EQ(verdict(f, a, "socket", 2), kRetAllow);
    EXPECT_EQ(verdict(f, a, "socketpair", 1, 1), kRetAllow); // SOCK_STREAM
    EXPECT_EQ(verdict(f, a, "socketpair", 1, 2), kEperm);    // SOCK_DGRAM
    EXPECT_EQ(verdict(f, a, "ioctl", 0, 0x5412), kEperm);
    EXPECT_EQ(verdict(f, a, "ioctl", 0, 0xffffffff00005412ull), kEperm);
    EXPECT_EQ(verdict(f, a, "ioctl", 0, 0x541c), kEperm);
    EXPECT_EQ(verdict(f, a, "ioctl", 0, 0x5401), kRetAllow); // TCGETS
    EXPECT_EQ(verdict(f, a, "personality", 0xffffffff), kRetAllow);
    EXPECT_EQ(verdict(f, a, "personality", 0x0400000), kEperm);
    EXPECT_EQ(verdict(f, a, "read"), kRetAllow);
    EXPECT_EQ(verdict(f, a, "execve"), kRetAllow);
  }
  // Calls one architecture lacks are skipped there, and only there.
  ASSERT_EQ(f.skipped.size(), 2u);
  EXPECT_EQ(f.skipped[0].arch, "aarch64");
  EXPECT_EQ(f.skipped[0].syscall, "iopl");
  EXPECT_EQ(f.skipped[1].syscall, "ioperm");
  EXPECT_EQ(verdict(f, arch("x86_64"), "iopl"), kEperm);
}

TEST(SeccompFilter, UnixSocketsStayPossibleWhenAllowed) {
  Filter f = build(mode(UnixSocketMode::AllowAll));
  for (const Arch &a : targetArches()) {
    EXPECT_EQ(verdict(f, a, "socket", 1), kRetAllow) << a.name;
    EXPECT_EQ(verdict(f, a, "socket", 1, 2), kRetAllow) << a.name; // SOCK_DGRAM
    EXPECT_EQ(verdict(f, a, "socketpair", 1, 2), kRetAllow) << a.name;
    EXPECT_EQ(verdict(f, a, "socket", 40), kEperm) << a.name;
    EXPECT_EQ(verdict(f, a, "connect", 3), kRetAllow) << a.name;
  }
}

// Values of the kernel ABI, the same on both architectures.
constexpr uint64_t kAfUnix = 1, kAfInet = 2, kStream = 1, kDgram = 2, kRaw = 3, kSeqpacket = 5,
                   kNonblock = 04000, kCloexec = 02000000, kHigh = 1ull << 32;

TEST(SeccompFilter, RefusingUnixSocketsAlsoRefusesDatagramPairs) {
  // A datagram socket sends to any socket path with sendto(), connected or
  // not: an unnamed datagram pair would reach journald or syslog.
  Filter f = build();
  for (const Arch &a : targetArches()) {
    SCOPED_TRACE(a.name);
    EXPECT_EQ(verdict(f, a, "socket", kAfUnix, kStream), kEperm);
    EXPECT_EQ(verdict(f, a, "socketpair", kAfUnix, kStream | kCloexec), kRetAllow);
    EXPECT_EQ(verdict(f, a, "socketpair", kAfUnix, kSeqpacket), kRetAllow);
    EXPECT_EQ(verdict(f, a, "socketpair", kAfUnix, kDgram | kCloexec), kEperm);
    EXPECT_EQ(verdict(f, a, "socketpair", kAfUnix, kHigh | kDgram), kEperm);
    EXPECT_EQ(verdict(f, a, "socketpair", kHigh | kAfUnix, kRaw), kEperm);
    EXPECT_EQ(verdict(f, a, "connect", 3), kRetAllow);
  }
}

TEST(SeccompFilter, TheLaunchersFormHandsConnectToTheSupervisor) {
  Filter f = build(mode(UnixSocketMode::BrokerConnect));
  for (const Arch &a : targetArches()) {
    SCOPED_TRACE(a.name);
    EXPECT_EQ(verdict(f, a, "connect", 3), kRetUserNotif);
    EXPECT_EQ(verdict(f, a, "connect", kHigh | 3, 0xffffffffffffffffull), kRetUserNotif);
    // Stream and seqpacket sockets, with their flags: they reach a path only
    // through connect().
    EXPECT_EQ(verdict(f, a, "socket", kAfUnix, kStream | kNonblock), kRetAllow);
    EXPECT_EQ(verdict(f, a, "socket", kAfUnix, kStream | kNonblock | kCloexec), kRetAllow);
    EXPECT_EQ(verdict(f, a, "socket", kAfUnix, kSeqpacket | kCloexec), kRetAllow);
    // Datagram (and raw, which is datagram for unix sockets) and unknown kinds.
    EXPECT_EQ(verdict(f, a, "socket", kAfUnix, kDgram | kCloexec), kEperm);
    EXPECT_EQ(verdict(f, a, "socket", kAfUnix, kDgram | kNonblock), kEperm);
    EXPECT_EQ(verdict(f, a, "socket", kAfUnix, kRaw), kEperm);
    EXPECT_EQ(verdict(f, a, "socket", kAfUnix, 0), kEperm);
    EXPECT_EQ(verdict(f, a, "socket", kAfUnix, 0xf), kEperm);
    EXPECT_EQ(verdict(f, a, "socketpair", kAfUnix, kDgram), kEperm);
    EXPECT_EQ(verdict(f, a, "socketpair", kAfUnix, kStream), kRetAllow);
    // The kernel reads family and type as ints: bits above 31 neither make
    // a datagram socket pass nor a stream socket fail (CVE-2019-10063).
    EXPECT_EQ(verdict(f, a, "socket", kHigh | kAfUnix, kDgram), kEperm);
    EXPECT_EQ(verdict(f, a, "socket", kAfUnix, kHigh | kDgram), kEperm);
    EXPECT_EQ(verdict(f, a, "socket", kAfUnix, (0xfffffff0ull << 32) | kDgram), kEperm);
    EXPECT_EQ(verdict(f, a, "socket", kAfUnix, kHigh | kStream), kRetAllow);
    EXPECT_EQ(verdict(f, a, "socket", kHigh | kAfUnix, kStream), kRetAllow);
    // Other families are untouched; vsock stays refused.
    EXPECT_EQ(verdict(f, a, "socket", kAfInet, kDgram), kRetAllow);
    EXPECT_EQ(verdict(f, a, "socket", 40, kStream), kEperm);
    EXPECT_EQ(verdict(f, a, "mount"), kEperm);
  }
  EXPECT_NE(f.pfc.find("action 0x7fc00000;"), std::string::npos);
}

TEST(SeccompFilter, ForeignArchitecturesAndX32AreKilled) {
  Filter f = build();
  std::string error;
  for (uint32_t foreign : {kAuditArchI386, kAuditArchArm, 0x12345678u}) {
    SeccompData d;
    d.nr = 20;
    d.arch = foreign;
    EXPECT_EQ(runSeccompBpf(f.bpf, d, error), std::optional<uint32_t>(kRetKillProcess))
        << std::hex << foreign;
  }
  // x32: x86_64's arch value, the call number with bit 30 set.
  const Arch &x86 = arch("x86_64");
  SeccompData d;
  d.arch = x86.auditArch;
  d.nr = static_cast<int32_t>(kX32SyscallBit | uint32_t(*syscallNumber(x86, "getpid")));
  EXPECT_EQ(runSeccompBpf(f.bpf, d, error), std::optional<uint32_t>(kRetKillProcess));
  // The same number on aarch64 is just an unknown call: allowed (ENOSYS).
  d.arch = arch("aarch64").auditArch;
  EXPECT_EQ(runSeccompBpf(f.bpf, d, error), std::optional<uint32_t>(kRetAllow));
}

TEST(SeccompFilter, PfcShowsBothSectionsAndTheKillAction) {
  Filter f = build();
  auto x86 = f.pfc.find("# filter for arch x86_64");
  auto arm = f.pfc.find("# filter for arch aarch64");
  ASSERT_NE(x86, std::string::npos);
  ASSERT_NE(arm, std::string::npos);
  EXPECT_LT(x86, arm);
  EXPECT_NE(f.pfc.find("# invalid architecture action\naction KILL_PROCESS;"), std::string::npos);
  EXPECT_NE(f.pfc.find("filter for syscall \"clone3\""), std::string::npos);
}

TEST(SeccompFilter, SelfCheckAcceptsTheRealProgram) {
  for (UnixSocketMode m : {UnixSocketMode::RefuseAll, UnixSocketMode::BrokerConnect, UnixSocketMode::AllowAll}) {
    Filter f = build(mode(m));
    std::string error;
    EXPECT_TRUE(checkFilter(f.bpf, blockedSyscalls(mode(m)), mode(m), error)) << error;
  }
}

TEST(SeccompFilter, SelfCheckRejectsAProgramForAnotherUnixSocketMode) {
  RuleOptions broker = mode(UnixSocketMode::BrokerConnect);
  std::string error;
  std::optional<Filter> f0;
  // A program without the notification: connect() would never be asked about.
  Filter refuse = build();
  EXPECT_FALSE(checkFilter(refuse.bpf, blockedSyscalls(broker), broker, error));
  EXPECT_NE(error.find("connect on x86_64"), std::string::npos) << error;
  // Nor is a program that refuses stream sockets the launcher's form.
  std::vector<SyscallRule> withUnixRefused = blockedSyscalls(broker);
  withUnixRefused.push_back(SyscallRule{"socket", Verdict::Eperm, {{0, 0xffffffff, 1}}, "test"});
  f0 = buildFilter(withUnixRefused, error);
  ASSERT_TRUE(f0.has_value()) << error;
  EXPECT_FALSE(checkFilter(f0->bpf, blockedSyscalls(broker), broker, error));
  EXPECT_NE(error.find("socket(AF_UNIX, 0x1) on x86_64"), std::string::npos) << error;
  std::vector<SyscallRule> noNotify;
  for (const SyscallRule &r : blockedSyscalls(broker))
    if (r.syscall != "connect")
      noNotify.push_back(r);
  auto f = buildFilter(noNotify, error);
  ASSERT_TRUE(f.has_value()) << error;
  EXPECT_FALSE(checkFilter(f->bpf, noNotify, broker, error));
  EXPECT_NE(error.find("connect on x86_64: the program returns 0x7fff0000 (ALLOW), the table says 0x7fc00000 "
                       "(NOTIFY)"),
            std::string::npos)
      << error;
}

TEST(SeccompFilter, SelfCheckRejectsATamperedProgram) {
  Filter f = build();
  // Turn the first ERRNO(EPERM) return into ALLOW.
  std::string bpf = f.bpf;
  bool patched = false;
  for (size_t i = 0; i + 8 <= bpf.size() && !patched; i += 8) {
    auto *p = reinterpret_cast<unsigned char *>(&bpf[i]);
    uint32_t k = p[4] | p[5] << 8 | p[6] << 16 | uint32_t(p[7]) << 24;
    if (p[0] == 0x06 && p[1] == 0 && k == kEperm) {
      p[4] = 0x00, p[5] = 0x00, p[6] = 0xff, p[7] = 0x7f; // 0x7fff0000
      patched = true;
    }
  }
  ASSERT_TRUE(patched);
  std::string error;
  EXPECT_FALSE(checkFilter(bpf, blockedSyscalls({}), {}, error));
  EXPECT_NE(error.find("the table says 0x00050001"), std::string::npos) << error;
}

TEST(SeccompFilter, SelfCheckRejectsAProgramMissingARule) {
  std::vector<SyscallRule> rules = blockedSyscalls({}), fewer;
  for (const SyscallRule &r : rules)
    if (r.syscall != "mount")
      fewer.push_back(r);
  std::string error;
  auto f = buildFilter(fewer, error);
  ASSERT_TRUE(f.has_value()) << error;
  EXPECT_FALSE(checkFilter(f->bpf, rules, {}, error));
  EXPECT_NE(error.find("mount on x86_64"), std::string::npos) << error;
  // And one that blocks a call which must keep working.
  std::vector<SyscallRule> more = rules;
  more.push_back(SyscallRule{"read", Verdict::Eperm, {}, "test"});
  f = buildFilter(more, error);
  ASSERT_TRUE(f.has_value()) << error;
  EXPECT_FALSE(checkFilter(f->bpf, rules, {}, error));
  EXPECT_NE(error.find("read on x86_64"), std::string::npos) << error;
}

TEST(SeccompFilter, UnknownCallIsAnError) {
  std::vector<SyscallRule> rules = {
      SyscallRule{"moat_no_such_call", Verdict::Eperm, {}, "test"}};
  std::string error;
  EXPECT_FALSE(buildFilter(rules, error).has_value());
  EXPECT_NE(error.find("moat_no_such_call"), std::string::npos) << error;
}
