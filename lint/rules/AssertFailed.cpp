// assert-failed: every `assert` of the policy is decided over all the paths
// or endpoints it covers (compiler/verify/Asserts.h), in the canonical model
// every lint rule uses. A failed assert is an error at the assert, with the
// counterexample and a note at what decided it. `moat verify` runs the same
// check with --define. Docs: docs/rules/assert-failed.md.
#include "lint/rules/AssertFailed.h"

#include <functional>
#include <system_error>

namespace moat::lint {

eval::Bindings modelBindings() {
  eval::Bindings b;
  std::string error;
  for (auto [name, value] : {std::pair{"HOME", kModelHome}, {"CWD", kModelCwd}, {"TMPDIR", kModelTmp}})
    b.define(name, value, error); // constant absolute paths: cannot fail
  return b;
}

namespace {

AssertRun decideAsserts(const ir::Policy &policy) {
  AssertRun run;
  eval::Bindings bindings = modelBindings();
  run.outcomes = verify::checkAsserts(policy, bindings, run.error);
  return run;
}

} // namespace

std::unique_ptr<LintContext::PendingAsserts> startAssertCheck(const ir::Policy &policy) {
  if (policy.asserts.empty())
    return nullptr;
  auto pending = std::make_unique<LintContext::PendingAsserts>();
  try {
    pending->run = std::async(std::launch::async, decideAsserts, std::cref(policy));
  } catch (const std::system_error &) {
    pending->run = std::async(std::launch::deferred, decideAsserts, std::cref(policy)); // no thread: run it here later
  }
  return pending;
}

void checkAssertFailed(const LintContext &ctx, const RuleInfo &self) {
  const ir::Policy &policy = ctx.policy();
  if (policy.asserts.empty())
    return;
  eval::Bindings bindings = modelBindings();
  AssertRun run = ctx.pendingAsserts() ? ctx.pendingAsserts()->run.get() : decideAsserts(policy);
  if (!run.outcomes) {
    // Never a silent pass: an assert that cannot be decided is an error.
    ctx.report(self, policy.asserts.front().prov.loc, "cannot decide the asserts: " + run.error);
    return;
  }
  for (const verify::AssertOutcome &o : *run.outcomes) {
    if (o.holds)
      continue;
    Diagnostic d = verify::assertFailure(policy, bindings, o);
    Diagnostic &out = ctx.report(self, d.loc, d.message);
    for (const Diagnostic &n : d.notes)
      out.notes.push_back(LintContext::note(self, n.loc, n.message));
  }
}

} // namespace moat::lint
