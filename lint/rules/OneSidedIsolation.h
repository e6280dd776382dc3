// one-sided-isolation (docs/rules/one-sided-isolation.md).
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkOneSidedIsolation(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
