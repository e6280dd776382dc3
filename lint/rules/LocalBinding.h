// local-binding (docs/rules/local-binding.md).
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkLocalBinding(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
