// read-secrets: credentials are readable; an error when the policy also
// lets data out (lint/Egress.h), a warning otherwise.
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkReadSecrets(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
