// excluded-command-risk (docs/rules/excluded-command-risk.md).
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkExcludedCommandRisk(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
