// write-shell-startup: a shell or tool startup file the user's next shell or tool run executes is writable.
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkWriteShellStartup(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
