// net-fronting-domain (docs/rules/net-fronting-domain.md).
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkNetFrontingDomain(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
