// write-policy-self: the confined process can rewrite a sandbox policy that
// will confine it later. Knowledge: lint/data/policy-files.txt.
// Docs: docs/rules/write-policy-self.md.
//
// The policy's own files are not probed here: where they sit relative to
// the launch directory is only known at launch, so protecting them is the
// launcher's job (it binds them read-only).
#include "lint/rules/WritePolicySelf.h"

#include "lint/Knowledge.h"
#include "lint/PathProbe.h"

namespace moat::lint {

void checkWritePolicySelf(const LintContext &ctx, const RuleInfo &self) { reportWritable(ctx, self, policyFiles()); }

} // namespace moat::lint
