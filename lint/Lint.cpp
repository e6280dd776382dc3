#include "lint/Lint.h"

#include "lint/Context.h"
#include "lint/Background.h"

namespace moat::lint {

const RuleInfo *findLintRule(std::string_view id) {
  for (const RuleInfo &rule : lintRules())
    if (id == rule.id)
      return &rule;
  for (const RuleInfo &rule : settingsRules())
    if (id == rule.id)
      return &rule;
  return nullptr;
}

void runLint(const ir::Policy &policy, DiagnosticEngine &diags, const LintOptions &options) {
  std::string error;
  auto ctx = LintContext::create(policy, diags, options, error);
  if (!ctx) {
    // The checks cannot run: say so loudly rather than report a clean policy.
    SourceLoc loc = policy.nameLoc;
    diags.add(Diagnostic{DiagKind::Finding, Severity::Error, "lint-model", loc,
                         "cannot check this policy's risks in the canonical model (HOME=/home/user, "
                         "CWD=/home/user/project, TMPDIR=/tmp): " + error,
                         {}});
    return;
  }
  ctx->setBackground(BackgroundFindings::start(policy)); // on a second core while the rules below run
  for (const RuleInfo &rule : lintRules())
    rule.check(*ctx, rule);
}

} // namespace moat::lint
