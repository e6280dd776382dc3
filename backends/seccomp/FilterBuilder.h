// Turns the rule table into one seccomp program with libseccomp: a section
// for x86_64 and one for aarch64, in that order, whatever machine builds it;
// any other architecture (i386 and arm compat calls, x32 calls on x86_64)
// kills the process.
#pragma once
#include "backends/seccomp/SyscallRules.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moat::backends::seccomp {

struct Arch {
  const char *name;   // "x86_64", "aarch64"
  uint32_t auditArch; // AUDIT_ARCH_*, what seccomp_data.arch holds (= libseccomp's token)
};
// The architectures the program covers, in section order.
const std::vector<Arch> &targetArches();
// The syscall's number on `arch`, or nullopt when the arch has no such call.
std::optional<int> syscallNumber(const Arch &arch, std::string_view name);

struct SkippedRule {
  std::string arch;
  std::string syscall;
};

struct Filter {
  std::string bpf; // struct sock_filter[], as bwrap --seccomp FD reads it
  std::string pfc; // libseccomp's pseudo filter code, for review
  // Rules for calls an architecture does not have (skipped there).
  std::vector<SkippedRule> skipped;
};

// Builds the program. Deterministic: the same rules give the same bytes. A
// rule naming a call no architecture has, or any libseccomp failure, is an
// error (nullopt, `error` says why): the table is then wrong, and a filter
// with a rule missing must not be written.
std::optional<Filter> buildFilter(const std::vector<SyscallRule> &rules, std::string &error);

} // namespace moat::backends::seccomp
