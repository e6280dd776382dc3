// unix-socket-container-runtime (docs/rules/unix-socket-container-runtime.md).
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkUnixSocketContainerRuntime(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
