// weakening-setting (docs/rules/weakening-setting.md).
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkWeakeningSetting(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
