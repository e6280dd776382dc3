// write-git-exec: a file or directory through which git runs code (hooks, config, templates) is writable.
// Knowledge: lint/data/git-exec.txt. Docs: docs/rules/write-git-exec.md.
#include "lint/rules/WriteGitExec.h"

#include "lint/PathProbe.h"

namespace moat::lint {

void checkWriteGitExec(const LintContext &ctx, const RuleInfo &self) { reportWritable(ctx, self, gitExecPoints()); }

} // namespace moat::lint
