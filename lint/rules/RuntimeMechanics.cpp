// runtime-mechanics: where the runtime that reads a settings file enforces
// something other than what the file says, because of how it builds the
// sandbox (srt's bubblewrap mounts on Linux: write globs skipped, a tmpfs
// over read-denied paths, allowRead carve-outs bound read-only, unix socket
// paths ignored). The runtime transform (compiler/sema/RuntimeSemantics.h)
// records each place; this rule reports them where the runtime is judged on
// Linux: a warning where the runtime enforces less than the entry asks, a
// note where it enforces more (work the file means to allow fails).
// Docs: docs/rules/runtime-mechanics.md.
#include "lint/rules/RuntimeMechanics.h"

namespace moat::lint {

void checkRuntimeMechanics(const LintContext &ctx, const RuleInfo &self) {
  const ir::Policy &policy = ctx.policy();
  if (policy.runtime == ir::Runtime::Moat || policy.runtimePlatform == ir::Platform::MacOS)
    return;
  // With the sandbox off (Claude Code without "enabled": true) no mount is
  // made and no filter installed: the mechanics describe nothing.
  if (policy.options.flag(ir::OptionId::SandboxDisabled))
    return;
  for (const ir::RuntimeMechanic &m : policy.runtimeMechanics) {
    SourceLoc loc = m.loc.valid() ? m.loc : ctx.defaultLoc({});
    ctx.report(self, m.looser ? Severity::Warning : Severity::Note, loc, m.message);
  }
}

} // namespace moat::lint
