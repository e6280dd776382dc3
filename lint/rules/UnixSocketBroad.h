// unix-socket-broad (docs/rules/unix-socket-broad.md).
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkUnixSocketBroad(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
