#include "backends/seccomp/UnixSockets.h"

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
  UnixSocketVerdict v;
  if (const auto &s = policy.options.get(ir::OptionId::SandboxDisabled);
      s && policy.options.flag(ir::OptionId::SandboxDisabled)) {
    // The evaluator allows every socket before it looks at any rule.
    v = {true, "the policy sets sandbox-disabled", s->loc};
    return v;
  }
  for (const ir::UnixSocketRule &rule : policy.unixSockets)
    if (rule.effect == ir::Effect::Deny && appliesOnLinux(rule.platform) &&
        coversEveryPath(rule.path))
      return v; // no path can be allowed: block them all
  if (const auto &s = policy.options.get(ir::OptionId::AllowAllUnixSockets);
      s && policy.options.flag(ir::OptionId::AllowAllUnixSockets)) {
    v = {true, "the policy sets allow-all-unix-sockets", s->loc};
    return v;
  }
  for (const ir::UnixSocketRule &rule : policy.unixSockets)
    if (rule.effect == ir::Effect::Allow && appliesOnLinux(rule.platform)) {
      v = {true, "the policy allows the unix socket '" + rule.path.text() + "'", rule.prov.loc};
      return v;
    }
  return v;
}

} // namespace moat::backends::seccomp
