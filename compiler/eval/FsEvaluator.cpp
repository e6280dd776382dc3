#include "compiler/eval/FsEvaluator.h"

#include <algorithm>

namespace moat::eval {

bool decidesBefore(const FsMatch &a, const FsMatch &b) {
  if (a.rule->tier != b.rule->tier)
    return a.rule->tier == ir::Tier::Always;
  if (int c = fs::compareSpecificity(a.specificity, b.specificity))
    return c > 0;
  if (a.rule->effect != b.rule->effect)
    return a.rule->effect == ir::Effect::Deny; // deny wins ties
  return a.index < b.index;
}

std::unique_ptr<FsEvaluator> FsEvaluator::create(const ir::Policy &policy, const Bindings &bindings,
                                                 ir::Platform platform, std::string &error) {
  auto ev = std::unique_ptr<FsEvaluator>(new FsEvaluator());
  for (size_t i = 0; i < policy.fsRules.size(); ++i) {
    const ir::FsRule &rule = policy.fsRules[i];
    std::string why;
    auto bound = bindPatternParts(policy, bindings, rule.pattern, why);
    std::optional<fs::PatternMatcher> matcher;
    if (bound)
      matcher = fs::PatternMatcher::compile(*bound, why);
    if (!matcher) {
      error = "cannot bind '" + rule.pattern.text() + "': " + why;
      return nullptr;
    }
    if (rule.platform != ir::Platform::Any && rule.platform != platform)
      continue;
    ev->rules_.push_back({FsMatch{&rule, i, fs::specificityOf(*bound)}, std::move(*matcher)});
  }
  for (uint32_t r = 0; r < ev->rules_.size(); ++r) {
    const Rule &rule = ev->rules_[r];
    Node *node = &ev->tries_[static_cast<size_t>(rule.match.rule->access)];
    for (const std::string &c : rule.matcher.literalPrefix()) {
      auto &child = node->children[c];
      if (!child)
        child = std::make_unique<Node>();
      node = child.get();
    }
    node->rules.push_back(r);
  }
  return ev;
}

template <typename Visit>
void FsEvaluator::visitMatches(const std::vector<std::string_view> &path, ir::Access access,
                               Visit visit) const {
  // Every rule attached at depth d has a literal prefix equal to path[0..d),
  // so only the part after the prefix remains to test.
  const Node *node = &tries_[static_cast<size_t>(access)];
  for (size_t depth = 0;; ++depth) {
    for (uint32_t r : node->rules)
      if (rules_[r].matcher.matchesAfterPrefix(path))
        visit(rules_[r].match);
    if (depth == path.size())
      return;
    auto it = node->children.find(path[depth]);
    if (it == node->children.end())
      return;
    node = it->second.get();
  }
}

std::optional<FsMatch> FsEvaluator::decide(const std::vector<std::string_view> &path,
                                           ir::Access access) const {
  std::optional<FsMatch> best;
  visitMatches(path, access, [&](const FsMatch &m) {
    if (!best || decidesBefore(m, *best))
      best = m;
  });
  return best;
}

std::vector<FsMatch> FsEvaluator::matching(const std::vector<std::string_view> &path,
                                           ir::Access access) const {
  std::vector<FsMatch> out;
  visitMatches(path, access, [&](const FsMatch &m) { out.push_back(m); });
  std::sort(out.begin(), out.end(), decidesBefore);
  return out;
}

} // namespace moat::eval
