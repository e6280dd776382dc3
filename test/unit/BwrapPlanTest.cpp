// The bwrap backend's mount plan on a fake disk: each construct of the plan
// (write roots, protections and pins, hidden trees, placeholders, links,
// hard links, /proc and /dev) and each tightening it reports, and that unix
// socket files never reach the plan.
#include "BwrapFakeDisk.h"

#include "backends/bwrap/Bwrap.h"
#include "backends/bwrap/MountPlan.h"
#include "backends/bwrap/Scan.h"
#include "compiler/sema/BuiltinProtections.h"

#include <gtest/gtest.h>

using namespace moat;
using namespace moat::backends;
using namespace moat::backends::bwrap;
using moat::backends::bwrap::testing::FakeDisk;
using ir::Access;
using ir::Effect;

namespace {

struct Fixture {
  ir::Policy policy;
  eval::Bindings bindings;
  FakeDisk disk;
  SourceFiles files;
  DiagnosticEngine diags{files};
  BuildResult result;
  Plan plan;

  Fixture() {
    std::string error;
    EXPECT_TRUE(bindings.define("HOME", "/h", error));
    EXPECT_TRUE(bindings.define("CWD", "/h/p", error));
    EXPECT_TRUE(bindings.define("TMPDIR", "/t", error));
  }

  void rule(Effect effect, Access access, const char *pattern, ir::Tier tier = ir::Tier::Ordinary,
            bool exact = false) {
    std::string error;
    auto p = fs::parsePathPattern(pattern, exact, "", error);
    ASSERT_TRUE(p) << pattern << ": " << error;
    ir::FsRule r;
    r.effect = effect;
    r.access = access;
    r.tier = tier;
    r.pattern = *p;
    policy.fsRules.push_back(r);
  }
  void builtins() {
    auto b = sema::builtinProtections(policy.options);
    policy.fsRules.insert(policy.fsRules.begin(), b.begin(), b.end());
  }

  // The mounts as short strings, in bwrap order.
  std::vector<std::string> build(const std::string &format = "") {
    BuildOptions options;
    options.bindings = bindings;
    options.format = format;
    buildOn(disk, policy, options, diags, result, &plan);
    std::vector<std::string> out;
    for (const MountOp &op : plan.ops) {
      static const char *const names[] = {"bind", "ro-bind", "tmpfs", "devnull", "dev", "proc", "symlink", "remount-ro"};
      std::string s = std::string(names[static_cast<int>(op.kind)]) + " " + op.path;
      if (op.kind == MountOp::Kind::Symlink)
        s += " -> " + op.target;
      out.push_back(s);
    }
    return out;
  }

  bool tightened(const std::string &path, Access access, TightenReason why) const {
    for (const Tightening &t : plan.tightenings)
      if (t.path == path && t.access == access && t.reason == why)
        return true;
    return false;
  }
  bool placeholder(const std::string &path) const {
    return std::count(plan.placeholders.begin(), plan.placeholders.end(), path) != 0;
  }
  bool has(MountOp::Kind kind, const std::string &path) const {
    return std::find(plan.ops.begin(), plan.ops.end(), MountOp{kind, path, ""}) != plan.ops.end();
  }
  bool warned(const std::string &needle) const {
    for (const Diagnostic &d : diags.diagnostics())
      if (d.id == "unenforceable-rule" && d.message.find(needle) != std::string::npos)
        return true;
    return false;
  }
};

using Ops = std::vector<std::string>;

TEST(BwrapPlan, WriteRootIsBoundReadWriteOverAReadOnlyRoot) {
  Fixture f;
  f.disk.dir("/h/p");
  f.rule(Effect::Allow, Access::Write, "$CWD");
  EXPECT_EQ(f.build(), (Ops{"ro-bind /", "dev /dev", "proc /proc", "bind /h/p"}));
  EXPECT_TRUE(f.plan.tightenings.empty());
  EXPECT_FALSE(f.diags.hasErrors());
}

TEST(BwrapPlan, ProtectedPathsAreReadOnlyAndTheirParentsPinned) {
  Fixture f;
  f.builtins();
  f.disk.file("/h/p/a/.git/hooks/pre-commit");
  f.disk.file("/h/p/a/.git/config");
  f.disk.file("/h/p/b/c");
  f.rule(Effect::Allow, Access::Write, "$CWD");
  Ops ops = f.build();
  // /h/p/a and /h/p/a/.git are pins: mount points cannot be renamed, so the
  // repository cannot be moved away and replaced by one with other hooks.
  // The protected files are read-only where they are; nothing else in the
  // repository is mounted.
  std::vector<std::string> inRepo;
  for (const std::string &op : ops)
    if (op.find("/h/p/a") != std::string::npos || op.find("/h/p/b") != std::string::npos)
      inRepo.push_back(op);
  EXPECT_EQ(inRepo, (Ops{"bind /h/p/a", "bind /h/p/a/.git", "ro-bind /h/p/a/.git/config",
                         "ro-bind /h/p/a/.git/hooks"}));
  EXPECT_EQ(std::vector<std::string>(ops.begin(), ops.begin() + 4),
            (Ops{"ro-bind /", "dev /dev", "proc /proc", "bind /h/p"}));
  EXPECT_TRUE(f.warned("built-in protections are globs"));
}

TEST(BwrapPlan, ReadDeniedDirectoryIsAnEmptyReadOnlyTmpfsWithAllowedFilesBoundAgain) {
  Fixture f;
  f.disk.file("/h/.ssh/id_rsa");
  f.disk.file("/h/.ssh/known_hosts");
  f.rule(Effect::Deny, Access::Read, "~/.ssh");
  f.rule(Effect::Allow, Access::Read, "~/.ssh/known_hosts", ir::Tier::Ordinary, true);
  EXPECT_EQ(f.build(), (Ops{"ro-bind /", "dev /dev", "proc /proc", "tmpfs /h/.ssh", "ro-bind /h/.ssh/known_hosts",
                            "remount-ro /h/.ssh"}));
}

TEST(BwrapPlan, ReadDeniedFileIsCoveredWithDevNull) {
  Fixture f;
  f.disk.file("/h/.netrc");
  f.rule(Effect::Deny, Access::Read, "~/.netrc", ir::Tier::Ordinary, true);
  EXPECT_EQ(f.build(), (Ops{"ro-bind /", "dev /dev", "proc /proc", "devnull /h/.netrc"}));
}

TEST(BwrapPlan, MissingProtectedPathsInAWritableTreeGetPlaceholders) {
  Fixture f;
  f.builtins();
  f.disk.dir("/h/p/.git");
  f.rule(Effect::Allow, Access::Write, "~");
  f.build();
  // In ~ every protected name gets one (a file, or a directory for the names
  // that are directories); in an existing .git the missing hooks directory.
  EXPECT_TRUE(std::count(f.plan.placeholders.begin(), f.plan.placeholders.end(), "/h/.bashrc"));
  EXPECT_TRUE(std::count(f.plan.placeholders.begin(), f.plan.placeholders.end(), "/h/.vscode"));
  EXPECT_TRUE(std::count(f.plan.placeholders.begin(), f.plan.placeholders.end(), "/h/p/.git/hooks"));
  EXPECT_TRUE(std::count(f.plan.placeholders.begin(), f.plan.placeholders.end(), "/h/p/.git/config"));
  auto has = [&](const MountOp &want) {
    return std::find(f.plan.ops.begin(), f.plan.ops.end(), want) != f.plan.ops.end();
  };
  EXPECT_TRUE(has({MountOp::Kind::DevNull, "/h/.bashrc", ""}));
  EXPECT_TRUE(has({MountOp::Kind::Tmpfs, "/h/.vscode", ""}));
  EXPECT_TRUE(has({MountOp::Kind::RemountRo, "/h/.vscode", ""}));
  EXPECT_TRUE(has({MountOp::Kind::Tmpfs, "/h/p/.git/hooks", ""}));
  EXPECT_TRUE(has({MountOp::Kind::Bind, "/h/p", ""})); // pin above .git
  // The launch directory inside ~ gets its own.
  EXPECT_TRUE(f.placeholder("/h/p/.bashrc"));
  EXPECT_TRUE(f.placeholder("/h/p/.mcp.json"));
}

// Every built-in protection with a fixed tail (`/**/.mcp.json`,
// `/**/.claude/settings.json`), taken from the built-in list itself: in a
// writable launch directory and a writable ~ where none of them exists, each
// one is a placeholder or lies beneath one, and nothing else is.
TEST(BwrapPlan, EveryFixedProtectedPathIsCoveredInTheHomeAndLaunchDirectories) {
  Fixture f;
  f.builtins();
  f.disk.dir("/h/p");
  f.rule(Effect::Allow, Access::Write, "~");
  f.build();
  std::vector<std::string> tails;
  for (const ir::FsRule &r : sema::builtinProtections({})) {
    std::string error;
    auto g = compileGlobRule(r, r.pattern, error);
    ASSERT_TRUE(g) << error;
    if (!g->fixedTail.empty())
      tails.push_back(g->fixedTail);
  }
  ASSERT_GE(tails.size(), 30u);
  for (const char *dir : {"/h", "/h/p"})
    for (const std::string &tail : tails) {
      // No repository here: `git init` must work, and a new repository's
      // hooks and config are the launcher's exit sweep's to judge.
      if (tail.rfind(".git/", 0) == 0)
        continue;
      std::string path = std::string(dir) + "/" + tail;
      bool covered = std::any_of(f.plan.placeholders.begin(), f.plan.placeholders.end(),
                                 [&](const std::string &p) { return isWithin(path, p); });
      EXPECT_TRUE(covered) << path;
    }
  for (const std::string &p : f.plan.placeholders)
    EXPECT_TRUE(parentPath(p) == "/h" || parentPath(p) == "/h/p") << p;
}

TEST(BwrapPlan, AMissingRepositoryGetsNoPlaceholderAnExistingOneDoes) {
  Fixture f;
  f.builtins();
  f.disk.dir("/h/p");
  f.disk.dir("/h/.git");
  f.rule(Effect::Allow, Access::Write, "~");
  f.build();
  EXPECT_FALSE(f.placeholder("/h/p/.git"));
  for (const std::string &p : f.plan.placeholders)
    EXPECT_FALSE(isWithin(p, "/h/p/.git")) << p;
  EXPECT_TRUE(f.placeholder("/h/.git/hooks"));
  EXPECT_TRUE(f.placeholder("/h/.git/config"));
}

TEST(BwrapPlan, AMissingParentOfProtectedFilesIsOneReadOnlyPlaceholder) {
  // `.claude/settings.json` under a missing `.claude`: a placeholder file
  // would need `.claude` created and pinned, and a missing directory cannot
  // be pinned (bwrap resolves bind sources before it creates anything), so
  // the sandbox could rename it away and make its own. `.claude` itself
  // becomes the read-only placeholder, one mount for all five protected
  // paths beneath it, reported as a tightening.
  Fixture f;
  f.builtins();
  f.disk.dir("/h/p");
  f.rule(Effect::Allow, Access::Write, "$CWD");
  f.build();
  EXPECT_TRUE(f.placeholder("/h/p/.claude"));
  EXPECT_TRUE(f.has(MountOp::Kind::Tmpfs, "/h/p/.claude"));
  EXPECT_TRUE(f.has(MountOp::Kind::RemountRo, "/h/p/.claude"));
  EXPECT_FALSE(f.placeholder("/h/p/.claude/settings.json"));
  EXPECT_TRUE(f.tightened("/h/p/.claude", Access::Write, TightenReason::PlaceholderDirectory));
  // Files are /dev/null placeholders, directory names empty directories.
  EXPECT_TRUE(f.has(MountOp::Kind::DevNull, "/h/p/.mcp.json"));
  EXPECT_TRUE(f.has(MountOp::Kind::DevNull, "/h/p/.envrc"));
  EXPECT_TRUE(f.has(MountOp::Kind::DevNull, "/h/p/.gitmodules"));
  EXPECT_TRUE(f.has(MountOp::Kind::Tmpfs, "/h/p/.vscode"));

  // An existing .claude is pinned and gets a placeholder per missing path.
  Fixture g;
  g.builtins();
  g.disk.file("/h/p/.claude/settings.json");
  g.rule(Effect::Allow, Access::Write, "$CWD");
  g.build();
  EXPECT_TRUE(g.has(MountOp::Kind::Bind, "/h/p/.claude"));
  EXPECT_TRUE(g.has(MountOp::Kind::RoBind, "/h/p/.claude/settings.json"));
  EXPECT_TRUE(g.has(MountOp::Kind::DevNull, "/h/p/.claude/settings.local.json"));
  EXPECT_TRUE(g.has(MountOp::Kind::Tmpfs, "/h/p/.claude/commands"));
  EXPECT_FALSE(g.placeholder("/h/p/.claude"));
}

TEST(BwrapPlan, NamesInOtherDirectoriesAreLeftToTheLaunchersSweep) {
  // A placeholder in every directory of the writable trees would make the
  // plan grow with the host: `sub/.bashrc` is covered only once it exists.
  Fixture f;
  f.builtins();
  f.disk.dir("/h/p/sub");
  f.rule(Effect::Allow, Access::Write, "$CWD");
  f.build();
  EXPECT_FALSE(f.placeholder("/h/p/sub/.bashrc"));
  EXPECT_FALSE(f.placeholder("/h/p/sub/.claude"));
  EXPECT_TRUE(f.warned("moat run sweeps the writable trees for them at exit"));
}

TEST(BwrapPlan, ASubmodulesDirectoriesDoNotGrowThePlan) {
  // `/**/.git/modules/**/hooks` protects the hooks of every submodule, but
  // its parent glob matches every directory of a submodule's git directory:
  // only the hooks that exist are mounted, never a placeholder per object
  // directory.
  auto placeholders = [](int objectDirs) {
    Fixture f;
    f.builtins();
    f.disk.dir("/h/p/.git/modules/sub/hooks");
    for (int i = 0; i < objectDirs; ++i)
      f.disk.dir("/h/p/.git/modules/sub/objects/" + std::to_string(i));
    f.rule(Effect::Allow, Access::Write, "$CWD");
    f.build();
    EXPECT_TRUE(f.has(MountOp::Kind::RoBind, "/h/p/.git/modules/sub/hooks"));
    return f.plan.placeholders;
  };
  EXPECT_EQ(placeholders(256), placeholders(0));
}

TEST(BwrapPlan, AMissingPathAPolicyRuleProtectsIsAPlaceholder) {
  Fixture f;
  f.disk.dir("/h/p");
  f.rule(Effect::Allow, Access::Write, "$CWD");
  f.rule(Effect::Deny, Access::Write, "$CWD/.env", ir::Tier::Ordinary, true);
  f.rule(Effect::Deny, Access::Write, "$CWD/.tool/config.toml");
  f.build();
  EXPECT_TRUE(f.has(MountOp::Kind::DevNull, "/h/p/.env"));
  EXPECT_TRUE(f.has(MountOp::Kind::Tmpfs, "/h/p/.tool"));
  EXPECT_EQ(f.plan.placeholders, (std::vector<std::string>{"/h/p/.env", "/h/p/.tool"}));
  ASSERT_EQ(f.result.advice.size(), 1u);
  EXPECT_NE(f.result.advice[0].find("bwrap will create 2 empty placeholders"), std::string::npos)
      << f.result.advice[0];
}

TEST(BwrapPlan, PlaceholdersOnlyWhereTheSandboxCouldCreateThePath) {
  Fixture f;
  f.builtins();
  f.disk.dir("/h/p");
  f.rule(Effect::Allow, Access::Write, "$CWD");
  f.build();
  // ~ is read-only: nothing can be created there anyway.
  EXPECT_FALSE(f.placeholder("/h/.bashrc"));
  EXPECT_FALSE(f.placeholder("/h/.claude"));
  EXPECT_TRUE(f.placeholder("/h/p/.vscode"));
  EXPECT_TRUE(f.placeholder("/h/p/.bashrc"));
}

TEST(BwrapPlan, MissingDirectoryAboveAProtectedPathBecomesAReadOnlyPlaceholder) {
  Fixture f;
  f.disk.dir("/h/p");
  f.rule(Effect::Allow, Access::Write, "$CWD");
  f.rule(Effect::Deny, Access::Write, "$CWD/gen/keep");
  EXPECT_EQ(f.build(), (Ops{"ro-bind /", "dev /dev", "proc /proc", "bind /h/p", "tmpfs /h/p/gen",
                            "remount-ro /h/p/gen"}));
  EXPECT_TRUE(f.tightened("/h/p/gen", Access::Write, TightenReason::PlaceholderDirectory));
  EXPECT_TRUE(f.warned("empty read-only placeholder"));
}

TEST(BwrapPlan, WriteWithoutReadIsTightenedToNeither) {
  Fixture f;
  f.disk.file("/h/p/drop/x");
  f.rule(Effect::Allow, Access::Write, "$CWD");
  f.rule(Effect::Deny, Access::Read, "$CWD/drop");
  EXPECT_EQ(f.build(), (Ops{"ro-bind /", "dev /dev", "proc /proc", "bind /h/p", "tmpfs /h/p/drop",
                            "remount-ro /h/p/drop"}));
  EXPECT_TRUE(f.tightened("/h/p/drop", Access::Write, TightenReason::WriteWithoutRead));
  EXPECT_TRUE(f.warned("without read access"));
}

TEST(BwrapPlan, ReadDenyByDefaultKeepsAnEmptyRootAndMakesLinksAgain) {
  Fixture f;
  f.disk.dir("/usr/lib");
  f.disk.dir("/usr/bin");
  f.disk.file("/etc/passwd");
  f.disk.link("/lib", "usr/lib");
  f.policy.defaults.read = Effect::Deny;
  f.rule(Effect::Allow, Access::Read, "/usr");
  f.rule(Effect::Allow, Access::Read, "/lib");
  EXPECT_EQ(f.build(), (Ops{"dev /dev", "symlink /lib -> usr/lib", "proc /proc", "ro-bind /usr", "remount-ro /"}));
}

TEST(BwrapPlan, AMissingWriteRootCannotBeCreated) {
  Fixture f;
  f.disk.dir("/h");
  f.rule(Effect::Allow, Access::Write, "$CWD");
  EXPECT_EQ(f.build(), (Ops{"ro-bind /", "dev /dev", "proc /proc"}));
  EXPECT_TRUE(f.tightened("/h/p", Access::Write, TightenReason::CannotCreate));
}

TEST(BwrapPlan, AHardLinkToAProtectedFileIsReadOnlyUnderEveryName) {
  Fixture f;
  f.builtins();
  f.disk.file("/h/p/.git/hooks/pre-commit", 7, 2);
  f.disk.file("/h/p/innocent", 7, 2);
  f.disk.file("/h/p/other", 8, 2); // its second name is elsewhere
  f.rule(Effect::Allow, Access::Write, "$CWD");
  Ops ops = f.build();
  EXPECT_TRUE(std::count(ops.begin(), ops.end(), "ro-bind /h/p/innocent"));
  EXPECT_FALSE(std::count(ops.begin(), ops.end(), "ro-bind /h/p/other"));
  EXPECT_TRUE(f.tightened("/h/p/innocent", Access::Write, TightenReason::HardLink));
  EXPECT_TRUE(f.warned("1 file in the writable trees also has names outside them"));
}

TEST(BwrapPlan, AHardLinkToAProtectedFileOutsideTheTreeIsFoundThroughItsPlaceholderName) {
  Fixture f;
  f.builtins();
  f.disk.file("/h/.bashrc", 9, 2);
  f.disk.file("/h/p/rc", 9, 2);
  f.rule(Effect::Allow, Access::Write, "$CWD");
  Ops ops = f.build();
  EXPECT_TRUE(std::count(ops.begin(), ops.end(), "ro-bind /h/p/rc"));
}

TEST(BwrapPlan, ALinkOnTheWayToAProtectedPathMakesItsDirectoryReadOnly) {
  Fixture f;
  f.disk.file("/h/p/real/secret");
  f.disk.link("/h/p/alias", "real");
  f.rule(Effect::Allow, Access::Write, "$CWD");
  f.rule(Effect::Deny, Access::Write, "$CWD/alias/secret");
  Ops ops = f.build();
  // The protection is mounted on the file the name leads to, and the link
  // itself could be replaced: its directory stays read-only (no bind of
  // $CWD), while the directory the link leads to stays writable.
  EXPECT_EQ(ops, (Ops{"ro-bind /", "dev /dev", "proc /proc", "bind /h/p/real", "ro-bind /h/p/real/secret"}));
  EXPECT_TRUE(f.tightened("/h/p", Access::Write, TightenReason::SymlinkInWritableDir));
}

TEST(BwrapPlan, ALinkedRuleIsMountedOnItsTargetWithTheStricterDecision) {
  Fixture f;
  f.disk.dir("/data/proj");
  f.disk.link("/h/p", "/data/proj");
  f.rule(Effect::Allow, Access::Write, "$CWD");
  Ops ops = f.build();
  // /data/proj itself is not writable by the policy: the target of the link
  // stays read-only, and the write the rule allows is reported.
  EXPECT_EQ(ops, (Ops{"ro-bind /", "dev /dev", "proc /proc"}));
  EXPECT_TRUE(f.tightened("/data/proj", Access::Write, TightenReason::SymlinkTarget));

  Fixture g;
  g.disk.dir("/data/proj");
  g.disk.link("/h/p", "/data/proj");
  g.rule(Effect::Allow, Access::Write, "$CWD");
  g.rule(Effect::Allow, Access::Write, "/data/proj");
  EXPECT_EQ(g.build(), (Ops{"ro-bind /", "dev /dev", "proc /proc", "bind /data/proj"}));
}

TEST(BwrapPlan, ALinkLoopIsRefused) {
  Fixture f;
  f.disk.link("/h/a", "b");
  f.disk.link("/h/b", "a");
  f.rule(Effect::Deny, Access::Read, "~/a/x");
  f.build();
  ASSERT_TRUE(f.diags.hasErrors());
  EXPECT_EQ(f.diags.diagnostics().front().id, "backend-refused");
  EXPECT_TRUE(f.result.output.empty());
}

TEST(BwrapPlan, UnixSocketFilesAreNotMounted) {
  // Which sockets the sandbox may reach is decided by seccomp (none, or a
  // per-path allowlist brokered by moat run), not by hiding socket files.
  Fixture f;
  f.disk.socket("/run/docker.sock");
  f.disk.socket("/h/p/agent.sock");
  f.disk.dir("/h/p");
  ir::UnixSocketRule allow;
  std::string error;
  allow.path = *fs::parsePathPattern("/run/user/1/bus", true, "", error);
  f.policy.unixSockets.push_back(allow);
  f.rule(Effect::Allow, Access::Write, "$CWD");
  EXPECT_EQ(f.build(), (Ops{"ro-bind /", "dev /dev", "proc /proc", "bind /h/p"}));
  EXPECT_FALSE(f.warned("socket"));
}

TEST(BwrapPlan, TheArgumentsDoNotGrowWithSocketFiles) {
  // 10,000 stale sockets in a writable /tmp (and some in the launch
  // directory and /run) once made 9,178 arguments, over bubblewrap's limit of
  // 9,000: the arguments must be the same as without them.
  auto args = [](size_t sockets) {
    Fixture f;
    f.builtins();
    f.disk.dir("/tmp");
    f.disk.dir("/h/p");
    for (size_t i = 0; i < sockets; ++i)
      f.disk.socket("/tmp/s" + std::to_string(i) + ".sock");
    for (size_t i = 0; i < sockets / 100; ++i) {
      f.disk.socket("/run/user/1/s" + std::to_string(i));
      f.disk.socket("/h/p/.cache/s" + std::to_string(i));
    }
    f.rule(Effect::Allow, Access::Write, "$CWD");
    f.rule(Effect::Allow, Access::Write, "/tmp");
    f.build();
    EXPECT_FALSE(f.diags.hasErrors());
    return f.result.output;
  };
  std::string none = args(0), many = args(10000);
  EXPECT_FALSE(none.empty());
  EXPECT_EQ(std::count(many.begin(), many.end(), '\0'), std::count(none.begin(), none.end(), '\0'));
  EXPECT_EQ(many, none);
}

TEST(BwrapPlan, UnreadableDirectoriesInAWritableTreeAreReadOnly) {
  Fixture f;
  f.disk.dir("/h/p/locked");
  f.disk.unreadable("/h/p/locked");
  f.rule(Effect::Allow, Access::Write, "$CWD");
  Ops ops = f.build();
  EXPECT_TRUE(std::count(ops.begin(), ops.end(), "ro-bind /h/p/locked"));
  EXPECT_TRUE(f.tightened("/h/p/locked", Access::Write, TightenReason::Unreadable));
}

TEST(BwrapPlan, MountsAreOrderedByDepthThenPath) {
  Fixture f;
  f.disk.dir("/a/b/c");
  f.disk.dir("/a-b");
  f.disk.dir("/b");
  f.rule(Effect::Allow, Access::Write, "/a/b/c");
  f.rule(Effect::Allow, Access::Write, "/a-b");
  f.rule(Effect::Allow, Access::Write, "/b");
  f.rule(Effect::Deny, Access::Read, "/a/b");
  f.rule(Effect::Allow, Access::Read, "/a/b/c");
  // "/a-b" sorts before "/a/b" bytewise but is shallower: depth decides first.
  EXPECT_EQ(f.build(), (Ops{"ro-bind /", "bind /a-b", "bind /b", "dev /dev", "proc /proc", "tmpfs /a/b",
                            "bind /a/b/c", "remount-ro /a/b"}));
}

TEST(BwrapPlan, RulesForDevAndProcessesAreReportedNotApplied) {
  Fixture f;
  f.rule(Effect::Allow, Access::Write, "/dev/kvm");
  f.rule(Effect::Allow, Access::Read, "/proc/self");
  Ops ops = f.build();
  EXPECT_EQ(ops, (Ops{"ro-bind /", "dev /dev", "proc /proc"}));
  EXPECT_TRUE(f.warned("is under /dev"));
  EXPECT_TRUE(f.warned("names processes under /proc"));
}

TEST(BwrapPlan, GlobsAreMatchedAgainstTheDiskAndReported) {
  Fixture f;
  f.disk.file("/h/p/a/k.pem");
  f.disk.file("/h/p/b/c/d.pem");
  f.disk.file("/h/p/b/readme");
  f.rule(Effect::Deny, Access::Read, "$CWD/**/*.pem");
  Ops ops = f.build();
  EXPECT_EQ(ops, (Ops{"ro-bind /", "dev /dev", "proc /proc", "devnull /h/p/a/k.pem", "devnull /h/p/b/c/d.pem"}));
  EXPECT_TRUE(f.warned("'$CWD/**/*.pem' is a glob: bwrap can only hide the paths it matches now (2)"));
}

TEST(BwrapPlan, NetworkAllowancesAreReportedAsTightened) {
  Fixture f;
  ir::NetRule r;
  r.effect = Effect::Allow;
  std::string error;
  r.host = *net::parseHostPattern("example.com", error);
  f.policy.netRules.push_back(r);
  f.build();
  EXPECT_TRUE(f.warned("empty network namespace"));

  Fixture quiet;
  quiet.build();
  EXPECT_FALSE(quiet.warned("network"));
}

TEST(BwrapPlan, FilesystemDisabledBindsEverythingWritable) {
  Fixture f;
  f.builtins();
  f.disk.file("/h/.bashrc");
  f.policy.options.set(ir::OptionId::FilesystemDisabled, {true, {}});
  EXPECT_EQ(f.build(), (Ops{"bind /", "dev /dev", "proc /proc"}));
}

TEST(BwrapPlan, UnknownFormatIsAnError) {
  Fixture f;
  f.build("yaml");
  ASSERT_TRUE(f.diags.hasErrors());
  EXPECT_EQ(f.diags.diagnostics().front().id, "unknown-format");
}

TEST(BwrapPlan, AnUnboundRootIsAnError) {
  Fixture f;
  f.rule(Effect::Allow, Access::Write, "$OUT");
  f.build();
  ASSERT_TRUE(f.diags.hasErrors());
  EXPECT_EQ(f.diags.diagnostics().front().id, "unbound-root");
}

} // namespace
