// Random policies over random fake trees: whatever the mount plan lets the
// sandbox do, the reference evaluator allows (the plan never loosens), and
// whatever the evaluator allows but the plan refuses is a reported
// tightening. The sandbox's view is simulated from the mounts as bubblewrap
// applies them: the deepest mount covering a path decides. The real-bwrap
// twin of this test is test/backends/bwrap/differential.test.
#include "BwrapFakeDisk.h"

#include "backends/bwrap/Bwrap.h"
#include "backends/bwrap/MountPlan.h"
#include "compiler/sema/BuiltinProtections.h"

#include <gtest/gtest.h>

#include <random>

using namespace moat;
using namespace moat::backends;
using namespace moat::backends::bwrap;
using moat::backends::bwrap::testing::FakeDisk;

namespace {

struct Case {
  ir::Policy policy;
  FakeDisk disk;
  std::vector<std::pair<std::string, bool>> paths; // (path, is a directory)
  std::string text;                                 // the rules, for failure messages
};

const char *const kNames[] = {"a", "b", ".git", "hooks", "k.pem", "config", ".bashrc", "d"};

std::string pick(std::mt19937 &rng, const std::vector<std::string> &v) {
  return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}

Case makeCase(uint32_t seed) {
  std::mt19937 rng(seed);
  auto chance = [&](int percent) { return std::uniform_int_distribution<int>(0, 99)(rng) < percent; };
  Case c;
  std::vector<std::string> dirs = {"/r", "/r/h", "/r/h/p", "/r/t"};
  for (const std::string &d : dirs)
    c.disk.dir(d);
  std::vector<std::string> all = dirs;
  int entries = std::uniform_int_distribution<int>(4, 18)(rng);
  for (int i = 0; i < entries; ++i) {
    std::string parent = pick(rng, dirs);
    if (parent.size() > 24)
      continue;
    std::string path = parent + "/" + kNames[std::uniform_int_distribution<int>(0, 7)(rng)];
    if (std::find(all.begin(), all.end(), path) != all.end())
      continue;
    if (chance(45)) {
      c.disk.dir(path);
      dirs.push_back(path);
    } else {
      c.disk.file(path);
    }
    all.push_back(path);
  }
  for (const std::string &p : all)
    c.paths.emplace_back(p, std::find(dirs.begin(), dirs.end(), p) != dirs.end());

  if (chance(25))
    c.policy.defaults.read = ir::Effect::Deny;
  if (chance(10))
    c.policy.defaults.write = ir::Effect::Allow;
  if (chance(50)) {
    auto b = sema::builtinProtections(c.policy.options);
    c.policy.fsRules.insert(c.policy.fsRules.end(), b.begin(), b.end());
  }
  int rules = std::uniform_int_distribution<int>(1, 8)(rng);
  for (int i = 0; i < rules; ++i) {
    std::string path = chance(75) ? pick(rng, all) : pick(rng, all) + "/" + kNames[std::uniform_int_distribution<int>(0, 7)(rng)];
    ir::FsRule r;
    r.effect = chance(50) ? ir::Effect::Allow : ir::Effect::Deny;
    r.access = chance(50) ? ir::Access::Read : ir::Access::Write;
    r.tier = chance(15) ? ir::Tier::Always : ir::Tier::Ordinary;
    bool exact = chance(20);
    std::string text = path;
    if (!exact && chance(25)) {
      // A glob: a wildcard for the last name, or ** before it.
      size_t slash = path.rfind('/');
      text = chance(50) ? path.substr(0, slash) + "/*" + path.substr(slash + 2) : path.substr(0, slash) + "/**" + path.substr(slash);
    }
    std::string error;
    auto p = fs::parsePathPattern(text, exact, "", error);
    if (!p)
      continue;
    r.pattern = *p;
    c.policy.fsRules.push_back(r);
    c.text += std::string(r.tier == ir::Tier::Always ? "always " : "") + ir::effectName(r.effect) + " " +
              ir::accessName(r.access) + (exact ? " file " : " ") + text + "\n";
  }
  c.text += std::string("default read ") + ir::effectName(c.policy.defaults.read) + ", write " +
            ir::effectName(c.policy.defaults.write) + "\n";
  return c;
}

// The deepest mount covering `path`, or nullptr (bwrap's own empty root).
const MountOp *coveringMount(const Plan &plan, const std::string &path) {
  const MountOp *best = nullptr;
  for (const MountOp &op : plan.ops)
    if ((op.kind == MountOp::Kind::Bind || op.kind == MountOp::Kind::RoBind || op.kind == MountOp::Kind::Tmpfs ||
         op.kind == MountOp::Kind::DevNull) &&
        isWithin(path, op.path))
      best = &op;
  return best;
}

bool sandboxReads(const Plan &plan, const std::string &path) {
  const MountOp *m = coveringMount(plan, path);
  return m && (m->kind == MountOp::Kind::Bind || m->kind == MountOp::Kind::RoBind);
}

bool sandboxWrites(const Plan &plan, const std::string &path) {
  const MountOp *m = coveringMount(plan, path);
  return m && m->kind == MountOp::Kind::Bind;
}

bool covered(const Plan &plan, const std::string &path, ir::Access access) {
  for (const Tightening &t : plan.tightenings)
    if (t.access == access && (t.path == path || (t.subtree && isWithin(path, t.path))))
      return true;
  return false;
}

TEST(BwrapProperty, ThePlanNeverLoosensAndReportsEveryTightening) {
  uint32_t base = 20240601;
  if (const char *s = std::getenv("MOAT_BWRAP_PROPERTY_SEED"))
    base = static_cast<uint32_t>(std::strtoul(s, nullptr, 10));
  size_t checks = 0, tightened = 0;
  for (uint32_t i = 0; i < 3000; ++i) {
    uint32_t seed = base + i;
    Case c = makeCase(seed);
    eval::Bindings bindings;
    std::string error;
    bindings.define("HOME", "/r/h", error);
    bindings.define("CWD", "/r/h/p", error);
    bindings.define("TMPDIR", "/r/t", error);
    BuildOptions options;
    options.bindings = bindings;
    SourceFiles files;
    DiagnosticEngine diags(files);
    BuildResult result;
    Plan plan;
    buildOn(c.disk, c.policy, options, diags, result, &plan);
    ASSERT_FALSE(diags.hasErrors()) << "seed " << seed << "\n" << c.text;
    auto ev = eval::Evaluator::create(c.policy, bindings, ir::Platform::Linux, error);
    ASSERT_TRUE(ev);
    auto check = [&](const std::string &path, ir::Access access, bool sandbox, bool newPath) {
      eval::FsDecision d = ev->decide(path, access);
      bool allowed = d.effect == ir::Effect::Allow;
      ++checks;
      // A path created later that a glob decides is the documented limit
      // of build-time glob expansion (reported per glob rule).
      if (newPath && d.rule && d.rule->pattern.isGlob())
        return;
      ASSERT_FALSE(sandbox && !allowed) << "seed " << seed << ": the sandbox may " << ir::accessName(access) << " "
                                        << path << " but the policy denies it\n" << c.text;
      if (!sandbox && allowed) {
        ++tightened;
        ASSERT_TRUE(covered(plan, path, access))
            << "seed " << seed << ": " << ir::accessName(access) << " " << path
            << " is refused without a reported tightening\n" << c.text;
      }
    };
    for (const auto &[path, isDir] : c.paths) {
      check(path, ir::Access::Read, sandboxReads(plan, path), false);
      if (!isDir)
        check(path, ir::Access::Write, sandboxWrites(plan, path), false);
      else
        check(path + "/moat-new-file", ir::Access::Write, sandboxWrites(plan, path), true);
    }
  }
  EXPECT_GT(checks, 50000u);
  EXPECT_GT(tightened, 0u);
}

} // namespace
