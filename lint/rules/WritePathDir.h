// write-path-dir: a directory on $PATH is writable, so a planted program shadows a real command.
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkWritePathDir(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
