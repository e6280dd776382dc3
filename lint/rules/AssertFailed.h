// assert-failed (docs/rules/assert-failed.md): the policy's own asserts,
// decided in the canonical model as part of `moat check`.
#pragma once
#include "lint/Context.h"

#include <vector>

namespace moat::lint {
void checkAssertFailed(const LintContext &ctx, const RuleInfo &self);
// Its findings as a pure function of the policy (lint/Background.h).
std::vector<Diagnostic> computeAssertFailed(const ir::Policy &policy, const RuleInfo &self);
// The canonical model's bindings (HOME, CWD, TMPDIR; `let` variables keep
// their defaults), for checks that bind patterns themselves.
eval::Bindings modelBindings();
} // namespace moat::lint
