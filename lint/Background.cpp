#include "lint/Background.h"

#include "lint/Context.h"
#include "lint/rules/AssertFailed.h"
#include "lint/rules/ShadowedRule.h"

#include <system_error>

namespace moat::lint {

namespace {

struct BackgroundRule {
  const char *id;
  ComputeFindings compute;
};

// The rules that may run away from the context: pure functions of the policy.
const BackgroundRule kBackgroundRules[] = {
    {"shadowed-rule", computeShadowedRule},
    {"assert-failed", computeAssertFailed},
};

} // namespace

std::unique_ptr<BackgroundFindings> BackgroundFindings::start(const ir::Policy &policy) {
  auto b = std::unique_ptr<BackgroundFindings>(new BackgroundFindings());
  for (const BackgroundRule &r : kBackgroundRules) {
    const RuleInfo *self = findLintRule(r.id);
    if (!self)
      continue;
    std::future<std::vector<Diagnostic>> f;
    try {
      f = std::async(std::launch::async, r.compute, std::cref(policy), std::cref(*self));
    } catch (const std::system_error &) {
      f = std::async(std::launch::deferred, r.compute, std::cref(policy), std::cref(*self)); // later, here
    }
    b->running_.emplace(r.id, std::move(f));
  }
  return b;
}

BackgroundFindings::~BackgroundFindings() = default; // each future's destructor waits for its thread

std::optional<std::vector<Diagnostic>> BackgroundFindings::take(std::string_view id) {
  auto it = running_.find(id);
  if (it == running_.end())
    return std::nullopt;
  std::vector<Diagnostic> out = it->second.get();
  running_.erase(it);
  return out;
}

void reportFindings(const LintContext &ctx, const RuleInfo &self, ComputeFindings compute) {
  std::optional<std::vector<Diagnostic>> findings;
  if (BackgroundFindings *b = ctx.background())
    findings = b->take(self.id);
  if (!findings)
    findings = compute(ctx.policy(), self);
  for (Diagnostic &f : *findings) {
    Diagnostic &out = ctx.report(self, f.severity, f.loc, std::move(f.message));
    out.notes = std::move(f.notes);
  }
}

Diagnostic findingOf(const RuleInfo &self, SourceLoc loc, std::string message) {
  return Diagnostic{DiagKind::Finding, self.severity, self.id, loc, std::move(message), {}};
}

} // namespace moat::lint
