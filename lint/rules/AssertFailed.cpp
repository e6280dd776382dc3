// assert-failed: every `assert` of the policy is decided over all the paths
// or endpoints it covers (compiler/verify/Asserts.h), in the canonical model
// every lint rule uses. A failed assert is an error at the assert, with the
// counterexample and a note at what decided it. `moat verify` runs the same
// check with --define. Docs: docs/rules/assert-failed.md.
#include "lint/rules/AssertFailed.h"

#include "compiler/verify/Asserts.h"
#include "lint/Background.h"

namespace moat::lint {

eval::Bindings modelBindings() {
  eval::Bindings b;
  std::string error;
  for (auto [name, value] : {std::pair{"HOME", kModelHome}, {"CWD", kModelCwd}, {"TMPDIR", kModelTmp}})
    b.define(name, value, error); // constant absolute paths: cannot fail
  return b;
}

std::vector<Diagnostic> computeAssertFailed(const ir::Policy &policy, const RuleInfo &self) {
  std::vector<Diagnostic> out;
  if (policy.asserts.empty())
    return out;
  eval::Bindings bindings = modelBindings();
  std::string error;
  auto outcomes = verify::checkAsserts(policy, bindings, error);
  if (!outcomes) {
    // Never a silent pass: an assert that cannot be decided is an error.
    out.push_back(findingOf(self, policy.asserts.front().prov.loc, "cannot decide the asserts: " + error));
    return out;
  }
  for (const verify::AssertOutcome &o : *outcomes) {
    if (o.holds)
      continue;
    Diagnostic d = verify::assertFailure(policy, bindings, o);
    Diagnostic &f = out.emplace_back(findingOf(self, d.loc, d.message));
    for (const Diagnostic &n : d.notes)
      f.notes.push_back(LintContext::note(self, n.loc, n.message));
  }
  return out;
}

void checkAssertFailed(const LintContext &ctx, const RuleInfo &self) {
  reportFindings(ctx, self, computeAssertFailed);
}

} // namespace moat::lint
