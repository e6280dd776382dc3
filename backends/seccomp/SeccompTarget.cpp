// The seccomp target: picks the unix-socket mode for this policy (the only
// rule that depends on it), builds the program, checks it against the rule
// table and returns the requested form. docs/backends.md, "seccomp".
#include "backends/seccomp/SeccompTarget.h"

#include "backends/seccomp/FilterCheck.h"
#include "backends/seccomp/RuntimeFilter.h"
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

// The standalone filter cannot see paths: with only some allowed, it
// refuses them all, and `moat run` is what enforces the allowlist.
RuleOptions standaloneOptions(const UnixSocketVerdict &unix, DiagnosticEngine &diags) {
  RuleOptions options;
  switch (unix.scope) {
  case UnixSocketScope::None:
    break;
  case UnixSocketScope::SomePaths:
    diags.report(DiagKind::UnenforceableRule, unix.loc,
                 unix.why + ": a per-path unix socket allowlist is enforced by `moat run`, which "
                 "brokers connect() through seccomp user notification; this standalone filter "
                 "cannot see socket paths and is stricter: it refuses every unix socket");
    break;
  case UnixSocketScope::AllPaths:
    options.unixSockets = UnixSocketMode::AllowAll;
    break;
  }
  return options;
}

} // namespace

void build(const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
           BuildResult &result) {
  bool pfc = options.format == "pfc", runtimePfc = options.format == "runtime-pfc";
  if (!pfc && !runtimePfc && !options.format.empty() && options.format != "bpf") {
    diags.report(DiagKind::UnknownFormat, SourceLoc{}, "seccomp", options.format, "bpf, pfc, runtime-pfc");
    return;
  }

  reportTightened(policy, diags);
  std::string error;
  if (runtimePfc) {
    std::optional<RuntimeFilter> filter = buildRuntimeFilter(policy, error);
    if (!filter) {
      diags.report(DiagKind::BackendRefused, SourceLoc{}, error);
      return;
    }
    result.output = std::move(filter->filter.pfc);
    if (filter->brokerUnixConnect)
      result.advice.push_back("seccomp: moat run loads this filter with a notification listener and "
                              "decides every connect() to a unix socket path by the policy");
    return;
  }

  UnixSocketVerdict unix = unixSocketsAllowed(policy);
  std::optional<Filter> filter = buildCheckedFilter(standaloneOptions(unix, diags), error);
  if (!filter) {
    diags.report(DiagKind::BackendRefused, SourceLoc{}, error);
    return;
  }
  result.output = pfc ? std::move(filter->pfc) : std::move(filter->bpf);
  if (unix.scope == UnixSocketScope::AllPaths)
    result.advice.push_back(fmt::format("seccomp: socket(AF_UNIX) stays allowed because {}{}", unix.why,
                                        where(diags, unix.loc)));
  if (!pfc)
    result.advice.push_back("seccomp: load it with bwrap ... --seccomp 3 -- CMD 3< FILE "
                            "(x86_64 and aarch64; other architectures and x32 are killed)");
}

} // namespace moat::backends::seccomp
