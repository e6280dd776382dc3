// local-binding: the allow-local-binding option (srt allowLocalBinding) is
// set: the process may listen on local ports. Docs: docs/rules/local-binding.md.
#include "lint/rules/LocalBinding.h"

namespace moat::lint {

void checkLocalBinding(const LintContext &ctx, const RuleInfo &self) {
  if (!ctx.policy().options.flag(ir::OptionId::AllowLocalBinding))
    return;
  ctx.report(self, ctx.optionLoc(ir::OptionId::AllowLocalBinding),
             "allow-local-binding lets the process listen on local ports: it can impersonate a local service "
             "(an OAuth callback, a language server, a dev proxy) or serve the files it can read to other "
             "local users and processes");
}

} // namespace moat::lint
