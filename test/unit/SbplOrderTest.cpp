// The sbpl backend's rule order (backends/sbpl/SbplOrder.h): which of two
// rules below different anchors can decide, over all parameter values; fixed
// cases, then a soundness property: for random rule pairs, random parameter
// values and paths both rules match, the rule the evaluator lets decide is
// always among the possible winners.
#include "backends/sbpl/SbplOrder.h"
#include "compiler/eval/Bindings.h"
#include "compiler/eval/FsEvaluator.h"
#include "sbpl/SbplRandom.h"

#include <gtest/gtest.h>

using namespace moat;
using namespace moat::backends::sbpl;
using ir::Effect;

namespace {

constexpr unsigned kFirst = 1, kSecond = 2, kBoth = 3;

fs::PathPattern pat(const char *text, bool exact = false) {
  std::string error;
  auto p = fs::parsePathPattern(text, exact, "", error);
  EXPECT_TRUE(p) << text << ": " << error;
  return p.value_or(fs::PathPattern{});
}

struct Pair {
  ir::Policy policy;
  backends::BuildOptions options;
  PlacedPattern a, b;

  unsigned winners(const char *x, Effect ex, const char *y, Effect ey, bool exactX = false,
                   bool exactY = false) {
    std::string why;
    auto pa = placePattern(policy, options, pat(x, exactX), why);
    auto pb = placePattern(policy, options, pat(y, exactY), why);
    EXPECT_TRUE(pa && pb) << why;
    a = *pa;
    b = *pb;
    unsigned w = possibleWinners(OrderItem{&a, ex, 0}, OrderItem{&b, ey, 1});
    // The analysis is symmetric.
    unsigned back = possibleWinners(OrderItem{&b, ey, 1}, OrderItem{&a, ex, 0});
    EXPECT_EQ(back, ((w & kFirst) ? kSecond : 0) | ((w & kSecond) ? kFirst : 0)) << x << " / " << y;
    return w;
  }
};

} // namespace

TEST(SbplOrder, SameAnchorFollowsSpecificity) {
  Pair p;
  EXPECT_EQ(p.winners("~", Effect::Deny, "~/.ssh", Effect::Allow), kSecond);
  EXPECT_EQ(p.winners("/a/b", Effect::Allow, "/a", Effect::Deny), kFirst);
  // Equal patterns: deny wins.
  EXPECT_EQ(p.winners("/a", Effect::Allow, "/a", Effect::Deny), kSecond);
  // Disjoint prefixes never meet.
  EXPECT_EQ(p.winners("/a/b", Effect::Allow, "/a/c", Effect::Deny), 0u);
  // An exact path matches nothing below it.
  EXPECT_EQ(p.winners("/a", Effect::Allow, "/a/b", Effect::Deny, true), 0u);
}

TEST(SbplOrder, AbsoluteAgainstParameter) {
  Pair p;
  // HOME=/u gives the absolute rule three components against one; HOME
  // below /u/x/y gives the parameter rule more.
  EXPECT_EQ(p.winners("/u/x/y", Effect::Allow, "~", Effect::Deny), kBoth);
  // `.ssh` does not occur in /Library/Developer: whenever both match, the
  // HOME rule is deeper.
  EXPECT_EQ(p.winners("/Library/Developer", Effect::Allow, "~/.ssh", Effect::Deny), kSecond);
  // `x` occurs inside /a/x/b: HOME=/a makes the absolute rule deeper.
  EXPECT_EQ(p.winners("/a/x/b", Effect::Allow, "~/x", Effect::Deny), kBoth);
  // ... but not when `x` is the absolute rule's last name: then at most
  // equally deep, and at equal depth the rules are the same path (deny).
  EXPECT_EQ(p.winners("/a/x", Effect::Allow, "~/x", Effect::Deny), kSecond);
  // At equal depth the form decides: exact beats subtree.
  EXPECT_EQ(p.winners("/a/x", Effect::Allow, "~/x", Effect::Deny, true), kFirst);
  // A leading `**` has no literal prefix: the parameter rule is never
  // shallower. But the glob matches `$CWD/.vscode/a/.vscode` itself, which
  // the parameter rule covers only from an ancestor: there the glob decides
  // (the match class), so either may.
  EXPECT_EQ(p.winners("/**/.vscode", Effect::Deny, "$CWD/.vscode", Effect::Allow), kBoth);
}

TEST(SbplOrder, TwoParameters) {
  Pair p;
  EXPECT_EQ(p.winners("~/.ssh", Effect::Deny, "$CWD", Effect::Allow), kBoth);
  // Two exact paths meet only when they are the same path: deny wins.
  EXPECT_EQ(p.winners("~/a", Effect::Allow, "$CWD/a", Effect::Deny, true, true), kSecond);
  EXPECT_EQ(p.winners("~/a", Effect::Allow, "$CWD/b", Effect::Deny, true, true), 0u);
  // An exact path against a subtree below another parameter: the exact rule
  // is always at least as deep, and exact beats subtree at equal depth.
  EXPECT_EQ(p.winners("~/a", Effect::Allow, "$CWD", Effect::Deny, true), kFirst);
}

TEST(SbplOrder, DefinedRootsAreAbsolute) {
  Pair p;
  std::string error;
  ASSERT_TRUE(p.options.bindings.define("HOME", "/home/u", error));
  ASSERT_TRUE(p.options.bindings.define("CWD", "/home/u/proj", error));
  p.options.definedNames = {"HOME", "CWD"};
  EXPECT_EQ(p.winners("~", Effect::Deny, "$CWD", Effect::Allow), kSecond);
  EXPECT_EQ(p.a.param, "");
  EXPECT_EQ(p.a.prefix, (std::vector<std::string>{"home", "u"}));
}

TEST(SbplOrder, VariablesAnchorAtTheirRoot) {
  Pair p;
  ir::Variable v;
  v.name = "docs";
  v.value = pat("~/Documents/team");
  p.policy.variables["docs"] = v;
  EXPECT_EQ(p.winners("$docs/**/*.key", Effect::Deny, "~/Documents", Effect::Allow), kFirst);
  EXPECT_EQ(p.a.param, "HOME");
  EXPECT_EQ(p.a.prefix, (std::vector<std::string>{"Documents", "team"}));
}

TEST(SbplOrder, ValueDependentPairsLetTheDenyDecide) {
  Pair p;
  std::string why;
  auto x = *placePattern(p.policy, p.options, pat("~"), why);
  auto y = *placePattern(p.policy, p.options, pat("$CWD"), why);
  auto z = *placePattern(p.policy, p.options, pat("/usr/lib"), why);
  auto w = *placePattern(p.policy, p.options, pat("/srv"), why);
  std::vector<OrderItem> items{
      {&x, Effect::Deny, 0}, {&z, Effect::Deny, 1}, {&y, Effect::Allow, 2}, {&w, Effect::Allow, 3}};
  OrderPair cycle;
  auto result = orderRules(items, cycle);
  ASSERT_TRUE(result);
  auto pos = [&](size_t i) {
    return std::find(result->order.begin(), result->order.end(), i) - result->order.begin();
  };
  // $CWD against ~ and against /usr/lib: either may decide, by the values,
  // so the denies come last and the pairs are reported. /srv against ~:
  // whenever both match, ~ is at least as deep (equally deep: the same path,
  // and deny wins ties), a fixed constraint rather than a tightening.
  EXPECT_LT(pos(2), pos(0));
  EXPECT_LT(pos(2), pos(1));
  EXPECT_LT(pos(3), pos(0));
  ASSERT_EQ(result->deniedBoth.size(), 2u);
  for (const OrderPair &pair : result->deniedBoth) {
    EXPECT_EQ(items[pair.first].effect, Effect::Allow);
    EXPECT_EQ(items[pair.second].effect, Effect::Deny);
  }
}

TEST(SbplOrder, OrderRulesPutsTheDecidingRuleLast) {
  Pair p;
  std::string why;
  auto dev = *placePattern(p.policy, p.options, pat("/Library/Developer"), why);
  auto ssh = *placePattern(p.policy, p.options, pat("~/.ssh"), why);
  auto lib = *placePattern(p.policy, p.options, pat("/Library"), why);
  // The tie-break key alone would emit ~/.ssh (one component below HOME)
  // before /Library/Developer (two); but whenever both match, ~/.ssh is the
  // deeper one, so it must come after.
  std::vector<OrderItem> items{{&ssh, Effect::Deny, 0}, {&dev, Effect::Allow, 1}, {&lib, Effect::Deny, 2}};
  OrderPair cycle;
  auto result = orderRules(items, cycle);
  ASSERT_TRUE(result);
  ASSERT_EQ(result->order.size(), 3u);
  EXPECT_TRUE(result->deniedBoth.empty());
  auto pos = [&](size_t i) {
    return std::find(result->order.begin(), result->order.end(), i) - result->order.begin();
  };
  EXPECT_LT(pos(1), pos(0)); // ~/.ssh after /Library/Developer
  EXPECT_LT(pos(2), pos(1)); // /Library before /Library/Developer
}

// Soundness: the analysis never misses a winner that some parameter values
// and some path produce.
TEST(SbplOrder, PossibleWinnersCoverEveryBinding) {
  sbpltest::Gen g(7);
  size_t checked = 0;
  for (int n = 0; n < 3000; ++n) {
    ir::Policy policy = sbpltest::randomPolicy(g);
    if (policy.fsRules.size() < 2)
      continue;
    ir::FsRule a = policy.fsRules[0], b = policy.fsRules[1];
    a.access = b.access = ir::Access::Read;
    a.tier = b.tier = ir::Tier::Ordinary;
    b.effect = a.effect == Effect::Allow ? Effect::Deny : Effect::Allow;
    backends::BuildOptions options;
    std::string why;
    auto pa = placePattern(policy, options, a.pattern, why);
    auto pb = placePattern(policy, options, b.pattern, why);
    ASSERT_TRUE(pa && pb) << why;
    unsigned w = possibleWinners(OrderItem{&*pa, a.effect, 0}, OrderItem{&*pb, b.effect, 1});

    for (int round = 0; round < 12; ++round) {
      eval::Bindings bindings;
      // Values built from the rules' own names, so that the rules overlap.
      std::vector<std::string> pool;
      for (const auto *r : {&a, &b})
        for (const std::string &c : r->pattern.components)
          if (!fs::hasGlobChars(c))
            pool.push_back(r->pattern.isGlob() ? fs::unescapeGlobLiteral(c) : c);
      auto value = [&] {
        std::string v;
        for (size_t k = 0, depth = 1 + g.pick(4); k < depth; ++k)
          v += "/" + (pool.empty() || g.chance(0.3) ? g.name() : pool[g.pick(pool.size())]);
        return v;
      };
      std::string home = value();
      for (const char *root : {"HOME", "CWD", "TMPDIR"}) {
        std::string v = g.chance(0.3) ? home : g.chance(0.3) ? home + value() : value();
        ASSERT_TRUE(bindings.define(root, v, why)) << why;
      }
      auto ba = eval::bindPatternParts(policy, bindings, a.pattern, why);
      auto bb = eval::bindPatternParts(policy, bindings, b.pattern, why);
      ASSERT_TRUE(ba && bb) << why;
      auto ma = fs::PatternMatcher::compile(*ba, why);
      auto mb = fs::PatternMatcher::compile(*bb, why);
      ASSERT_TRUE(ma && mb) << why;
      std::set<std::string> paths;
      sbpltest::pathsFor(g, *ba, paths);
      sbpltest::pathsFor(g, *bb, paths);
      for (const std::string &path : paths) {
        auto norm = fs::normaliseAbsolute(path);
        if (!norm)
          continue;
        auto parts = fs::splitPath(*norm);
        if (!ma->matches(parts) || !mb->matches(parts))
          continue;
        eval::FsMatch xa{&a, 0, fs::specificityOf(*ba), ma->matchesSelf(parts)},
            xb{&b, 1, fs::specificityOf(*bb), mb->matchesSelf(parts)};
        unsigned winner = eval::decidesBefore(xa, xb) ? kFirst : kSecond;
        ++checked;
        ASSERT_TRUE(w & winner) << ir::ruleText(a) << " / " << ir::ruleText(b) << " at " << *norm
                                << " with HOME=" << *bindings.lookup("HOME")
                                << " CWD=" << *bindings.lookup("CWD")
                                << " TMPDIR=" << *bindings.lookup("TMPDIR") << ": winners " << w;
      }
    }
  }
  EXPECT_GT(checked, 2000u);
}
