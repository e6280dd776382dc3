// assert-failed (docs/rules/assert-failed.md): the policy's own asserts,
// decided in the canonical model as part of `moat check`.
#pragma once
#include "compiler/verify/Asserts.h"
#include "lint/Context.h"

#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace moat::lint {

// What deciding the asserts gave: the outcomes, or why they cannot be decided.
struct AssertRun {
  std::optional<std::vector<verify::AssertOutcome>> outcomes;
  std::string error;
};

struct LintContext::PendingAsserts {
  std::future<AssertRun> run;
};

// Starts deciding `policy`'s asserts in the canonical model on another
// thread (deferred to the caller's thread when no thread can be started);
// nullptr when the policy has no asserts. `policy` must outlive the result.
std::unique_ptr<LintContext::PendingAsserts> startAssertCheck(const ir::Policy &policy);

void checkAssertFailed(const LintContext &ctx, const RuleInfo &self);
// The canonical model's bindings (HOME, CWD, TMPDIR; `let` variables keep
// their defaults), for checks that bind patterns themselves.
eval::Bindings modelBindings();
} // namespace moat::lint
