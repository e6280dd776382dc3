// net-local-exposure (docs/rules/net-local-exposure.md).
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkNetLocalExposure(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
