// managed-violation (docs/rules/managed-violation.md).
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkManagedViolation(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
