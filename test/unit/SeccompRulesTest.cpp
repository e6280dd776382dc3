// The seccomp target's rule table: every rule names a real call, arguments
// the kernel reads as 32-bit are compared on 32 bits only, and the
// personality rules block exactly the values personalityAllowed refuses.
#include "backends/seccomp/FilterBuilder.h"
#include "backends/seccomp/SyscallRules.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

using namespace moat::backends::seccomp;

namespace {

// What the table says about personality(value), read straight from the
// rules (OR of masked comparisons on argument 0).
bool tableBlocksPersonality(const std::vector<SyscallRule> &rules, uint64_t value) {
  for (const SyscallRule &r : rules)
    if (r.syscall == "personality" && r.arg && (value & r.arg->mask) == r.arg->value)
      return true;
  return false;
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
  for (const SyscallRule &r : blockedSyscalls({})) {
    if (!r.arg)
      continue;
    EXPECT_EQ(r.arg->mask >> 32, 0u) << r.syscall;
    EXPECT_EQ(r.arg->value & ~r.arg->mask, 0u) << r.syscall << ": value outside its mask";
    if (r.syscall == "socket" || r.syscall == "ioctl") {
      EXPECT_EQ(r.arg->mask, 0xffffffffu) << r.syscall;
    }
  }
}

TEST(SeccompRules, UnixSocketOptionRemovesExactlyTheAfUnixRule) {
  auto strict = blockedSyscalls({});
  RuleOptions open;
  open.allowUnixSockets = true;
  auto relaxed = blockedSyscalls(open);
  ASSERT_EQ(strict.size(), relaxed.size() + 1);
  size_t unixRules = 0;
  for (const SyscallRule &r : strict)
    if (r.group == "unix-sockets") {
      ++unixRules;
      EXPECT_EQ(r.syscall, "socket");
      ASSERT_TRUE(r.arg.has_value());
      EXPECT_EQ(r.arg->value, 1u); // AF_UNIX
    }
  EXPECT_EQ(unixRules, 1u);
  for (const SyscallRule &r : relaxed)
    EXPECT_NE(r.group, "unix-sockets");
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
