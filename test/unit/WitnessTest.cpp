// The verifier's exact emptiness questions (compiler/verify/Witness.h) on
// hand-picked cases: shortest and readable witnesses, globs covered by
// several subtrees, glob atoms only a literal realises, descendants of
// globs, exact files, endpoints over names, wildcards, CIDR ranges (IPv4
// inside IPv6 ranges) and ports, and boundFsRules against the evaluator.
#include "compiler/verify/Witness.h"

#include "compiler/eval/Evaluator.h"
#include "compiler/fs/Glob.h"
#include "compiler/verify/ComponentAtoms.h"

#include <gtest/gtest.h>

using namespace moat;

namespace {

// A bound pattern (root ""), as boundFsRules gives them.
fs::PathPattern bound(std::string_view text, bool exact = false) {
  std::string error;
  auto p = fs::parsePathPattern(text, exact, "", error);
  EXPECT_TRUE(p.has_value()) << text << ": " << error;
  return p.value_or(fs::PathPattern{});
}

std::optional<std::string> find(std::initializer_list<fs::PathPattern> inc,
                                std::initializer_list<fs::PathPattern> exc = {}) {
  std::vector<const fs::PathPattern *> i, e;
  for (const auto &p : inc)
    i.push_back(&p);
  for (const auto &p : exc)
    e.push_back(&p);
  auto w = verify::findPath(i, e);
  if (w) { // whatever the case, a witness must be a member
    for (const auto &p : inc)
      EXPECT_TRUE(fs::patternMatchesPath(p, *w)) << *w << " not in " << p.text();
    for (const auto &p : exc)
      EXPECT_FALSE(fs::patternMatchesPath(p, *w)) << *w << " in excluded " << p.text();
  }
  return w;
}

net::HostPattern host(std::string_view text) {
  std::string error;
  auto p = net::parseHostPattern(text, error);
  EXPECT_TRUE(p.has_value()) << text << ": " << error;
  return p.value_or(net::HostPattern{});
}

std::optional<std::string> findHost(std::initializer_list<net::HostPattern> inc,
                                    std::initializer_list<net::HostPattern> exc = {}) {
  std::vector<const net::HostPattern *> i, e;
  for (const auto &p : inc)
    i.push_back(&p);
  for (const auto &p : exc)
    e.push_back(&p);
  auto w = verify::findEndpoint(i, e);
  if (!w)
    return std::nullopt;
  for (const auto &p : inc)
    EXPECT_TRUE(p.matches(w->host, w->port)) << w->host.text() << " not in " << p.text();
  for (const auto &p : exc)
    EXPECT_FALSE(p.matches(w->host, w->port)) << w->host.text() << " in excluded " << p.text();
  return w->host.text() + ":" + std::to_string(w->port);
}

TEST(FindPath, ShortestMemberFirst) {
  EXPECT_EQ(find({bound("/home/u/.ssh")}), "/home/u/.ssh");
  EXPECT_EQ(find({bound("/**/.bashrc")}), "/.bashrc");
  EXPECT_EQ(find({bound("/")}, {bound("/x")}), "/");
  EXPECT_EQ(find({bound("/a/**")}), "/a"); // `**` matches zero components
}

TEST(FindPath, ExcludedPathGoesDeeper) {
  EXPECT_EQ(find({bound("/home/u/.ssh")}, {bound("/home/u/.ssh", true)}), "/home/u/.ssh/x");
  // Invented names avoid every literal of every pattern.
  EXPECT_EQ(find({bound("/a")}, {bound("/a", true), bound("/a/x")}), "/a/x1");
  // A literal is tried before an invented name.
  EXPECT_EQ(find({bound("/a")}, {bound("/a", true), bound("/b/c")}), "/a/x");
  EXPECT_EQ(find({bound("/a/**/k")}, {bound("/a/k")}), "/a/x/k");
}

TEST(FindPath, EmptySets) {
  EXPECT_EQ(find({bound("/a")}, {bound("/a/**")}), std::nullopt);
  EXPECT_EQ(find({bound("/a")}, {bound("/")}), std::nullopt);
  EXPECT_EQ(find({bound("/a", true)}, {bound("/a")}), std::nullopt);
  EXPECT_EQ(find({bound("/a/b")}, {bound("/a/*")}), std::nullopt);
  EXPECT_EQ(find({bound("/a/b")}, {bound("/**/b")}), std::nullopt);
  // Includes with disagreeing prefixes have nothing in common.
  EXPECT_EQ(find({bound("/a"), bound("/b")}), std::nullopt);
  // An exact file and a subtree beneath it.
  EXPECT_EQ(find({bound("/a", true), bound("/a/b")}), std::nullopt);
  // Every name is either "b*" or not.
  EXPECT_EQ(find({bound("/d/*")}, {bound("/d/b*"), bound("/d/[!b]*")}), std::nullopt);
}

TEST(FindPath, GlobCoveredBySubtrees) {
  EXPECT_EQ(find({bound("/a/[bc]")}, {bound("/a/b"), bound("/a/c")}), std::nullopt);
  EXPECT_EQ(find({bound("/a/[bc]")}, {bound("/a/b")}), "/a/c");
  // A glob names a directory: it covers what is inside, so excluding the
  // matches themselves leaves nothing, excluding only their files does not.
  EXPECT_EQ(find({bound("/a/*.d")}, {bound("/a/*.d", false)}), std::nullopt);
  EXPECT_EQ(find({bound("/a/*.d")}, {bound("/a/x.d", true)}), "/a/y.d");
}

TEST(FindPath, ReadableGlobInstances) {
  EXPECT_EQ(find({bound("/p/**/*.pem")}), "/p/x.pem");
  EXPECT_EQ(find({bound("/p/*")}, {bound("/p/x")}), "/p/y");
}

TEST(FindPath, AtomOnlyALiteralRealises) {
  // `[a]b` matches only "ab", which is also a literal of another pattern:
  // the name must still be found.
  EXPECT_EQ(find({bound("/d/[a]b")}, {bound("/e/ab")}), "/d/ab");
  EXPECT_EQ(find({bound("/d/[a]b")}, {bound("/d/ab")}), std::nullopt);
}

TEST(FindPath, DotNamesAreNotComponents) {
  // "." and ".." are never components of a normalised path, though `.*`
  // and `?` match them as strings.
  EXPECT_EQ(find({bound("/d/.*")}), "/d/.x");
  EXPECT_EQ(find({bound("/d/.*")}, {bound("/d/.x")}), "/d/.y");
  EXPECT_EQ(find({bound("/d/?")}, {bound("/d/x")}), "/d/y");
  EXPECT_EQ(find({bound("/d/[.]")}), std::nullopt);
  EXPECT_EQ(find({bound("/d/[.][.]")}), std::nullopt);
}

TEST(FindPath, IntersectionsOfGlobs) {
  auto w = find({bound("/a/*"), bound("/a/b*")}, {bound("/a/bc")});
  ASSERT_TRUE(w);
  EXPECT_EQ(w->rfind("/a/b", 0), 0u) << *w;
  EXPECT_EQ(find({bound("/a/*x"), bound("/a/x*")}, {bound("/a/x")}), "/a/xx");
  EXPECT_EQ(find({bound("/**/b/**"), bound("/a/**")}), "/a/b");
}

TEST(FindPath, UnboundOrInvalidMatchesNothing) {
  fs::PathPattern unbound = bound("/a");
  unbound.root = "HOME";
  EXPECT_EQ(find({unbound}), std::nullopt);
  EXPECT_EQ(find({bound("/a")}, {unbound}), "/a");
}

TEST(FindPath, ManyExcludesStayFast) {
  std::vector<fs::PathPattern> exc;
  for (int i = 0; i < 5000; ++i)
    exc.push_back(bound("/h/" + std::to_string(i)));
  exc.push_back(bound("/h", true));
  exc.push_back(bound("/other/**/*.x"));
  fs::PathPattern inc = bound("/h");
  std::vector<const fs::PathPattern *> i{&inc}, e;
  for (const auto &p : exc)
    e.push_back(&p);
  EXPECT_EQ(verify::findPath(i, e), "/h/x");
}

TEST(FindPath, BudgetFailsClosed) {
  // `*a` and 40 `?`s: the byte-level product has a state per subset of the
  // `?`s. A bounded search gives up, says so, and answers nothing.
  std::string q(40, '?');
  fs::PathPattern inc = bound("/d/*a" + q), exc = bound("/d/*b" + q);
  std::vector<const fs::PathPattern *> i{&inc}, e{&exc};
  verify::SearchBudget budget{20000, false};
  EXPECT_EQ(verify::findPath(i, e, budget), std::nullopt);
  EXPECT_TRUE(budget.exhausted);
  // Once exhausted, a shared budget answers nothing more.
  fs::PathPattern easy = bound("/x");
  std::vector<const fs::PathPattern *> j{&easy};
  EXPECT_EQ(verify::findPath(j, {}, budget), std::nullopt);
  // An ordinary question stays well inside the default budget, and charges it.
  verify::SearchBudget fresh;
  size_t before = fresh.states;
  EXPECT_EQ(verify::findPath(j, {}, fresh), "/x");
  EXPECT_FALSE(fresh.exhausted);
  EXPECT_LE(fresh.states, before);
  verify::DecidingRule r{&exc, ir::Effect::Allow};
  verify::SearchBudget tight{20000, false};
  EXPECT_EQ(verify::findDecidedAgainst(inc, {r}, ir::Effect::Deny, ir::Effect::Deny, tight), std::nullopt);
  EXPECT_TRUE(tight.exhausted);
}

TEST(FindEndpoint, Names) {
  EXPECT_EQ(findHost({host("example.com")}), "example.com:443");
  EXPECT_EQ(findHost({host("*.example.com")}), "x.example.com:443");
  EXPECT_EQ(findHost({host("*.example.com")}, {host("x.example.com")}), "y.example.com:443");
  EXPECT_EQ(findHost({host("a.com")}, {host("*.com")}), std::nullopt);
  EXPECT_EQ(findHost({host("*.com")}, {host("*.a.com"), host("a.com"), host("x.com")}), "y.com:443");
  EXPECT_EQ(findHost({host("*.a.com")}, {host("*.com")}), std::nullopt);
  EXPECT_EQ(findHost({host("*.com")}, {host("*.a.com")}), "a.com:443");
  // Every endpoint: a name first.
  EXPECT_EQ(findHost({}), "x.invalid:443");
  EXPECT_EQ(findHost({}, {host("*.invalid")}), "invalid:443");
}

TEST(FindEndpoint, Ports) {
  EXPECT_EQ(findHost({host("example.com:80")}), "example.com:80");
  EXPECT_EQ(findHost({host("*")}, {host("*:443")}), "x.invalid:1");
  EXPECT_EQ(findHost({host("*")}, {host("*:1-442"), host("*:444-65535")}), "x.invalid:443");
  EXPECT_EQ(findHost({host("*")}, {host("*:1-442"), host("*:443-65535")}), std::nullopt);
  EXPECT_EQ(findHost({host("a.com:8000-8100")}, {host("a.com:8000-8050"), host("*:8052-9000")}),
            "a.com:8051");
  EXPECT_EQ(findHost({host("*.a.com")}, {host("*.a.com:1-100")}), "x.a.com:443");
}

TEST(FindEndpoint, Addresses) {
  EXPECT_EQ(findHost({host("10.0.0.0/8")}, {host("10.0.0.0/9")}), "10.128.0.0:443");
  EXPECT_EQ(findHost({host("10.0.0.0/8")}, {host("10.0.0.0/9"), host("10.128.0.0/9")}), std::nullopt);
  EXPECT_EQ(findHost({host("1.2.3.4:80-90")}, {host("1.2.3.0/24:80-85")}), "1.2.3.4:86");
  // IPv4 hosts lie inside IPv6 ranges through ::ffff:a.b.c.d.
  EXPECT_EQ(findHost({host("0.0.0.0/0")}, {host("[::]/64")}), std::nullopt);
  EXPECT_EQ(findHost({host("[::]/64")}, {host("0.0.0.0/0")}), "[::]:443");
  EXPECT_EQ(findHost({host("[::]/64")}, {host("[::]/65")}), "[::8000:0:0:0]:443");
  // Names never match address patterns and the other way round.
  EXPECT_EQ(findHost({host("10.0.0.1")}, {host("*.com")}), "10.0.0.1:443");
  EXPECT_EQ(findHost({host("10.0.0.1"), host("a.com")}), std::nullopt);
  // `*` minus every name pattern and all of IPv4 leaves IPv6.
  auto w = findHost({host("*")}, {host("0.0.0.0/0"), host("x.invalid"), host("*.invalid"), host("invalid"),
                                  host("y.invalid")});
  ASSERT_TRUE(w);
}

TEST(BoundFsRules, DecisionOrderIsTheEvaluators) {
  auto rule = [](ir::Effect e, const char *text, ir::Tier tier = ir::Tier::Ordinary, bool exact = false,
                 ir::Platform platform = ir::Platform::Any) {
    ir::FsRule r;
    r.effect = e;
    r.access = ir::Access::Read;
    r.tier = tier;
    std::string error;
    r.pattern = *fs::parsePathPattern(text, exact, "", error);
    r.platform = platform;
    return r;
  };
  ir::Policy policy;
  policy.fsRules = {rule(ir::Effect::Allow, "~"),
                    rule(ir::Effect::Deny, "~/.ssh"),
                    rule(ir::Effect::Allow, "~/.ssh/known_hosts", ir::Tier::Ordinary, true),
                    rule(ir::Effect::Deny, "/**/.bashrc", ir::Tier::Always),
                    rule(ir::Effect::Allow, "~/.ssh", ir::Tier::Ordinary, false, ir::Platform::MacOS),
                    rule(ir::Effect::Deny, "$CWD/**/*.pem"),
                    rule(ir::Effect::Allow, "$CWD/certs")};
  eval::Bindings b;
  std::string error;
  ASSERT_TRUE(b.define("HOME", "/home/u", error));
  ASSERT_TRUE(b.define("CWD", "/home/u/proj", error));
  for (ir::Platform platform : {ir::Platform::Linux, ir::Platform::MacOS}) {
    auto rules = verify::boundFsRules(policy, b, platform, ir::Access::Read, error);
    ASSERT_TRUE(rules) << error;
    EXPECT_EQ(rules->size(), platform == ir::Platform::Linux ? 6u : 7u);
    EXPECT_EQ(rules->front().rule->tier, ir::Tier::Always);
    auto ev = eval::Evaluator::create(policy, b, platform, error);
    ASSERT_TRUE(ev) << error;
    for (const char *path : {"/home/u/.ssh/id", "/home/u/.ssh/known_hosts", "/home/u/proj/a/k.pem",
                             "/home/u/proj/certs/k.pem", "/home/u/.bashrc", "/home/u/x", "/etc"}) {
      // The first part (self or descendant, decisionParts) covering the
      // path decides it, as the evaluator does.
      const ir::FsRule *first = nullptr;
      std::vector<std::string_view> parts = fs::splitPath(path);
      for (const verify::DecisionPart &part : verify::decisionParts(*rules)) {
        auto m = fs::PatternMatcher::compile(part.pattern, error);
        ASSERT_TRUE(m) << error;
        if (m->matches(parts) && (!part.selfOnly || m->matchesSelf(parts))) {
          first = (*rules)[part.rule].rule;
          break;
        }
      }
      eval::FsDecision d = ev->decide(path, ir::Access::Read);
      EXPECT_EQ(first, d.rule) << path;
    }
  }
  // A root without a value is an error, whatever the rule's platform.
  eval::Bindings none;
  EXPECT_FALSE(verify::boundFsRules(policy, none, ir::Platform::Linux, ir::Access::Write, error));
  EXPECT_NE(error.find("has no value"), std::string::npos) << error;
}

TEST(ComponentAtoms, EveryCombinationOnce) {
  std::string error;
  auto star = *fs::parseGlobComponent("a*", error), end = *fs::parseGlobComponent("*b", error);
  verify::detail::NameTrie trie;
  trie.insert("ab");
  size_t budget = SIZE_MAX;
  auto atoms = *verify::detail::globAtoms({&star, &end}, trie, budget);
  // Neither, a* only, *b only, both ("ab" is a literal: the fresh one is longer).
  ASSERT_EQ(atoms.size(), 4u);
  for (const auto &a : atoms) {
    ASSERT_TRUE(a.fresh);
    EXPECT_EQ(verify::detail::tokensMatch(star, *a.fresh), a.matches[0]) << *a.fresh;
    EXPECT_EQ(verify::detail::tokensMatch(end, *a.fresh), a.matches[1]) << *a.fresh;
    EXPECT_FALSE(trie.contains(*a.fresh));
    if (a.matches[0] && a.matches[1]) {
      EXPECT_EQ(a.fresh->size(), 3u) << *a.fresh;
    }
  }
}

} // namespace
