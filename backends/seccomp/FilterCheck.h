// The build-time self-check: before the seccomp target writes a program it
// runs it (BpfInterpreter) on every rule of the table, on calls that must
// stay allowed, on every unix socket type and connect() as the unix-socket
// mode says, and on foreign and x32 calls, for each architecture. A
// disagreement means libseccomp did not produce what the table says, and the
// target refuses to write the program.
#pragma once
#include "backends/seccomp/BpfInterpreter.h"
#include "backends/seccomp/FilterBuilder.h"
#include "backends/seccomp/SyscallRules.h"

#include <string>
#include <string_view>

namespace moat::backends::seccomp {

// AUDIT_ARCH_* of calls that must be killed: i386 (int 0x80 / compat on
// x86_64) and 32-bit arm (compat on aarch64); x32 calls carry x86_64's arch
// with this bit set in the number.
constexpr uint32_t kAuditArchX86_64 = 0xc000003eu;
constexpr uint32_t kAuditArchI386 = 0x40000003u;
constexpr uint32_t kAuditArchArm = 0x40000028u;
constexpr uint32_t kX32SyscallBit = 0x40000000u;

// True when `bpf` behaves as `rules` say (with `options`, which decide the
// calls that must stay allowed); otherwise false with the first
// disagreement in `error`.
bool checkFilter(std::string_view bpf, const std::vector<SyscallRule> &rules,
                 const RuleOptions &options, std::string &error);

// The rule table for `options`, built and checked: how both the standalone
// filter (SeccompTarget) and the launcher's (RuntimeFilter) are made. On
// failure nullopt, and `error` says whether libseccomp failed or the program
// disagrees with the table.
std::optional<Filter> buildCheckedFilter(const RuleOptions &options, std::string &error);

} // namespace moat::backends::seccomp
