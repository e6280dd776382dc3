// The verifier agrees with the evaluator on the match class (a rule that
// matches a path itself outranks one covering it from an ancestor), over
// seeded random policies on a small alphabet: verify::decisionParts fed to
// findDecidedAgainst must find a path the reference evaluator decides
// against the expectation exactly when brute-force enumeration finds one,
// and every witness must really be decided against it by the evaluator.
// findPathSets with self-only globs is checked the same way against
// PatternMatcher::matchesSelf. Also: many unrelated globs (the shape that
// used to be exponential) still give exact answers.
#include "compiler/verify/Witness.h"

#include "compiler/eval/Evaluator.h"
#include "compiler/fs/Glob.h"
#include "compiler/fs/MatchClass.h"
#include "RandomPattern.h"

#include <gtest/gtest.h>

#include <random>

using namespace moat;

namespace {

const char *const kGlobs[] = {"*", "?", "a*", "*b", "[ab]", "?a", "**", "**"};

fs::PathPattern randomPattern(std::mt19937 &rng) { return moat::testing::randomPattern(rng, kGlobs); }

std::string absolute(const std::vector<std::string_view> &parts) {
  std::string out;
  for (std::string_view c : parts)
    out += "/" + std::string(c);
  return out.empty() ? "/" : out;
}

// Every path of depth <= 2 over {a,b,x,ab,ba,xa,...}, depth 3 over the short ones.
std::vector<std::vector<std::string>> enumeratedPaths() {
  std::vector<std::string> names;
  const std::string alpha = "abx";
  for (char c : alpha)
    names.push_back(std::string(1, c));
  for (char c : alpha)
    for (char d : alpha)
      names.push_back(std::string{c, d});
  std::vector<std::vector<std::string>> paths{{}};
  for (const std::string &a : names) {
    paths.push_back({a});
    for (const std::string &b : names) {
      paths.push_back({a, b});
      if (a.size() == 1 && b.size() == 1)
        for (const std::string &c : names)
          paths.push_back({a, b, c});
    }
  }
  return paths;
}

} // namespace

TEST(MatchClassDifferential, DecisionPartsAgreeWithTheEvaluator) {
  const auto paths = enumeratedPaths();
  std::mt19937 rng(4242);
  unsigned found = 0, empty = 0;
  for (int round = 0; round < 2500; ++round) {
    ir::Policy policy;
    int n = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < n; ++i) {
      ir::FsRule r;
      r.access = ir::Access::Read;
      r.effect = rng() % 2 ? ir::Effect::Allow : ir::Effect::Deny;
      r.tier = rng() % 5 == 0 ? ir::Tier::Always : ir::Tier::Ordinary;
      r.pattern = randomPattern(rng);
      policy.fsRules.push_back(std::move(r));
    }
    policy.defaults.read = rng() % 2 ? ir::Effect::Allow : ir::Effect::Deny;
    fs::PathPattern subject = randomPattern(rng);
    ir::Effect expected = rng() % 2 ? ir::Effect::Allow : ir::Effect::Deny;

    eval::Bindings bindings;
    std::string error;
    auto ev = eval::Evaluator::create(policy, bindings, ir::Platform::Linux, error);
    ASSERT_TRUE(ev) << error;
    auto rules = verify::boundFsRules(policy, bindings, ir::Platform::Linux, ir::Access::Read, error);
    ASSERT_TRUE(rules) << error;
    std::vector<verify::DecisionPart> parts = verify::decisionParts(*rules);
    std::vector<verify::DecidingRule> list;
    for (const verify::DecisionPart &p : parts)
      list.push_back(verify::DecidingRule{&p.pattern, (*rules)[p.rule].rule->effect, p.selfOnly});

    fs::PatternMatcher sm = *fs::PatternMatcher::compile(subject, error);
    auto against = [&](const std::vector<std::string_view> &path) {
      return sm.matches(path) && ev->decide(absolute(path), ir::Access::Read).effect != expected;
    };
    bool brute = false;
    for (const auto &p : paths) {
      std::vector<std::string_view> view(p.begin(), p.end());
      if (against(view)) {
        brute = true;
        break;
      }
    }
    std::string desc = " subject " + subject.text();
    for (const ir::FsRule &r : policy.fsRules)
      desc += std::string(" ") + (r.tier == ir::Tier::Always ? "always " : "") + ir::effectName(r.effect) + " " +
              r.pattern.text() + (r.pattern.form == fs::PatternForm::Exact ? "(file)" : "");
    desc += std::string(" expected ") + ir::effectName(expected);

    auto w = verify::findDecidedAgainst(subject, list, expected, policy.defaults.read);
    if (w) {
      ASSERT_TRUE(against(fs::splitPath(*w))) << "the evaluator does not decide " << *w << " against" << desc;
      ++found;
    } else {
      ASSERT_FALSE(brute) << "claimed none, enumeration found one" << desc;
      ++empty;
    }
  }
  EXPECT_GT(found, 400u);
  EXPECT_GT(empty, 400u);
}

TEST(MatchClassDifferential, SelfOnlySetsAgainstEnumeration) {
  const auto paths = enumeratedPaths();
  std::mt19937 rng(777);
  unsigned found = 0, empty = 0;
  for (int round = 0; round < 3000; ++round) {
    std::vector<fs::PathPattern> pats;
    std::vector<bool> self;
    int ni = 1 + static_cast<int>(rng() % 2), ne = static_cast<int>(rng() % 3);
    for (int i = 0; i < ni + ne; ++i) {
      fs::PathPattern p = fs::selfStem(randomPattern(rng));
      pats.push_back(p);
      self.push_back(p.form == fs::PatternForm::Glob && rng() % 2);
    }
    std::vector<verify::PathSet> in, out;
    std::vector<fs::PatternMatcher> m;
    std::string error;
    for (int i = 0; i < ni + ne; ++i) {
      (i < ni ? in : out).push_back(verify::PathSet{&pats[i], self[i]});
      m.push_back(*fs::PatternMatcher::compile(pats[i], error));
    }
    auto member = [&](const std::vector<std::string_view> &path) {
      for (int i = 0; i < ni + ne; ++i) {
        bool covers = m[i].matches(path) && (!self[i] || m[i].matchesSelf(path));
        if (covers != (i < ni))
          return false;
      }
      return true;
    };
    bool brute = false;
    for (const auto &p : paths) {
      std::vector<std::string_view> view(p.begin(), p.end());
      brute = brute || member(view);
    }
    verify::SearchBudget budget;
    auto w = verify::findPathSets(in, out, budget);
    ASSERT_FALSE(budget.exhausted);
    if (w) {
      ASSERT_TRUE(member(fs::splitPath(*w))) << *w;
      ++found;
    } else {
      ASSERT_FALSE(brute) << "claimed empty, enumeration found a member (round " << round << ")";
      ++empty;
    }
  }
  EXPECT_GT(found, 500u);
  EXPECT_GT(empty, 300u);
}

// N unrelated globs: 2^N combinations of "matches / does not", of which a
// search needs only the best. The answers must stay exact at scale.
TEST(MatchClassDifferential, ManyUnrelatedGlobsStayExact) {
  std::vector<fs::PathPattern> excludes;
  std::string error;
  for (char c = 'a'; c <= 'z'; ++c)
    for (char d : {'0', '1'})
      excludes.push_back(*fs::parsePathPattern(std::string("/**/*.") + c + d + "*", false, "", error));
  fs::PathPattern home = *fs::parsePathPattern("/home/u/g/**/.git/**", false, "", error);
  std::vector<const fs::PathPattern *> ex;
  for (const auto &p : excludes)
    ex.push_back(&p);
  verify::SearchBudget budget;
  auto w = verify::findPath({&home}, ex, budget);
  ASSERT_FALSE(budget.exhausted);
  ASSERT_TRUE(w);
  for (const auto &p : excludes)
    EXPECT_FALSE(fs::patternMatchesPath(p, *w)) << *w << " " << p.text();
  EXPECT_TRUE(fs::patternMatchesPath(home, *w));
  // Add a glob that covers every name: now nothing is left.
  fs::PathPattern star = *fs::parsePathPattern("/**/*", false, "", error);
  ex.push_back(&star);
  verify::SearchBudget b2;
  EXPECT_EQ(verify::findPath({&home}, ex, b2), std::nullopt);
  EXPECT_FALSE(b2.exhausted);
  // One of the globs as an include, the others as excludes: the witness
  // matches that one and none of the others.
  ex.pop_back();
  std::vector<const fs::PathPattern *> others(ex.begin() + 1, ex.end());
  verify::SearchBudget b3;
  auto v = verify::findPath({&excludes[0]}, others, b3);
  ASSERT_FALSE(b3.exhausted);
  ASSERT_TRUE(v);
  EXPECT_TRUE(fs::patternMatchesPath(excludes[0], *v)) << *v;
  for (const fs::PathPattern *p : others)
    EXPECT_FALSE(fs::patternMatchesPath(*p, *v)) << *v << " " << p->text();
}
