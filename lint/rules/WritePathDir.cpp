// write-path-dir: a directory on $PATH is writable, so a planted program shadows a real command.
// Knowledge: lint/data/path-dirs.txt and path-commands.txt. Docs: docs/rules/write-path-dir.md.
#include "lint/rules/WritePathDir.h"

#include "lint/WriteProbe.h"

namespace moat::lint {

void checkWritePathDir(const LintContext &ctx, const RuleInfo &self) { reportWritable(ctx, self, pathDirectories(), pathCommands()); }

} // namespace moat::lint
