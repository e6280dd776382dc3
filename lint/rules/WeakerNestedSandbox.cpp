// weaker-nested-sandbox: the weaker-nested-sandbox option (srt
// enableWeakerNestedSandbox) is set. Docs: docs/rules/weaker-nested-sandbox.md.
#include "lint/rules/WeakerNestedSandbox.h"

namespace moat::lint {

void checkWeakerNestedSandbox(const LintContext &ctx, const RuleInfo &self) {
  if (!ctx.policy().options.flag(ir::OptionId::WeakerNestedSandbox))
    return;
  ctx.report(self, ctx.optionLoc(ir::OptionId::WeakerNestedSandbox),
             "weaker-nested-sandbox binds the host's /proc into the sandbox: the process sees every host "
             "process and can reach their files through /proc/<pid>/root and /proc/<pid>/cwd; use it only "
             "where the sandbox already runs inside a container");
}

} // namespace moat::lint
