// git-push-default-branch (docs/rules/git-push-default-branch.md).
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkGitPushDefaultBranch(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
