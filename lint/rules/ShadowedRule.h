// shadowed-rule (docs/rules/shadowed-rule.md).
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkShadowedRule(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
