// unix-socket-sensitive (docs/rules/unix-socket-sensitive.md).
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkUnixSocketSensitive(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
