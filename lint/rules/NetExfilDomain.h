// net-exfil-domain (docs/rules/net-exfil-domain.md).
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkNetExfilDomain(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
