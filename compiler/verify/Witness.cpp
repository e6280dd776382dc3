// boundFsRules: the filesystem rules of one platform and access, bound and
// in the evaluator's decision order; decisionParts: the same split by match
// class (Witness.h). The order itself is eval::decidesBefore
// (FsEvaluator.h), reused rather than restated, so the verifier and the
// evaluator cannot drift apart. findPath lives in PathWitness.cpp,
// findEndpoint in EndpointWitness.cpp.
#include "compiler/verify/Witness.h"

#include "compiler/eval/FsEvaluator.h"
#include "compiler/fs/MatchClass.h"

#include <algorithm>
#include <map>

namespace moat::verify {

std::optional<std::vector<BoundFsRule>> boundFsRules(const ir::Policy &policy,
                                                     const eval::Bindings &bindings,
                                                     ir::Platform platform, ir::Access access,
                                                     std::string &error) {
  std::vector<BoundFsRule> out;
  for (size_t i = 0; i < policy.fsRules.size(); ++i) {
    const ir::FsRule &rule = policy.fsRules[i];
    // Every rule is bound, as the evaluator does: a root without a value is
    // an error whatever the platform or access.
    std::string why;
    auto bound = eval::bindPatternParts(policy, bindings, rule.pattern, why);
    if (!bound) {
      error = "cannot bind '" + rule.pattern.text() + "': " + why;
      return std::nullopt;
    }
    // A pattern the matcher refuses would make the evaluator refuse the
    // policy: refuse it here too rather than treat it as matching nothing.
    if (!fs::PatternMatcher::compile(*bound, why)) {
      error = "cannot bind '" + rule.pattern.text() + "': " + why;
      return std::nullopt;
    }
    if (rule.access != access || (rule.platform != ir::Platform::Any && rule.platform != platform))
      continue;
    BoundFsRule b;
    b.rule = &rule;
    b.index = i;
    b.specificity = fs::specificityOf(*bound);
    b.bound = std::move(*bound);
    out.push_back(std::move(b));
  }
  // Rules with one bound pattern, for the deny that yields to an allow there.
  std::map<std::pair<int, std::string>, std::vector<size_t>> samePattern;
  for (size_t k = 0; k < out.size(); ++k)
    samePattern[{static_cast<int>(out[k].bound.form), out[k].bound.text()}].push_back(k);
  for (const auto &[key, members] : samePattern) {
    if (members.size() < 2)
      continue;
    std::vector<const ir::FsRule *> group;
    for (size_t k : members)
      group.push_back(out[k].rule);
    std::vector<bool> yields = eval::yieldingIn(group);
    for (size_t i = 0; i < members.size(); ++i)
      out[members[i]].yields = yields[i];
  }
  std::sort(out.begin(), out.end(), [](const BoundFsRule &a, const BoundFsRule &b) {
    return eval::decidesBefore(eval::FsMatch{a.rule, a.index, a.specificity, true, a.yields},
                               eval::FsMatch{b.rule, b.index, b.specificity, true, b.yields});
  });
  return out;
}

std::vector<DecisionPart> decisionParts(const std::vector<BoundFsRule> &rules) {
  std::vector<DecisionPart> out;
  for (size_t k = 0; k < rules.size(); ++k) {
    DecisionPart self;
    self.rule = k;
    self.pattern = fs::selfStem(rules[k].bound);
    self.selfOnly = self.pattern.form == fs::PatternForm::Glob;
    self.self = true;
    out.push_back(std::move(self));
    if (auto below = fs::descendantsOf(rules[k].bound)) {
      DecisionPart d;
      d.rule = k;
      d.pattern = std::move(*below);
      d.self = false;
      out.push_back(std::move(d));
    }
  }
  std::stable_sort(out.begin(), out.end(), [&](const DecisionPart &a, const DecisionPart &b) {
    const BoundFsRule &x = rules[a.rule], &y = rules[b.rule];
    return eval::decidesBefore(eval::FsMatch{x.rule, x.index, x.specificity, a.self, x.yields},
                               eval::FsMatch{y.rule, y.index, y.specificity, b.self, y.yields});
  });
  return out;
}

} // namespace moat::verify
