// shadowed-rule (docs/rules/shadowed-rule.md).
#pragma once
#include "lint/Context.h"

#include <vector>

namespace moat::lint {
void checkShadowedRule(const LintContext &ctx, const RuleInfo &self);
// Its findings as a pure function of the policy (lint/Background.h).
std::vector<Diagnostic> computeShadowedRule(const ir::Policy &policy, const RuleInfo &self);
} // namespace moat::lint
