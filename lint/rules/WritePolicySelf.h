// write-policy-self: the confined process can rewrite a sandbox policy,
// this policy's own files included.
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkWritePolicySelf(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
