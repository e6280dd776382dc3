// The seccomp target: picks the rules for this policy (only the unix-socket
// rule depends on it), builds the program, checks it against the rule table
// and returns the requested form. docs/backends.md, "seccomp".
#include "backends/seccomp/SeccompTarget.h"

#include "backends/seccomp/FilterBuilder.h"
#include "backends/seccomp/FilterCheck.h"
#include "backends/seccomp/SyscallRules.h"
#include "backends/seccomp/UnixSockets.h"

#include <fmt/format.h>

namespace moat::backends::seccomp {
namespace {

// Options that ask for less than the filter enforces: the filter is fixed
// (a baseline for every policy), so it is stricter there, and says so.
void reportTightened(const ir::Policy &policy, DiagnosticEngine &diags) {
  const ir::Options &o = policy.options;
  if (o.flag(ir::OptionId::SandboxDisabled))
    diags.report(DiagKind::UnenforceableRule, o.get(ir::OptionId::SandboxDisabled)->loc,
                 "sandbox-disabled confines nothing, but the seccomp filter still refuses mounts, "
                 "user namespaces, ptrace, io_uring and the rest of its list (only unix sockets "
                 "stay allowed)");
  if (o.flag(ir::OptionId::WeakerNestedSandbox))
    diags.report(DiagKind::UnenforceableRule, o.get(ir::OptionId::WeakerNestedSandbox)->loc,
                 "weaker-nested-sandbox is not honoured: the seccomp filter refuses new user "
                 "namespaces and mounts, so no sandbox can run inside this one");
}

std::string where(const DiagnosticEngine &diags, SourceLoc loc) {
  if (!loc.valid())
    return "";
  return fmt::format(" ({}:{}:{})", diags.files().name(loc.buffer), loc.line, loc.col);
}

} // namespace

void build(const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
           BuildResult &result) {
  bool pfc = options.format == "pfc";
  if (!pfc && !options.format.empty() && options.format != "bpf") {
    diags.report(DiagKind::UnknownFormat, SourceLoc{}, "seccomp", options.format, "bpf, pfc");
    return;
  }

  reportTightened(policy, diags);
  UnixSocketVerdict unix = unixSocketsAllowed(policy);
  RuleOptions ruleOptions;
  ruleOptions.allowUnixSockets = unix.allowed;
  std::vector<SyscallRule> rules = blockedSyscalls(ruleOptions);

  std::string error;
  std::optional<Filter> filter = buildFilter(rules, error);
  if (!filter) {
    diags.report(DiagKind::BackendRefused, SourceLoc{},
                 fmt::format("cannot generate the seccomp filter: {}", error));
    return;
  }
  if (!checkFilter(filter->bpf, rules, ruleOptions, error)) {
    diags.report(DiagKind::BackendRefused, SourceLoc{},
                 fmt::format("the generated seccomp filter disagrees with its rule table: {}",
                             error));
    return;
  }

  result.output = pfc ? std::move(filter->pfc) : std::move(filter->bpf);
  if (unix.allowed)
    result.advice.push_back(fmt::format(
        "seccomp: socket(AF_UNIX) stays allowed because {}{}; seccomp cannot see socket paths, "
        "the bwrap target limits which sockets are reachable",
        unix.why, where(diags, unix.loc)));
  if (!pfc)
    result.advice.push_back("seccomp: load it with bwrap ... --seccomp 3 -- CMD 3< FILE "
                            "(x86_64 and aarch64; other architectures and x32 are killed)");
}

} // namespace moat::backends::seccomp
