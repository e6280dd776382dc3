// weaker-nested-sandbox (docs/rules/weaker-nested-sandbox.md).
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkWeakerNestedSandbox(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
