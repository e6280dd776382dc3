// write-shell-startup: a shell or tool startup file the user's next shell or tool run executes is writable.
// Knowledge: lint/data/shell-startup.txt. Docs: docs/rules/write-shell-startup.md.
#include "lint/rules/WriteShellStartup.h"

#include "lint/PathProbe.h"

namespace moat::lint {

void checkWriteShellStartup(const LintContext &ctx, const RuleInfo &self) { reportWritable(ctx, self, shellStartupFiles()); }

} // namespace moat::lint
