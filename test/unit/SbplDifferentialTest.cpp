// The sbpl backend against the reference evaluator, on seeded random
// policies: every generated profile must pass the structural checks of the
// test reader (test/support/sbpl), and for many paths and several values of
// the Seatbelt parameters its decisions (evaluated like Seatbelt: the last
// matching rule wins) must equal the evaluator's for macOS -- exactly, or,
// when the backend reported a tightening, never looser. The parameter values
// used for evaluation are unrelated to anything the build saw, so this also
// checks that the rule order holds for every value (backends/sbpl/SbplOrder.h).
//
// MOAT_SBPL_SEED=N reruns with another seed; MOAT_SBPL_POLICIES=N changes
// the count (default 300). A failure prints the seed, the policy and the
// profile.
#include "backends/sbpl/Sbpl.h"
#include "compiler/eval/Evaluator.h"
#include "compiler/fs/Glob.h"
#include "compiler/ir/RuleText.h"
#include "sbpl/SbplModel.h"
#include "sbpl/SbplRandom.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <set>

using namespace moat;
using namespace moat::sbpltest;

namespace {

struct Stats {
  size_t policies = 0, exact = 0, tightened = 0, withParams = 0, bound = 0;
  size_t comparisons = 0, aliasComparisons = 0;
};

struct Built {
  std::string output;
  bool tightened = false;
  bool refused = false;
  std::string errors;
};

Built buildProfile(const ir::Policy &policy, const backends::BuildOptions &options) {
  SourceFiles files;
  DiagnosticEngine diags(files);
  backends::BuildResult result;
  backends::sbpl::build(policy, options, diags, result);
  Built b;
  b.output = result.output;
  for (const Diagnostic &d : diags.diagnostics()) {
    if (d.id == "unenforceable-rule")
      b.tightened = true;
    if (d.severity == Severity::Error) {
      b.refused = true;
      b.errors += d.message + "\n";
    }
  }
  return b;
}

bool anyComponentMatches(const ir::Policy &p, const char *name) {
  auto check = [&](const fs::PathPattern &pat) {
    if (!pat.isGlob())
      return false;
    for (const std::string &c : pat.components)
      if (c != "**" && fs::matchComponent(c, name))
        return true;
    return false;
  };
  for (const ir::FsRule &r : p.fsRules)
    if (r.platform != ir::Platform::Linux && check(r.pattern))
      return true;
  return false;
}

// Checks one built profile against the evaluator for several parameter
// values. `exact`: decisions must be equal; otherwise never looser.
void checkProfile(Gen &g, const ir::Policy &policy, const backends::BuildOptions &options,
                  const std::map<std::string, std::string> &defined, const Built &built,
                  const std::string &context, Stats &stats) {
  std::string error, readError;
  auto profile = sbpltest::readProfile(built.output, readError);
  ASSERT_TRUE(profile) << context << readError << "\n" << built.output;
  if (!profile->params.empty())
    ++stats.withParams;
  const std::string where = context + "profile:\n" + built.output;

  bool aliasCheck = !anyComponentMatches(policy, "private");
  // The literal prefixes of the rules that are absolute in the profile
  // (absolute, or below a root bound at build time).
  std::vector<std::vector<std::string>> absolutePrefixes;
  for (const ir::FsRule &r : policy.fsRules) {
    auto bound = eval::bindPatternParts(policy, options.bindings, r.pattern, error);
    if (!bound)
      continue; // below a parameter
    std::vector<std::string> prefix;
    for (const std::string &c : bound->components) {
      if (bound->isGlob() && (c == "**" || fs::hasGlobChars(c)))
        break;
      std::string name = bound->isGlob() ? fs::unescapeGlobLiteral(c) : c;
      if (prefix.empty() && (name == "etc" || name == "tmp" || name == "var"))
        break; // parameter values stay clear of the /private aliases
      prefix.push_back(name);
    }
    if (!prefix.empty())
      absolutePrefixes.push_back(prefix);
  }
  for (int round = 0; round < 6; ++round) {
    // Parameter values the build never saw: any depth, sometimes nested.
    std::map<std::string, std::string> params;
    eval::Bindings bindings;
    for (const auto &[k, v] : defined)
      ASSERT_TRUE(bindings.define(k, v, error)) << error;
    // Values inside the absolute rules' own paths make rules below
    // different anchors overlap in every way they can.
    auto value = [&](const std::string &base) {
      if (!absolutePrefixes.empty() && g.chance(0.6)) {
        const auto &prefix = absolutePrefixes[g.pick(absolutePrefixes.size())];
        std::string v;
        for (size_t k = 0, depth = 1 + g.pick(prefix.size()); k < depth; ++k)
          v += "/" + prefix[k];
        return g.chance(0.3) ? g.rootValue(v) : v;
      }
      return g.rootValue(base);
    };
    std::string home = value("");
    std::string cwd = g.chance(0.15) ? home : g.chance(0.5) ? g.rootValue(home) : value("");
    std::string values[3] = {home, cwd, g.chance(0.2) ? home : g.chance(0.2) ? cwd : value("")};
    const char *roots[3] = {"HOME", "CWD", "TMPDIR"};
    for (int i = 0; i < 3; ++i) {
      if (defined.count(roots[i]))
        continue;
      ASSERT_TRUE(bindings.define(roots[i], values[i], error)) << error;
      params[roots[i]] = values[i];
    }
    for (const std::string &p : profile->params)
      ASSERT_TRUE(params.count(p)) << "profile uses parameter " << p << " that is bound\n" << where;

    auto ev = eval::Evaluator::create(policy, bindings, ir::Platform::MacOS, error);
    ASSERT_TRUE(ev) << error;
    std::set<std::string> paths{"/"};
    for (const ir::FsRule &r : policy.fsRules)
      if (auto bound = eval::bindPatternParts(policy, bindings, r.pattern, error))
        pathsFor(g, *bound, paths);
    for (const ir::UnixSocketRule &s : policy.unixSockets)
      if (auto bound = eval::bindPatternParts(policy, bindings, s.path, error))
        pathsFor(g, *bound, paths);
    for (int i = 0; i < 10; ++i) {
      std::string p;
      for (size_t k = 0, depth = 1 + g.pick(4); k < depth; ++k)
        p += "/" + g.name();
      paths.insert(p);
    }

    const std::string paramText = [&] {
      std::string t;
      for (const auto &[k, v] : params)
        t += k + "=" + v + " ";
      return t;
    }();
    for (const std::string &path : paths) {
      auto norm = fs::normaliseAbsolute(path);
      ASSERT_TRUE(norm) << path;
      const std::string &p = *norm;
      bool irRead = ev->decide(p, ir::Access::Read).effect == ir::Effect::Allow;
      bool irWrite = ev->decide(p, ir::Access::Write).effect == ir::Effect::Allow;
      bool irSocket = ev->unixSocketAllowed(p);
      bool read = sbpltest::allowsPath(*profile, "file-read-data", p, params);
      bool exec = sbpltest::allowsPath(*profile, "process-exec", p, params);
      bool write = sbpltest::allowsPath(*profile, "file-write-data", p, params);
      bool create = sbpltest::allowsPath(*profile, "file-write-create", p, params);
      bool unlink = sbpltest::allowsPath(*profile, "file-write-unlink", p, params);
      bool socket = sbpltest::allowsUnixSocket(*profile, p, params);
      const std::string at = "path " + p + " with " + paramText + "\n" + where;
      if (built.tightened) {
        EXPECT_TRUE(!read || irRead) << "read looser: " << at;
        EXPECT_TRUE(!write || irWrite) << "write looser: " << at;
        EXPECT_TRUE(!socket || irSocket) << "socket looser: " << at;
      } else {
        EXPECT_EQ(read, irRead) << "read: " << at;
        EXPECT_EQ(write, irWrite) << "write: " << at;
        EXPECT_EQ(socket, irSocket) << "socket: " << at;
      }
      EXPECT_EQ(exec, read) << "exec follows read: " << at;
      EXPECT_EQ(create, write) << "create follows write: " << at;
      EXPECT_TRUE(!unlink || irWrite) << "unlink looser: " << at;
      ++stats.comparisons;

      // macOS resolves /etc, /tmp and /var to /private/...: the profile
      // must decide the resolved spelling like the policy's own.
      for (const char *alias : {"/etc", "/tmp", "/var"}) {
        std::string a = alias;
        if (!aliasCheck || (p != a && p.rfind(a + "/", 0) != 0))
          continue;
        std::string resolved = "/private" + p;
        bool rRead = sbpltest::allowsPath(*profile, "file-read-data", resolved, params);
        bool rWrite = sbpltest::allowsPath(*profile, "file-write-data", resolved, params);
        EXPECT_EQ(rRead, read) << "alias read: " << resolved << "\n" << at;
        EXPECT_EQ(rWrite, write) << "alias write: " << resolved << "\n" << at;
        ++stats.aliasComparisons;
      }
      if (::testing::Test::HasFailure())
        return;
    }
  }
}

} // namespace

TEST(SbplDifferential, RandomPoliciesDecideLikeTheEvaluator) {
  uint64_t seed = 20240611;
  if (const char *s = std::getenv("MOAT_SBPL_SEED"))
    seed = std::strtoull(s, nullptr, 10);
  size_t count = 300;
  if (const char *s = std::getenv("MOAT_SBPL_POLICIES"))
    count = std::strtoull(s, nullptr, 10);
  Gen g(seed);
  Stats stats;

  for (size_t n = 0; n < count; ++n) {
    ir::Policy policy = randomPolicy(g);
    const std::string context = "seed " + std::to_string(seed) + ", policy " + std::to_string(n) +
                                ":\n" + describePolicy(policy);

    // Bind a random subset of the roots at build time; the rest are
    // Seatbelt parameters.
    backends::BuildOptions options;
    std::map<std::string, std::string> defined;
    std::string error;
    for (const char *root : {"HOME", "CWD", "TMPDIR", "V"}) {
      if (!g.chance(0.3))
        continue;
      defined[root] = g.rootValue();
      ASSERT_TRUE(options.bindings.define(root, defined[root], error)) << error;
      options.definedNames.push_back(root);
    }
    // The generator writes only expressible bytes: nothing is refused.
    Built built = buildProfile(policy, options);
    ASSERT_FALSE(built.refused) << context << built.errors;
    ++stats.policies;
    ++(built.tightened ? stats.tightened : stats.exact);
    checkProfile(g, policy, options, defined, built, context, stats);
    if (::testing::Test::HasFailure())
      return;

    // Every root bound at build time: no parameters, nothing to tighten,
    // every decision exact.
    for (const char *root : {"HOME", "CWD", "TMPDIR", "V"}) {
      if (defined.count(root))
        continue;
      defined[root] = g.rootValue();
      ASSERT_TRUE(options.bindings.define(root, defined[root], error)) << error;
      options.definedNames.push_back(root);
    }
    Built bound = buildProfile(policy, options);
    ASSERT_FALSE(bound.refused) << context << bound.errors;
    ASSERT_FALSE(bound.tightened) << context;
    ++stats.bound;
    checkProfile(g, policy, options, defined, bound, context + "(every root bound)\n", stats);
    if (::testing::Test::HasFailure())
      return;
  }
  EXPECT_GE(stats.policies, 200u);
  // The generator must exercise both exact profiles and parameters.
  EXPECT_GT(stats.exact, count / 10);
  EXPECT_GT(stats.withParams, count / 10);
  std::printf("sbpl differential: seed %llu, %zu policies (%zu exact, %zu tightened, %zu with "
              "parameters; each also with every root bound), %zu path comparisons, %zu alias "
              "comparisons\n",
              static_cast<unsigned long long>(seed), stats.policies, stats.exact, stats.tightened,
              stats.withParams, stats.comparisons, stats.aliasComparisons);
}
