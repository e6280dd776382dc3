#include "compiler/eval/FsEvaluator.h"

#include <algorithm>
#include <map>

namespace moat::eval {

bool decidesBefore(const FsMatch &a, const FsMatch &b) {
  if (a.rule->tier != b.rule->tier)
    return a.rule->tier == ir::Tier::Always;
  if (a.self != b.self)
    return a.self; // the path itself before an ancestor of it
  if (int c = fs::compareSpecificity(a.specificity, b.specificity))
    return c > 0;
  // Deny wins ties, unless it yields to an allow at its own path.
  auto rank = [](const FsMatch &m) { return m.rule->effect == ir::Effect::Allow ? 1 : m.yields ? 2 : 0; };
  if (rank(a) != rank(b))
    return rank(a) < rank(b);
  return a.index < b.index;
}

std::vector<bool> yieldingIn(const std::vector<const ir::FsRule *> &group) {
  std::vector<bool> out;
  for (const ir::FsRule *deny : group)
    out.push_back(deny->yieldsToSamePathAllow && deny->effect == ir::Effect::Deny &&
                  std::any_of(group.begin(), group.end(), [&](const ir::FsRule *r) {
                    return r->effect == ir::Effect::Allow && r->tier == deny->tier;
                  }));
  return out;
}

std::unique_ptr<FsEvaluator> FsEvaluator::create(const ir::Policy &policy, const Bindings &bindings,
                                                 ir::Platform platform, std::string &error) {
  auto ev = std::unique_ptr<FsEvaluator>(new FsEvaluator());
  // (access, form, bound text) -> group: rules with the same bound pattern.
  std::map<std::tuple<int, int, std::string>, uint32_t> groupOf;
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
    fs::Specificity spec = fs::specificityOf(*bound);
    auto key = std::make_tuple(static_cast<int>(rule.access), static_cast<int>(bound->form),
                               bound->text());
    auto [it, fresh] = groupOf.try_emplace(std::move(key), static_cast<uint32_t>(ev->groups_.size()));
    if (fresh)
      ev->groups_.push_back(Group{std::move(*matcher), spec, {}});
    ev->groups_[it->second].rules.push_back(static_cast<uint32_t>(ev->rules_.size()));
    ev->rules_.push_back(FsMatch{&rule, i, spec, true});
  }

  for (const auto &[key, g] : groupOf) {
    Group &group = ev->groups_[g];
    std::vector<const ir::FsRule *> members;
    for (uint32_t r : group.rules)
      members.push_back(ev->rules_[r].rule);
    std::vector<bool> yields = yieldingIn(members);
    for (size_t i = 0; i < group.rules.size(); ++i)
      ev->rules_[group.rules[i]].yields = yields[i];
    std::sort(group.rules.begin(), group.rules.end(), [&](uint32_t a, uint32_t b) {
      return decidesBefore(ev->rules_[a], ev->rules_[b]);
    });
    Node *node = &ev->tries_[std::get<0>(key)];
    for (const std::string &c : group.matcher.literalPrefix()) {
      auto &child = node->children[c];
      if (!child)
        child = std::make_unique<Node>();
      node = child.get();
    }
    const std::string &needs = group.matcher.requiredLiteral();
    if (needs.empty())
      node->groups.push_back(g);
    else
      node->byLiteral[needs].push_back(g);
  }
  return ev;
}

template <typename Visit>
void FsEvaluator::visitMatches(const std::vector<std::string_view> &path, ir::Access access,
                               Visit visit) const {
  // Every group attached at depth d has a literal prefix equal to path[0..d),
  // so only the part after the prefix remains to test.
  const Node *node = &tries_[static_cast<size_t>(access)];
  for (size_t depth = 0;; ++depth) {
    for (uint32_t g : node->groups)
      if (groups_[g].matcher.matchesAfterPrefix(path))
        visit(groups_[g], groups_[g].matcher.matchesSelf(path));
    if (!node->byLiteral.empty()) {
      for (size_t j = depth; j < path.size(); ++j) {
        // Each distinct name once, so no group is tested twice.
        if (std::find(path.begin() + static_cast<std::ptrdiff_t>(depth),
                      path.begin() + static_cast<std::ptrdiff_t>(j), path[j]) !=
            path.begin() + static_cast<std::ptrdiff_t>(j))
          continue;
        auto it = node->byLiteral.find(path[j]);
        if (it == node->byLiteral.end())
          continue;
        for (uint32_t g : it->second)
          if (groups_[g].matcher.matchesAfterPrefix(path))
            visit(groups_[g], groups_[g].matcher.matchesSelf(path));
      }
    }
    if (depth == path.size())
      return;
    auto child = node->children.find(path[depth]);
    if (child == node->children.end())
      return;
    node = child->second.get();
  }
}

std::optional<FsMatch> FsEvaluator::decide(const std::vector<std::string_view> &path,
                                           ir::Access access) const {
  std::optional<FsMatch> best;
  visitMatches(path, access, [&](const Group &g, bool self) {
    // Rules of one group share the pattern, hence the class: the group's
    // first rule is still its winner.
    FsMatch winner = rules_[g.rules.front()];
    winner.self = self;
    if (!best || decidesBefore(winner, *best))
      best = winner;
  });
  return best;
}

std::vector<FsMatch> FsEvaluator::matching(const std::vector<std::string_view> &path,
                                           ir::Access access) const {
  std::vector<FsMatch> out;
  visitMatches(path, access, [&](const Group &g, bool self) {
    for (uint32_t r : g.rules) {
      out.push_back(rules_[r]);
      out.back().self = self;
    }
  });
  std::sort(out.begin(), out.end(), decidesBefore);
  return out;
}

} // namespace moat::eval
