// managed-violation: a lower layer (user, project, command line) breaks what
// the managed policy decided: it tries to lift a managed deny, hits a
// `forbid`, breaks a `require`, or is ignored under a `lock`. The layer merge
// (compiler/layers) finds these exactly and records them in the effective
// policy; this rule reports each at the lower statement with a note at the
// managed one. Docs: docs/rules/managed-violation.md.
#include "lint/rules/ManagedViolation.h"

namespace moat::lint {

void checkManagedViolation(const LintContext &ctx, const RuleInfo &self) {
  for (const ir::ManagedViolation &v : ctx.policy().managedViolations) {
    Diagnostic &d = ctx.report(self, v.lowerLoc, v.message);
    if (!v.managedNote.empty())
      d.notes.push_back(LintContext::note(self, v.managedLoc, v.managedNote));
  }
}

} // namespace moat::lint
