// Findings computed on a second core. Two rules decide exactly over every
// path and endpoint a policy names (assert-failed, shadowed-rule): on large
// policies they are most of a check's time, and their findings depend on
// nothing but the policy. runLint starts them on another thread before the
// other rules run; each still reports from its own place in the rule order,
// on the caller's thread, so the output never depends on timing.
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/ir/Policy.h"
#include "lint/Lint.h"

#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moat::lint {

// A rule's findings as a pure function of the policy.
using ComputeFindings = std::vector<Diagnostic> (*)(const ir::Policy &policy, const RuleInfo &self);

class BackgroundFindings {
public:
  // Starts every background-capable rule over `policy`, each on a thread of
  // its own (on the caller's thread, when it asks, if no thread can be
  // started).
  // `policy` must outlive the result.
  static std::unique_ptr<BackgroundFindings> start(const ir::Policy &policy);
  ~BackgroundFindings();

  // Rule `id`'s findings, waiting for them; nullopt when it was not started
  // here (the rule then computes them itself).
  std::optional<std::vector<Diagnostic>> take(std::string_view id);

private:
  BackgroundFindings() = default;
  std::map<std::string, std::future<std::vector<Diagnostic>>, std::less<>> running_;
};

class LintContext;
// Reports `self`'s findings on the context: the background's when it ran
// there, else `compute`'s, run now.
void reportFindings(const LintContext &ctx, const RuleInfo &self, ComputeFindings compute);

// A finding of `self` at its default severity, as LintContext::report makes
// them, for rules that collect before they report.
Diagnostic findingOf(const RuleInfo &self, SourceLoc loc, std::string message);

} // namespace moat::lint
