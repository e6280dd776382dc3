// write-git-exec: a file or directory through which git runs code (hooks, config, templates) is writable.
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkWriteGitExec(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
