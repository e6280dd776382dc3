// The seccomp target's rule table: every rule names a real call, arguments
// the kernel reads as 32-bit are compared on 32 bits only, the personality
// rules block exactly the values personalityAllowed refuses, and each
// unix-socket mode has exactly its rules.
#include "backends/seccomp/FilterBuilder.h"
#include "backends/seccomp/SyscallRules.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <set>

using namespace moat::backends::seccomp;

namespace {

// What the table says about personality(value), read straight from the
// rules (OR of masked comparisons on argument 0).
bool tableBlocksPersonality(const std::vector<SyscallRule> &rules, uint64_t value) {
  for (const SyscallRule &r : rules)
    if (r.syscall == "personality" && r.args.size() == 1 && (value & r.args[0].mask) == r.args[0].value)
      return true;
  return false;
}

// What the table's rules say about `syscall(args...)`: the verdict of the
// first rule whose comparisons all match, or nullopt (allowed).
std::optional<Verdict> tableVerdict(const std::vector<SyscallRule> &rules, std::string_view syscall,
                                    uint64_t a0 = 0, uint64_t a1 = 0) {
  uint64_t args[6] = {a0, a1, 0, 0, 0, 0};
  for (const SyscallRule &r : rules) {
    if (r.syscall != syscall)
      continue;
    bool all = true;
    for (const ArgMatch &m : r.args)
      all &= (args[m.index] & m.mask) == m.value;
    if (all)
      return r.verdict;
  }
  return std::nullopt;
}

std::vector<SyscallRule> rulesFor(UnixSocketMode mode) {
  RuleOptions o;
  o.unixSockets = mode;
  return blockedSyscalls(o);
}

} // namespace

TEST(SeccompRules, EveryRuleNamesACallOfSomeArchitecture) {
  std::set<std::string> missingOnAarch64;
  for (const SyscallRule &r : blockedSyscalls({})) {
    bool somewhere = false;
    for (const Arch &arch : targetArches()) {
      if (syscallNumber(arch, r.syscall))
        somewhere = true;
      else if (std::string(arch.name) == "aarch64")
        missingOnAarch64.insert(std::string(r.syscall));
      else
        ADD_FAILURE() << r.syscall << " is missing on " << arch.name;
    }
    EXPECT_TRUE(somewhere) << r.syscall;
    EXPECT_FALSE(r.group.empty()) << r.syscall;
  }
  // The documented list (docs/backends.md): x86-only port I/O calls.
  EXPECT_EQ(missingOnAarch64, (std::set<std::string>{"iopl", "ioperm"}));
}

TEST(SeccompRules, IntArgumentsCompareOnlyTheLowHalf) {
  // socket's family, ioctl's request and personality's value are 32-bit in
  // the kernel: a mask reaching into the upper half could be dodged by
  // setting bits there (CVE-2019-10063).
  for (UnixSocketMode mode : {UnixSocketMode::RefuseAll, UnixSocketMode::BrokerConnect}) {
    for (const SyscallRule &r : rulesFor(mode)) {
      std::set<unsigned> seen;
      for (const ArgMatch &m : r.args) {
        EXPECT_TRUE(seen.insert(m.index).second) << r.syscall << ": two comparisons of one argument";
        EXPECT_EQ(m.mask >> 32, 0u) << r.syscall;
        EXPECT_EQ(m.value & ~m.mask, 0u) << r.syscall << ": value outside its mask";
        // The family (socket, socketpair) and the ioctl request are whole
        // ints; socket types are compared on their 4 kind bits.
        bool socketCall = r.syscall == "socket" || r.syscall == "socketpair";
        if ((socketCall && m.index == 0) || r.syscall == "ioctl") {
          EXPECT_EQ(m.mask, 0xffffffffu) << r.syscall;
        }
        if (socketCall && m.index == 1) {
          EXPECT_EQ(m.mask & ~0xfull, 0u) << r.syscall;
        }
      }
    }
  }
}

TEST(SeccompRules, UnixSocketModesDifferOnlyInTheUnixSocketGroup) {
  auto others = [](const std::vector<SyscallRule> &rules) {
    std::vector<std::string> out;
    for (const SyscallRule &r : rules)
      if (r.group != "unix-sockets")
        out.push_back(std::string(r.syscall));
    return out;
  };
  auto refuse = rulesFor(UnixSocketMode::RefuseAll), broker = rulesFor(UnixSocketMode::BrokerConnect),
       all = rulesFor(UnixSocketMode::AllowAll);
  EXPECT_EQ(others(refuse), others(all));
  EXPECT_EQ(others(broker), others(all));
  EXPECT_EQ(others(all).size(), all.size()); // AllowAll has no unix-socket rule
  for (const auto *rules : {&refuse, &broker})
    for (const SyscallRule &r : *rules)
      if (r.group == "unix-sockets" && r.syscall != "connect") {
        ASSERT_FALSE(r.args.empty());
        EXPECT_EQ(r.args[0].index, 0u);
        EXPECT_EQ(r.args[0].value, 1u); // AF_UNIX
      }
}

TEST(SeccompRules, UnixSocketTypesPerMode) {
  constexpr uint64_t kNonblock = 04000, kCloexec = 02000000, kHigh = 0xffffffff00000000ull;
  auto refuse = rulesFor(UnixSocketMode::RefuseAll), broker = rulesFor(UnixSocketMode::BrokerConnect),
       all = rulesFor(UnixSocketMode::AllowAll);
  for (uint64_t high : {uint64_t{0}, kHigh})
    for (uint64_t flags : {uint64_t{0}, kNonblock, kCloexec, kNonblock | kCloexec})
      for (uint32_t kind = 0; kind < 16; ++kind) {
        uint64_t type = high | flags | kind;
        bool connectOnly = kind == 1 /* SOCK_STREAM */ || kind == 5 /* SOCK_SEQPACKET */;
        EXPECT_EQ(unixTypeConnectOnly(static_cast<uint32_t>(type)), connectOnly) << kind;
        auto refused = std::optional<Verdict>(Verdict::Eperm);
        std::optional<Verdict> none;
        SCOPED_TRACE(testing::Message() << std::hex << "type " << type);
        EXPECT_EQ(tableVerdict(refuse, "socket", high | 1, type), refused);
        EXPECT_EQ(tableVerdict(refuse, "socketpair", high | 1, type), connectOnly ? none : refused);
        EXPECT_EQ(tableVerdict(broker, "socket", high | 1, type), connectOnly ? none : refused);
        EXPECT_EQ(tableVerdict(broker, "socketpair", high | 1, type), connectOnly ? none : refused);
        EXPECT_EQ(tableVerdict(all, "socket", high | 1, type), none);
        EXPECT_EQ(tableVerdict(all, "socketpair", high | 1, type), none);
        // Other families are not the unix-socket rules' business.
        EXPECT_EQ(tableVerdict(broker, "socket", 2, type), none);
      }
  EXPECT_EQ(tableVerdict(broker, "connect"), std::optional<Verdict>(Verdict::Notify));
  EXPECT_EQ(tableVerdict(refuse, "connect"), std::nullopt);
  EXPECT_EQ(tableVerdict(all, "connect"), std::nullopt);
}

TEST(SeccompRules, CloneThreeFailsWithEnosysEverythingElseWithEperm) {
  for (const SyscallRule &r : blockedSyscalls({}))
    EXPECT_EQ(r.verdict, r.syscall == "clone3" ? Verdict::Enosys : Verdict::Eperm) << r.syscall;
}

TEST(SeccompRules, PersonalityAllowlistIsDockers) {
  for (uint32_t v : {0x0u, 0x8u, 0x20000u, 0x20008u, 0xffffffffu})
    EXPECT_TRUE(personalityAllowed(v)) << std::hex << v;
  for (uint32_t v : {0x1u, 0x0040000u /* ADDR_NO_RANDOMIZE */, 0x0400000u /* READ_IMPLIES_EXEC */,
                     0x0100000u /* MMAP_PAGE_ZERO */, 0x0200000u /* ADDR_COMPAT_LAYOUT */,
                     0x0800000u /* ADDR_LIMIT_32BIT */, 0x8000000u /* ADDR_LIMIT_3GB */,
                     0xfffffffeu, 0x7fffffffu, 0x20009u})
    EXPECT_FALSE(personalityAllowed(v)) << std::hex << v;
}

TEST(SeccompRules, PersonalityRulesBlockExactlyTheRefusedValues) {
  auto rules = blockedSyscalls({});
  auto agree = [&](uint32_t v) {
    // The kernel reads `unsigned int`: the upper half must not matter.
    for (uint64_t high : {0ull, 0xffffffff00000000ull, 0x8000000100000000ull})
      EXPECT_EQ(tableBlocksPersonality(rules, high | v), !personalityAllowed(v))
          << std::hex << (high | v);
  };
  // Every value with at most three bits set, and every value with at most
  // three bits clear: the neighbourhoods of the allowed values and of the query.
  for (unsigned i = 0; i < 32; ++i)
    for (unsigned j = i; j < 32; ++j)
      for (unsigned k = j; k < 32; ++k) {
        uint32_t v = (1u << i) | (1u << j) | (1u << k);
        agree(v);
        agree(~v);
      }
  agree(0);
  // And a million random values.
  std::mt19937 rng(20240617);
  for (int n = 0; n < 1000000; ++n) {
    uint32_t v = rng();
    if (tableBlocksPersonality(rules, v) == personalityAllowed(v))
      FAIL() << "personality(" << std::hex << v << ") disagrees";
  }
}
