// net-broad-wildcard (docs/rules/net-broad-wildcard.md).
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkNetBroadWildcard(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
