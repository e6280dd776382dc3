// runtime-mechanics (docs/rules/runtime-mechanics.md).
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkRuntimeMechanics(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
