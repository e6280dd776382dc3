// The reference evaluator over hand-built IR policies: specificity, deny-wins
// ties, the always tier, defaults, platforms, disabled sandboxes, bindings and
// `let` chains, network and unix-socket decisions, and a 10,000-rule policy
// checked against a brute-force evaluation of the same semantics.
#include "compiler/eval/Evaluator.h"
#include "compiler/eval/FsEvaluator.h"
#include "compiler/fs/Specificity.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

using namespace moat;
using ir::Access;
using ir::Effect;

namespace {

fs::PathPattern pat(std::string_view text, bool exact = false) {
  std::string error;
  auto p = fs::parsePathPattern(text, exact, "", error);
  EXPECT_TRUE(p.has_value()) << text << ": " << error;
  return p.value_or(fs::PathPattern{});
}

struct RuleSpec {
  Effect effect;
  Access access;
  const char *pattern;
  ir::Tier tier = ir::Tier::Ordinary;
  bool exact = false;
  ir::Platform platform = ir::Platform::Any;
};

ir::FsRule fsRule(const RuleSpec &s) {
  ir::FsRule r;
  r.effect = s.effect;
  r.access = s.access;
  r.tier = s.tier;
  r.pattern = pat(s.pattern, s.exact);
  r.platform = s.platform;
  return r;
}

ir::Policy policyOf(std::initializer_list<RuleSpec> rules) {
  ir::Policy p;
  for (const RuleSpec &s : rules)
    p.fsRules.push_back(fsRule(s));
  return p;
}

eval::Bindings testBindings() {
  eval::Bindings b;
  std::string error;
  EXPECT_TRUE(b.define("HOME", "/home/u", error)) << error;
  EXPECT_TRUE(b.define("CWD", "/home/u/proj", error)) << error;
  EXPECT_TRUE(b.define("TMPDIR", "/tmp", error)) << error;
  return b;
}

std::unique_ptr<eval::Evaluator> make(const ir::Policy &p, ir::Platform platform = ir::Platform::Linux) {
  std::string error;
  auto ev = eval::Evaluator::create(p, testBindings(), platform, error);
  EXPECT_TRUE(ev) << error;
  return ev;
}

// "allow" / "deny" plus who decided: "rule N" (index in fsRules), "default"
// or "disabled".
std::string fsOutcome(const eval::Evaluator &ev, std::string_view path, Access a) {
  eval::FsDecision d = ev.decide(path, a);
  std::string out = d.effect == Effect::Allow ? "allow" : "deny";
  switch (d.by) {
  case eval::DecidedBy::Default:
    return out + " default";
  case eval::DecidedBy::Disabled:
    return out + " disabled";
  case eval::DecidedBy::Rule:
    return out + " rule " + std::to_string(d.rule - ev.policy().fsRules.data());
  }
  return "?";
}

constexpr auto R = Access::Read;
constexpr auto W = Access::Write;
constexpr auto Allow = Effect::Allow;
constexpr auto Deny = Effect::Deny;
constexpr auto Always = ir::Tier::Always;

} // namespace

TEST(Evaluator, DefaultsWithoutRules) {
  ir::Policy p;
  auto ev = make(p);
  EXPECT_EQ(fsOutcome(*ev, "/etc/passwd", R), "allow default");
  EXPECT_EQ(fsOutcome(*ev, "/etc/passwd", W), "deny default");
  p.defaults.read = Deny;
  p.defaults.write = Allow;
  auto flipped = make(p);
  EXPECT_EQ(fsOutcome(*flipped, "/etc/passwd", R), "deny default");
  EXPECT_EQ(fsOutcome(*flipped, "/etc/passwd", W), "allow default");
}

TEST(Evaluator, SubtreeCoversEverythingBeneathOnComponentBoundaries) {
  ir::Policy p = policyOf({{Allow, W, "$CWD"}});
  auto ev = make(p);
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj", W), "allow rule 0");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj/a/b/c.txt", W), "allow rule 0");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/project", W), "deny default");
  EXPECT_EQ(fsOutcome(*ev, "/home/u", W), "deny default");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj/x", R), "allow default"); // accesses are independent
}

TEST(Evaluator, ExactMatchesOnlyThePath) {
  ir::Policy p = policyOf({{Deny, R, "~/.netrc", ir::Tier::Ordinary, true}});
  auto ev = make(p);
  EXPECT_EQ(fsOutcome(*ev, "/home/u/.netrc", R), "deny rule 0");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/.netrc/x", R), "allow default");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/.netrc2", R), "allow default");
}

TEST(Evaluator, MostSpecificRuleDecides) {
  ir::Policy p = policyOf({{Deny, R, "~"}, {Allow, R, "~/.ssh/known_hosts", ir::Tier::Ordinary, true},
                           {Allow, R, "~/proj"}, {Deny, R, "~/proj/.env"}});
  auto ev = make(p);
  EXPECT_EQ(fsOutcome(*ev, "/home/u/.ssh/id_rsa", R), "deny rule 0");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/.ssh/known_hosts", R), "allow rule 1");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj/src/main.c", R), "allow rule 2");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj/.env", R), "deny rule 3");
  EXPECT_EQ(fsOutcome(*ev, "/etc/hosts", R), "allow default");
}

TEST(Evaluator, RuleOrderDoesNotMatterOnlySpecificity) {
  ir::Policy a = policyOf({{Allow, W, "~"}, {Deny, W, "~/.ssh"}});
  ir::Policy b = policyOf({{Deny, W, "~/.ssh"}, {Allow, W, "~"}});
  auto ea = make(a), eb = make(b);
  for (const char *path : {"/home/u/.ssh/config", "/home/u/x", "/home/u", "/etc"}) {
    EXPECT_EQ(ea->decide(path, W).effect, eb->decide(path, W).effect) << path;
    EXPECT_EQ(ea->decide(path, W).by, eb->decide(path, W).by) << path;
  }
}

TEST(Evaluator, GlobAgainstSubtree) {
  ir::Policy p = policyOf({{Allow, W, "$CWD"}, {Deny, W, "$CWD/**/*.pem"}, {Allow, W, "$CWD/certs"}});
  auto ev = make(p);
  // Equal literal prefix ($CWD = 3 components): a glob beats a subtree.
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj/a/key.pem", W), "deny rule 1");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj/key.pem", W), "deny rule 1");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj/a/key.txt", W), "allow rule 0");
  // The glob matches the file itself; $CWD/certs only an ancestor of it:
  // the deny keeps it, however deep the directory rule is.
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj/certs/key.pem", W), "deny rule 1");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj/certs/a/b/key.pem", W), "deny rule 1");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj/certs", W), "allow rule 2");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj/certs/key.txt", W), "allow rule 2");
}

// The match class (docs/semantics.md, "Specificity"): a rule matching the
// path itself outranks one covering it only from an ancestor directory.
TEST(Evaluator, PathItselfBeatsAnAncestorMatch) {
  // srt's shape: a deny glob inside an allowed directory stays denied.
  ir::Policy p = policyOf({{Deny, R, "/**/*.key"}, {Allow, R, "$CWD/src/lib"}, {Deny, R, "$CWD"}});
  auto ev = make(p);
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj/src/lib/deep/deeper/x.key", R), "deny rule 0");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj/src/lib/deep/x.c", R), "allow rule 1");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj/src/lib", R), "allow rule 1");
  // Beneath a matched file (a directory named x.key): the glob covers it
  // only from an ancestor, so the more specific ancestor match decides.
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj/src/lib/x.key/y.c", R), "allow rule 1");
  // ... unless the glob also matches the path itself.
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj/src/lib/x.key/y.key", R), "deny rule 0");
  // Claude's shape: `/**/*.env*` against the launch directory.
  ir::Policy c = policyOf({{Deny, R, "/**/*.env*"}, {Allow, R, "$CWD"}, {Deny, R, "~"}});
  auto ec = make(c);
  EXPECT_EQ(fsOutcome(*ec, "/home/u/proj/.env", R), "deny rule 0");
  EXPECT_EQ(fsOutcome(*ec, "/home/u/proj/a/.env.local", R), "deny rule 0");
  EXPECT_EQ(fsOutcome(*ec, "/home/u/proj/README", R), "allow rule 1");
  // Trailing `**` is the subtree of its stem: it matches itself only there.
  ir::Policy t = policyOf({{Deny, R, "~/**"}, {Allow, R, "~/proj"}, {Allow, R, "~/a/**/b"}});
  auto et = make(t);
  EXPECT_EQ(fsOutcome(*et, "/home/u/proj/x", R), "allow rule 1"); // both ancestor; prefix 3 > 2
  EXPECT_EQ(fsOutcome(*et, "/home/u", R), "deny rule 0");
  EXPECT_EQ(fsOutcome(*et, "/home/u/a/x/b", R), "allow rule 2"); // itself vs ancestor
  EXPECT_EQ(fsOutcome(*et, "/home/u/a/x/b/c", R), "allow rule 2"); // both ancestor; prefix 3 > 2
  // Exact rules match only themselves; the tier still comes first.
  ir::Policy e = policyOf({{Allow, W, "/**/.bashrc", Always}, {Deny, W, "~/.bashrc", ir::Tier::Ordinary, true},
                           {Deny, W, "~", Always}});
  auto ee = make(e);
  EXPECT_EQ(fsOutcome(*ee, "/home/u/.bashrc", W), "allow rule 0"); // always, itself
  EXPECT_EQ(fsOutcome(*ee, "/home/u/x", W), "deny rule 2");
}

TEST(Evaluator, ExactBeatsSubtreeAndGlobOnTheSamePrefix) {
  ir::Policy p = policyOf({{Deny, R, "~/.aws"},
                           {Allow, R, "~/.aws/config", ir::Tier::Ordinary, true},
                           {Deny, R, "~/.aws/*"}});
  auto ev = make(p);
  EXPECT_EQ(fsOutcome(*ev, "/home/u/.aws/config", R), "allow rule 1");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/.aws/credentials", R), "deny rule 2");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/.aws", R), "deny rule 0");
}

TEST(Evaluator, DenyWinsTiesThenTheEarlierRule) {
  ir::Policy p = policyOf({{Allow, W, "$CWD/out"}, {Deny, W, "$CWD/out"}, {Deny, W, "~/proj/out"},
                           {Allow, W, "/x/*a"}, {Deny, W, "/x/a*"}, {Allow, W, "/y/*a"},
                           {Allow, W, "/y/a*"}});
  auto ev = make(p);
  // $CWD/out and ~/proj/out bind to the same path: equally specific.
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj/out/f", W), "deny rule 1");
  // Different globs, equal on every key, both match "aa".
  EXPECT_EQ(fsOutcome(*ev, "/x/aa", W), "deny rule 4");
  EXPECT_EQ(fsOutcome(*ev, "/x/ba", W), "allow rule 3");
  EXPECT_EQ(fsOutcome(*ev, "/y/aa", W), "allow rule 5");
  std::vector<const ir::FsRule *> all = ev->matchingFsRules("/home/u/proj/out/f", W);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0], &p.fsRules[1]);
  EXPECT_EQ(all[1], &p.fsRules[2]);
  EXPECT_EQ(all[2], &p.fsRules[0]);
}

TEST(Evaluator, AlwaysTierBeatsEveryOrdinaryRule) {
  ir::Policy p = policyOf({{Deny, W, "/**/.bashrc", Always},
                           {Deny, W, "/**/.vscode", Always},
                           {Allow, W, "~"},
                           {Allow, W, "~/.bashrc", ir::Tier::Ordinary, true},
                           {Allow, W, "~/proj/.vscode", Always}});
  auto ev = make(p);
  EXPECT_EQ(fsOutcome(*ev, "/home/u/.bashrc", W), "deny rule 0");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj/sub/.bashrc", W), "deny rule 0");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/notes.txt", W), "allow rule 2");
  // Within the always tier the most specific rule decides.
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj/.vscode/tasks.json", W), "allow rule 4");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/other/.vscode/tasks.json", W), "deny rule 1");
  // Reads are untouched.
  EXPECT_EQ(fsOutcome(*ev, "/home/u/.bashrc", R), "allow default");
}

TEST(Evaluator, PlatformFiltering) {
  ir::Policy p = policyOf({{Deny, R, "/etc", ir::Tier::Ordinary, false, ir::Platform::MacOS},
                           {Deny, R, "/proc", ir::Tier::Ordinary, false, ir::Platform::Linux},
                           {Deny, R, "/secret"}});
  auto onLinux = make(p, ir::Platform::Linux);
  auto onMac = make(p, ir::Platform::MacOS);
  auto onAny = make(p, ir::Platform::Any);
  EXPECT_EQ(fsOutcome(*onLinux, "/etc/x", R), "allow default");
  EXPECT_EQ(fsOutcome(*onMac, "/etc/x", R), "deny rule 0");
  EXPECT_EQ(fsOutcome(*onLinux, "/proc/1", R), "deny rule 1");
  EXPECT_EQ(fsOutcome(*onMac, "/proc/1", R), "allow default");
  EXPECT_EQ(fsOutcome(*onAny, "/etc/x", R), "allow default");
  EXPECT_EQ(fsOutcome(*onAny, "/proc/1", R), "allow default");
  for (auto *ev : {onLinux.get(), onMac.get(), onAny.get()})
    EXPECT_EQ(fsOutcome(*ev, "/secret/k", R), "deny rule 2");
}

TEST(Evaluator, DisabledSandboxAllowsEverything) {
  ir::Policy p = policyOf({{Deny, R, "/"}, {Deny, W, "/", Always}});
  p.options.set(ir::OptionId::FilesystemDisabled, {true, {}});
  auto ev = make(p);
  EXPECT_EQ(fsOutcome(*ev, "/etc", R), "allow disabled");
  EXPECT_EQ(fsOutcome(*ev, "/etc", W), "allow disabled");
  EXPECT_FALSE(ev->unixSocketAllowed("/run/docker.sock")); // only the filesystem is off

  ir::Policy q = policyOf({{Deny, W, "/"}});
  q.options.set(ir::OptionId::SandboxDisabled, {true, {}});
  auto off = make(q);
  EXPECT_EQ(fsOutcome(*off, "/etc", W), "allow disabled");
  EXPECT_TRUE(off->unixSocketAllowed("/run/docker.sock"));
}

TEST(Evaluator, QueriesAreNormalisedLexically) {
  ir::Policy p = policyOf({{Allow, W, "$CWD"}});
  auto ev = make(p);
  EXPECT_EQ(fsOutcome(*ev, "/home/u//proj/./x", W), "allow rule 0");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/proj/../x", W), "deny default");
  EXPECT_EQ(fsOutcome(*ev, "/home/u/other/../proj/x/", W), "allow rule 0");
  EXPECT_EQ(fsOutcome(*ev, "/../../home/u/proj", W), "allow rule 0");
  // Unusable queries are denied, never allowed by a default.
  ir::Policy open = policyOf({});
  open.defaults.read = Allow;
  auto ev2 = make(open);
  EXPECT_EQ(fsOutcome(*ev2, "relative/path", R), "deny default");
  EXPECT_EQ(fsOutcome(*ev2, "/a\nb", R), "deny default");
  EXPECT_EQ(fsOutcome(*ev2, "", R), "deny default");
}

TEST(Evaluator, RootValuesWithMetacharactersStayLiteral) {
  ir::Policy p = policyOf({{Deny, R, "~/**/secret"}, {Deny, R, "~/.ssh"}});
  eval::Bindings b;
  std::string error;
  ASSERT_TRUE(b.define("HOME", "/srv/a*b", error));
  auto ev = eval::Evaluator::create(p, b, ir::Platform::Linux, error);
  ASSERT_TRUE(ev) << error;
  EXPECT_EQ(ev->decide("/srv/a*b/x/secret", R).effect, Deny);
  EXPECT_EQ(ev->decide("/srv/aXb/x/secret", R).effect, Allow);
  EXPECT_EQ(ev->decide("/srv/a*b/.ssh/id", R).effect, Deny);
  EXPECT_EQ(ev->decide("/srv/aXb/.ssh/id", R).effect, Allow);

  auto plain = eval::bindPattern(p, b, p.fsRules[1].pattern, error);
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, "/srv/a*b/.ssh"); // a subtree binds to a plain path
  auto glob = eval::bindPattern(p, b, p.fsRules[0].pattern, error);
  ASSERT_TRUE(glob);
  EXPECT_EQ(*glob, "/srv/a\\*b/**/secret"); // a glob keeps the root literal
}

TEST(Bindings, DefineValidatesAndNormalises) {
  eval::Bindings b;
  std::string error;
  EXPECT_TRUE(b.define("HOME", "/home/x/../u//", error));
  EXPECT_EQ(b.lookup("HOME"), "/home/u");
  EXPECT_TRUE(b.define("ROOTY", "/", error));
  EXPECT_EQ(b.lookup("ROOTY"), "/");
  EXPECT_FALSE(b.define("HOME", "relative", error));
  EXPECT_NE(error.find("absolute"), std::string::npos);
  EXPECT_FALSE(b.define("HOME", "", error));
  EXPECT_FALSE(b.define("HOME", "~/x", error));
  EXPECT_FALSE(b.define("HOME", "/a\nb", error));
  EXPECT_NE(error.find("control"), std::string::npos);
  EXPECT_FALSE(b.define("1X", "/a", error));
  EXPECT_FALSE(b.define("A-B", "/a", error));
  EXPECT_FALSE(b.define("", "/a", error));
  EXPECT_EQ(b.lookup("HOME"), "/home/u"); // failed defines change nothing
  EXPECT_FALSE(b.lookup("NOPE"));
  EXPECT_EQ(b.all().size(), 2u);
}

TEST(Bindings, FromEnvironment) {
  std::string savedHome = std::getenv("HOME") ? std::getenv("HOME") : "";
  bool hadHome = std::getenv("HOME") != nullptr;
  std::string savedTmp = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "";
  bool hadTmp = std::getenv("TMPDIR") != nullptr;

  setenv("HOME", "/tmp/hh/../home-x/", 1);
  setenv("TMPDIR", "/var//tmp", 1);
  eval::Bindings b = eval::Bindings::fromEnvironment();
  EXPECT_EQ(b.lookup("HOME"), "/tmp/home-x");
  EXPECT_EQ(b.lookup("TMPDIR"), "/var/tmp");
  ASSERT_TRUE(b.lookup("CWD"));
  EXPECT_EQ(b.lookup("CWD")->front(), '/');

  unsetenv("TMPDIR");
  setenv("HOME", "relative", 1); // unusable: the password database decides
  eval::Bindings c = eval::Bindings::fromEnvironment();
  EXPECT_EQ(c.lookup("TMPDIR"), "/tmp");
  if (auto home = c.lookup("HOME")) {
    EXPECT_EQ(home->front(), '/');
  }
  unsetenv("HOME");
  eval::Bindings d = eval::Bindings::fromEnvironment();
  if (auto home = d.lookup("HOME")) {
    EXPECT_EQ(home->front(), '/');
  }

  if (hadHome)
    setenv("HOME", savedHome.c_str(), 1);
  if (hadTmp)
    setenv("TMPDIR", savedTmp.c_str(), 1);
}

TEST(Bindings, LetVariableChains) {
  ir::Policy p;
  p.variables["B"] = ir::Variable{"B", pat("~/work"), {}};
  p.variables["A"] = ir::Variable{"A", pat("$B/src"), {}};
  p.variables["ABS"] = ir::Variable{"ABS", pat("/opt/tools"), {}};
  p.variables["SLASH"] = ir::Variable{"SLASH", pat("/"), {}};
  eval::Bindings b = testBindings();
  std::string error;
  EXPECT_EQ(eval::resolveRoot(p, b, "", error), "");
  EXPECT_EQ(eval::resolveRoot(p, b, "HOME", error), "/home/u");
  EXPECT_EQ(eval::resolveRoot(p, b, "A", error), "/home/u/work/src");
  EXPECT_EQ(eval::resolveRoot(p, b, "ABS", error), "/opt/tools");
  EXPECT_EQ(eval::resolveRoot(p, b, "SLASH", error), "/");
  EXPECT_EQ(eval::bindPattern(p, b, pat("$A/x"), error), "/home/u/work/src/x");
  EXPECT_EQ(eval::bindPattern(p, b, pat("$SLASH/x"), error), "/x");
  EXPECT_EQ(eval::bindPattern(p, b, pat("$A/**/*.c"), error), "/home/u/work/src/**/*.c");
  EXPECT_EQ(eval::bindPattern(p, b, pat("/"), error), "/");
  EXPECT_EQ(eval::bindPattern(p, b, pat("~", true), error), "/home/u");

  // --define overrides a let default, and everything built on it.
  ASSERT_TRUE(b.define("B", "/mnt/w", error));
  EXPECT_EQ(eval::resolveRoot(p, b, "A", error), "/mnt/w/src");
  ASSERT_TRUE(b.define("A", "/direct", error));
  EXPECT_EQ(eval::resolveRoot(p, b, "A", error), "/direct");

  auto parts = eval::bindPatternParts(p, b, pat("$A/**/x"), error);
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->root, "");
  EXPECT_EQ(parts->components, (std::vector<std::string>{"direct", "**", "x"}));
  EXPECT_EQ(parts->form, fs::PatternForm::Glob);
}

TEST(Bindings, UnboundAndCyclicRootsAreErrors) {
  ir::Policy p;
  p.variables["A"] = ir::Variable{"A", pat("$B/x"), {}};
  p.variables["B"] = ir::Variable{"B", pat("$A/y"), {}};
  p.variables["C"] = ir::Variable{"C", pat("$MISSING/z"), {}};
  p.variables["G"] = ir::Variable{"G", pat("/a/*"), {}};
  eval::Bindings b = testBindings();
  std::string error;
  EXPECT_FALSE(eval::resolveRoot(p, b, "A", error));
  EXPECT_NE(error.find("in terms of itself"), std::string::npos) << error;
  EXPECT_NE(error.find("$A -> $B -> $A"), std::string::npos) << error;
  EXPECT_FALSE(eval::resolveRoot(p, b, "C", error));
  EXPECT_EQ(error, "'$MISSING' has no value: pass --define MISSING=PATH");
  EXPECT_FALSE(eval::resolveRoot(p, b, "G", error));
  EXPECT_NE(error.find("glob"), std::string::npos);
  eval::Bindings empty;
  EXPECT_FALSE(eval::resolveRoot(p, empty, "CWD", error));
  EXPECT_EQ(error, "'$CWD' has no value: pass --define CWD=PATH");
  EXPECT_FALSE(eval::bindPattern(p, empty, pat("~/x"), error));
  EXPECT_EQ(error, "'$HOME' has no value: pass --define HOME=PATH");

  // The evaluator refuses to start rather than skip a rule it cannot bind,
  // whatever platform the rule is for.
  ir::Policy q = policyOf({{Deny, R, "$CWD/x", ir::Tier::Ordinary, false, ir::Platform::MacOS}});
  EXPECT_FALSE(eval::Evaluator::create(q, empty, ir::Platform::Linux, error));
  EXPECT_NE(error.find("$CWD/x"), std::string::npos) << error;
  EXPECT_NE(error.find("has no value"), std::string::npos) << error;
  ir::Policy s;
  ir::UnixSocketRule sock;
  sock.path = pat("$TMPDIR/agent.sock");
  s.unixSockets.push_back(sock);
  EXPECT_FALSE(eval::Evaluator::create(s, empty, ir::Platform::Linux, error));
  EXPECT_NE(error.find("unix socket"), std::string::npos) << error;
}

TEST(Bindings, ResolveQueryPath) {
  ir::Policy p;
  p.variables["A"] = ir::Variable{"A", pat("~/work"), {}};
  eval::Bindings b = testBindings();
  std::string error;
  auto q = [&](std::string_view text) {
    auto r = eval::resolveQueryPath(p, b, text, error);
    return r ? *r : "error: " + error;
  };
  EXPECT_EQ(q("~/.ssh/id_rsa"), "/home/u/.ssh/id_rsa");
  EXPECT_EQ(q("~"), "/home/u");
  EXPECT_EQ(q("$HOME"), "/home/u");
  EXPECT_EQ(q("a/b"), "/home/u/proj/a/b");
  EXPECT_EQ(q("."), "/home/u/proj");
  EXPECT_EQ(q("../x"), "/home/u/x");
  EXPECT_EQ(q("$TMPDIR/x"), "/tmp/x");
  EXPECT_EQ(q("${A}/y"), "/home/u/work/y");
  EXPECT_EQ(q("$A"), "/home/u/work");
  EXPECT_EQ(q("/etc//passwd/"), "/etc/passwd");
  EXPECT_EQ(q("/a/*b/[c]"), "/a/*b/[c]"); // a path, not a pattern
  EXPECT_EQ(q("/a/\\b"), "/a/\\b");
  EXPECT_EQ(q("~bob/x"), "error: '~user' paths are not supported; write '~/...' or an absolute path");
  EXPECT_NE(q("$1/x").find("variable name"), std::string::npos);
  EXPECT_NE(q("$A.b").find("variable name"), std::string::npos);
  EXPECT_NE(q("${A").find("unterminated"), std::string::npos);
  EXPECT_EQ(q("$NOPE/x"), "error: '$NOPE' has no value: pass --define NOPE=PATH");
  EXPECT_EQ(q(""), "error: empty path");
  EXPECT_NE(q("/a\nb").find("control"), std::string::npos);
  EXPECT_NE(q(std::string_view("/a\0b", 4)).find("control"), std::string::npos);
  EXPECT_NE(q("/a\x7f").find("control"), std::string::npos);
}

TEST(Evaluator, UnixSockets) {
  ir::Policy p;
  auto sock = [&](Effect e, const char *path, bool exact = false,
                  ir::Platform platform = ir::Platform::Any) {
    ir::UnixSocketRule r;
    r.effect = e;
    r.path = pat(path, exact);
    r.platform = platform;
    p.unixSockets.push_back(r);
  };
  sock(Allow, "/run/user/1000/bus", true);
  sock(Allow, "$TMPDIR/ssh-*/agent.*");
  sock(Allow, "/var/run/mac.sock", true, ir::Platform::MacOS);
  sock(Deny, "/run/user/1000/bus.evil", true);
  auto ev = make(p);
  EXPECT_TRUE(ev->unixSocketAllowed("/run/user/1000/bus"));
  EXPECT_FALSE(ev->unixSocketAllowed("/run/user/1000/bus/x"));
  EXPECT_TRUE(ev->unixSocketAllowed("/tmp/ssh-XYZ/agent.123"));
  EXPECT_FALSE(ev->unixSocketAllowed("/tmp/ssh-XYZ/other"));
  EXPECT_FALSE(ev->unixSocketAllowed("/var/run/docker.sock")); // default: none
  EXPECT_FALSE(ev->unixSocketAllowed("/var/run/mac.sock"));    // other platform
  EXPECT_TRUE(make(p, ir::Platform::MacOS)->unixSocketAllowed("/var/run/mac.sock"));
  EXPECT_FALSE(ev->unixSocketAllowed("relative.sock"));

  p.options.set(ir::OptionId::AllowAllUnixSockets, {true, {}});
  auto all = make(p);
  EXPECT_TRUE(all->unixSocketAllowed("/var/run/docker.sock"));
  EXPECT_FALSE(all->unixSocketAllowed("/run/user/1000/bus.evil")); // an explicit deny still holds
}

namespace {

ir::NetRule netRule(Effect e, const char *host, ir::Platform platform = ir::Platform::Any) {
  ir::NetRule r;
  r.effect = e;
  std::string error;
  auto h = net::parseHostPattern(host, error);
  EXPECT_TRUE(h) << host << ": " << error;
  if (h)
    r.host = *h;
  r.platform = platform;
  return r;
}

std::string netOutcome(const eval::Evaluator &ev, const char *endpoint) {
  std::string error;
  auto e = net::parseEndpoint(endpoint, 443, error);
  EXPECT_TRUE(e) << endpoint << ": " << error;
  if (!e)
    return "invalid";
  eval::NetDecision d = ev.decide(e->host, e->port);
  std::string out = d.outcome == eval::NetDecision::Outcome::Allow  ? "allow"
                    : d.outcome == eval::NetDecision::Outcome::Deny ? "deny"
                                                                     : "ask";
  switch (d.by) {
  case eval::DecidedBy::Default:
    return out + " default";
  case eval::DecidedBy::Disabled:
    return out + " disabled";
  case eval::DecidedBy::Rule:
    return out + " rule " + std::to_string(d.rule - ev.policy().netRules.data());
  }
  return "?";
}

} // namespace

TEST(Evaluator, NetworkDenyBeatsAllowThenDefault) {
  ir::Policy p;
  p.netRules.push_back(netRule(Allow, "*.example.com"));
  p.netRules.push_back(netRule(Deny, "evil.example.com"));
  p.netRules.push_back(netRule(Allow, "github.com:443"));
  p.netRules.push_back(netRule(Allow, "evil.example.com"));
  p.netRules.push_back(netRule(Deny, "169.254.169.254"));
  p.netRules.push_back(netRule(Allow, "10.0.0.0/8"));
  auto ev = make(p);
  EXPECT_EQ(netOutcome(*ev, "api.example.com"), "allow rule 0");
  EXPECT_EQ(netOutcome(*ev, "evil.example.com"), "deny rule 1"); // deny beats two allows
  EXPECT_EQ(netOutcome(*ev, "example.com"), "deny default");      // *. is strict
  EXPECT_EQ(netOutcome(*ev, "github.com"), "allow rule 2");
  EXPECT_EQ(netOutcome(*ev, "github.com:22"), "deny default");
  EXPECT_EQ(netOutcome(*ev, "GitHub.COM."), "allow rule 2"); // canonicalised
  EXPECT_EQ(netOutcome(*ev, "10.1.2.3:80"), "allow rule 5");
  EXPECT_EQ(netOutcome(*ev, "169.254.169.254:80"), "deny rule 4");

  p.defaults.connect = ir::NetDefault::Ask;
  EXPECT_EQ(netOutcome(*make(p), "unknown.org"), "ask default");
  EXPECT_EQ(netOutcome(*make(p), "evil.example.com"), "deny rule 1");
  p.defaults.connect = ir::NetDefault::Allow;
  EXPECT_EQ(netOutcome(*make(p), "unknown.org"), "allow default");
  EXPECT_EQ(netOutcome(*make(p), "169.254.169.254"), "deny rule 4");
}

TEST(Evaluator, NetworkPlatformsAndDisabled) {
  ir::Policy p;
  p.netRules.push_back(netRule(Deny, "*.apple.com", ir::Platform::Linux));
  p.netRules.push_back(netRule(Allow, "*.apple.com"));
  p.netRules.push_back(netRule(Allow, "mac-only.test", ir::Platform::MacOS));
  auto onLinux = make(p, ir::Platform::Linux);
  auto onMac = make(p, ir::Platform::MacOS);
  EXPECT_EQ(netOutcome(*onLinux, "x.apple.com"), "deny rule 0");
  EXPECT_EQ(netOutcome(*onMac, "x.apple.com"), "allow rule 1");
  EXPECT_EQ(netOutcome(*onLinux, "mac-only.test"), "deny default");
  EXPECT_EQ(netOutcome(*onMac, "mac-only.test"), "allow rule 2");
  p.options.set(ir::OptionId::SandboxDisabled, {true, {}});
  EXPECT_EQ(netOutcome(*make(p), "x.apple.com"), "allow disabled");
}

namespace {

// The match class, plainly: does the pattern (trailing `**` removed) match
// the whole path, rather than only an ancestor of it?
bool matchesItself(const fs::PathPattern &bound, const std::vector<std::string_view> &path) {
  if (bound.form != fs::PatternForm::Glob)
    return path.size() == bound.components.size();
  std::vector<std::string> stem = bound.components;
  while (!stem.empty() && stem.back() == "**")
    stem.pop_back();
  std::string error;
  auto g = fs::PathGlob::compile(stem, error);
  return g && g->matches(path, 0, false);
}

// The semantics written as plainly as possible, with no index: every rule
// bound once and then tested on its own against each query. The trie
// evaluator must agree with it.
class BruteForce {
public:
  BruteForce(const ir::Policy &p, const eval::Bindings &b) : policy_(p) {
    for (const ir::FsRule &r : p.fsRules) {
      std::string error;
      auto bound = eval::bindPatternParts(p, b, r.pattern, error);
      EXPECT_TRUE(bound) << error;
      bound_.push_back(bound.value_or(fs::PathPattern{}));
      auto m = fs::PatternMatcher::compile(bound_.back(), error);
      EXPECT_TRUE(m) << error;
      matchers_.push_back(std::move(*m));
    }
  }

  std::optional<eval::FsMatch> decide(std::string_view path, Access access) const {
    std::optional<eval::FsMatch> best;
    std::vector<std::string_view> parts = fs::splitPath(path);
    for (size_t i = 0; i < policy_.fsRules.size(); ++i) {
      const ir::FsRule &r = policy_.fsRules[i];
      if (r.access != access || !matchers_[i].matches(parts))
        continue;
      eval::FsMatch m{&r, i, fs::specificityOf(bound_[i]), matchesItself(bound_[i], parts)};
      bool better = !best;
      if (best) {
        if (r.tier != best->rule->tier)
          better = r.tier == Always;
        else if (m.self != best->self)
          better = m.self;
        else if (int c = fs::compareSpecificity(m.specificity, best->specificity))
          better = c > 0;
        else if (r.effect != best->rule->effect)
          better = r.effect == Deny;
        // else: the earlier rule (already `best`) stays
      }
      if (better)
        best = m;
    }
    return best;
  }

private:
  const ir::Policy &policy_;
  std::vector<fs::PathPattern> bound_;
  std::vector<fs::PatternMatcher> matchers_;
};

} // namespace

TEST(Evaluator, TenThousandRulesAgreeWithBruteForce) {
  std::mt19937 rng(20240611);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const char *names[] = {"a", "b", "c", "src", ".git", "hooks", "x.pem", ".env", "lib", "proj"};
  auto randomPath = [&](int maxDepth) {
    std::string s;
    int depth = 1 + pick(maxDepth);
    for (int i = 0; i < depth; ++i)
      s += std::string("/") + names[pick(10)];
    return s;
  };

  ir::Policy p;
  p.defaults.read = Allow;
  p.defaults.write = Deny;
  for (int i = 0; i < 10000; ++i) {
    ir::FsRule r;
    r.effect = pick(2) ? Allow : Deny;
    r.access = pick(2) ? R : W;
    r.tier = pick(20) == 0 ? Always : ir::Tier::Ordinary;
    int kind = pick(10);
    std::string text = "/home/u" + randomPath(5);
    if (kind == 0)
      text = "/**/" + std::string(names[pick(10)]);
    else if (kind == 1)
      text = "/home/u" + randomPath(3) + "/**/*" + std::string(names[pick(10)]).substr(1);
    else if (kind == 2)
      text = "/home/u" + randomPath(2) + "/[abc]*";
    else if (kind == 3)
      text = "$CWD" + randomPath(3);
    r.pattern = pat(text, kind >= 8);
    r.platform = pick(15) == 0 ? ir::Platform::MacOS : ir::Platform::Any;
    p.fsRules.push_back(std::move(r));
  }
  // The brute force ignores platforms: drop the macOS rules from it.
  ir::Policy linuxOnly = p;
  linuxOnly.fsRules.clear();
  std::vector<size_t> origIndex;
  for (size_t i = 0; i < p.fsRules.size(); ++i)
    if (p.fsRules[i].platform != ir::Platform::MacOS) {
      linuxOnly.fsRules.push_back(p.fsRules[i]);
      origIndex.push_back(i);
    }

  BruteForce brute(linuxOnly, testBindings());
  auto ev = make(p);
  ASSERT_TRUE(ev);
  int ruleDecided = 0;
  for (int q = 0; q < 1000; ++q) {
    // Queries are normalised already: the brute force splits them as they are.
    std::string path = (pick(4) ? "/home/u" : "") + randomPath(7);
    Access access = pick(2) ? R : W;
    eval::FsDecision got = ev->decide(path, access);
    auto want = brute.decide(path, access);
    if (!want) {
      EXPECT_EQ(got.by, eval::DecidedBy::Default) << path;
      EXPECT_EQ(got.effect, access == R ? Allow : Deny) << path;
      continue;
    }
    ++ruleDecided;
    ASSERT_EQ(got.by, eval::DecidedBy::Rule) << path;
    EXPECT_EQ(got.effect, want->rule->effect) << path;
    EXPECT_EQ(static_cast<size_t>(got.rule - p.fsRules.data()), origIndex[want->index])
        << path << " decided by " << got.rule->pattern.text() << " instead of "
        << want->rule->pattern.text();
  }
  EXPECT_GT(ruleDecided, 300); // the sample exercises rules, not only defaults
}

TEST(Evaluator, TenThousandLiteralRules) {
  ir::Policy p;
  for (int i = 0; i < 10000; ++i) {
    ir::FsRule r;
    r.effect = i % 2 ? Allow : Deny;
    r.access = W;
    r.pattern = pat("/data/d" + std::to_string(i % 100) + "/f" + std::to_string(i));
    p.fsRules.push_back(std::move(r));
  }
  p.fsRules.push_back(fsRule({Deny, W, "/data/**/*.lock"}));
  auto ev = make(p);
  for (int i = 0; i < 10000; i += 37) {
    std::string base = "/data/d" + std::to_string(i % 100) + "/f" + std::to_string(i);
    EXPECT_EQ(fsOutcome(*ev, base + "/x", W),
              std::string(i % 2 ? "allow" : "deny") + " rule " + std::to_string(i));
    EXPECT_EQ(fsOutcome(*ev, base + "x/y", W), "deny default");
    // The glob matches the file itself; the literal rule only its directory.
    EXPECT_EQ(fsOutcome(*ev, base + "/y.lock", W), "deny rule 10000");
  }
  EXPECT_EQ(fsOutcome(*ev, "/data/d1/y.lock", W), "deny rule 10000");
  EXPECT_EQ(fsOutcome(*ev, "/data/d1", W), "deny default");
}

TEST(FsEvaluator, DecisionOrderIsTotal) {
  ir::Policy p = policyOf({{Allow, W, "/a"}, {Deny, W, "/a"}, {Deny, W, "/a"}});
  std::vector<eval::FsMatch> m;
  for (size_t i = 0; i < p.fsRules.size(); ++i)
    m.push_back({&p.fsRules[i], i, fs::specificityOf(p.fsRules[i].pattern)});
  EXPECT_TRUE(eval::decidesBefore(m[1], m[0]));  // deny first
  EXPECT_TRUE(eval::decidesBefore(m[1], m[2]));  // then the earlier rule
  EXPECT_FALSE(eval::decidesBefore(m[2], m[1]));
  EXPECT_FALSE(eval::decidesBefore(m[0], m[0])); // irreflexive
}
