#include "backends/seccomp/UnixSockets.h"

#include <algorithm>

namespace moat::backends::seccomp {
namespace {

bool appliesOnLinux(ir::Platform p) { return p == ir::Platform::Any || p == ir::Platform::Linux; }

// A pattern that matches every socket path: "/" as a subtree, "/**" or "/*"
// (a glob that matches a directory covers everything beneath it, and no
// socket is "/" itself). Patterns under a symbolic root never do.
bool coversEveryPath(const fs::PathPattern &p) {
  if (!p.root.empty())
    return false;
  if (p.components.empty())
    return p.form == fs::PatternForm::Subtree;
  return p.components.size() == 1 && p.isGlob() &&
         (p.components[0] == "*" || p.components[0] == "**");
}

} // namespace

UnixSocketVerdict unixSocketsAllowed(const ir::Policy &policy) {
  if (const auto &s = policy.options.get(ir::OptionId::SandboxDisabled);
      s && policy.options.flag(ir::OptionId::SandboxDisabled))
    return {UnixSocketScope::AllPaths, "the policy sets sandbox-disabled", s->loc};
  std::vector<const ir::UnixSocketRule *> allows, denies;
  for (const ir::UnixSocketRule &rule : policy.unixSockets)
    if (appliesOnLinux(rule.platform))
      (rule.effect == ir::Effect::Deny ? denies : allows).push_back(&rule);
  if (std::any_of(denies.begin(), denies.end(), [](auto *r) { return coversEveryPath(r->path); }))
    return {}; // no path can be allowed
  // Every path unless a deny takes some out again.
  UnixSocketScope all = denies.empty() ? UnixSocketScope::AllPaths : UnixSocketScope::SomePaths;
  std::string except = denies.empty() ? "" : " (but denies '" + denies.front()->path.text() + "')";
  if (const auto &s = policy.options.get(ir::OptionId::AllowAllUnixSockets);
      s && policy.options.flag(ir::OptionId::AllowAllUnixSockets))
    return {all, "the policy sets allow-all-unix-sockets" + except, s->loc};
  for (const ir::UnixSocketRule *rule : allows)
    if (coversEveryPath(rule->path))
      return {all, "the policy allows the unix socket '" + rule->path.text() + "'" + except, rule->prov.loc};
  if (!allows.empty())
    return {UnixSocketScope::SomePaths, "the policy allows the unix socket '" + allows.front()->path.text() + "'",
            allows.front()->prov.loc};
  return {};
}

} // namespace moat::backends::seccomp
