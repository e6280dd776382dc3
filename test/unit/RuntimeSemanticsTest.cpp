// The runtimes' protection sets (data) and the runtime transform: decided
// by the one evaluator under lint's model (HOME=/home/user,
// CWD=/home/user/project).
#include "TestModel.h"

#include "compiler/eval/Evaluator.h"
#include "compiler/sema/BuiltinProtections.h"
#include "compiler/sema/RuntimeProtections.h"
#include "compiler/sema/RuntimeSemantics.h"

#include <gtest/gtest.h>

#include <set>

using namespace moat;

namespace {

ir::FsRule rule(ir::Effect effect, ir::Access access, const std::string &text, ir::Tier tier = ir::Tier::Ordinary) {
  std::string error;
  auto pattern = fs::parsePathPattern(text, false, "CWD", error);
  EXPECT_TRUE(pattern) << text << ": " << error;
  ir::FsRule r;
  r.effect = effect;
  r.access = access;
  r.tier = tier;
  r.pattern = *pattern;
  r.prov.layer = ir::Layer::SharedProject;
  r.prov.loc = SourceLoc{1, 1, 1};
  return r;
}

ir::FsRule allowWrite(const std::string &t) { return rule(ir::Effect::Allow, ir::Access::Write, t); }
ir::FsRule denyWrite(const std::string &t) { return rule(ir::Effect::Deny, ir::Access::Write, t, ir::Tier::Always); }
ir::FsRule denyRead(const std::string &t) { return rule(ir::Effect::Deny, ir::Access::Read, t); }
ir::FsRule allowRead(const std::string &t) { return rule(ir::Effect::Allow, ir::Access::Read, t); }

// A policy as sema leaves it: moat's protections first, then `rules`.
ir::Policy policyOf(std::vector<ir::FsRule> rules, ir::Options options = {}) {
  ir::Policy p;
  p.options = options;
  p.fsRules = sema::builtinProtections(options);
  for (ir::FsRule &r : rules)
    p.fsRules.push_back(std::move(r));
  return p;
}

ir::Policy judged(ir::Policy p, ir::Runtime runtime, ir::Platform platform = ir::Platform::Linux) {
  sema::applyRuntime(p, runtime, platform, test::modelBindings());
  return p;
}

ir::Effect decide(const ir::Policy &p, const std::string &path, ir::Access access,
                  ir::Platform platform = ir::Platform::Linux) {
  std::string error;
  auto ev = eval::Evaluator::create(p, test::modelBindings(), platform, error);
  EXPECT_TRUE(ev) << error;
  return ev->decide(path, access).effect;
}

const ir::Effect Allow = ir::Effect::Allow, Deny = ir::Effect::Deny;
const ir::Access Read = ir::Access::Read, Write = ir::Access::Write;
const char *const Cwd = "/home/user/project";

} // namespace

TEST(RuntimeProtections, SrtSetLiesOnlyUnderTheLaunchDirectory) {
  auto rules = sema::runtimeProtections(ir::Runtime::Srt, ir::Options{});
  ASSERT_FALSE(rules.empty());
  for (const ir::FsRule &r : rules) {
    EXPECT_EQ(r.pattern.root, "CWD") << r.pattern.text();
    EXPECT_EQ(r.effect, ir::Effect::Deny);
    EXPECT_EQ(r.access, ir::Access::Write);
    EXPECT_EQ(r.tier, ir::Tier::Always);
    EXPECT_EQ(r.prov.layer, ir::Layer::Builtin);
  }
}

TEST(RuntimeProtections, SrtNamesAreSrtsDangerousFilesAndDirectories) {
  auto rules = sema::runtimeProtections(ir::Runtime::Srt, ir::Options{});
  std::set<std::string> cwdNames;
  for (const ir::FsRule &r : rules)
    if (r.platform == ir::Platform::Any)
      cwdNames.insert(r.pattern.text());
  std::set<std::string> expected;
  for (const char *n : {".gitconfig", ".gitmodules", ".bashrc", ".bash_profile", ".zshrc", ".zprofile", ".profile",
                        ".ripgreprc", ".mcp.json", ".vscode", ".idea", ".claude/commands", ".claude/agents",
                        ".git/hooks", ".git/config"})
    expected.insert(std::string("$CWD/") + n);
  EXPECT_EQ(cwdNames, expected);
}

TEST(RuntimeProtections, LinuxDepthFollowsTheScan) {
  ir::Policy p = judged(policyOf({allowWrite("~")}), ir::Runtime::Srt);
  std::string cwd = Cwd;
  // Files: at most three components deep.
  EXPECT_EQ(decide(p, cwd + "/.bashrc", Write), Deny);
  EXPECT_EQ(decide(p, cwd + "/a/b/.bashrc", Write), Deny);
  EXPECT_EQ(decide(p, cwd + "/a/b/c/.bashrc", Write), Allow);
  // Directory names: starting at most two deep.
  EXPECT_EQ(decide(p, cwd + "/a/.vscode/settings.json", Write), Deny);
  EXPECT_EQ(decide(p, cwd + "/a/b/.vscode/settings.json", Write), Allow);
  EXPECT_EQ(decide(p, cwd + "/a/.git/hooks/pre-commit", Write), Deny);
  EXPECT_EQ(decide(p, cwd + "/a/b/.git/hooks/pre-commit", Write), Allow);
  // Never outside the launch directory.
  EXPECT_EQ(decide(p, "/home/user/.bashrc", Write), Allow);
  EXPECT_EQ(decide(p, "/home/user/other/.git/hooks/x", Write), Allow);
}

TEST(RuntimeProtections, MacosCoversEveryDepthBelowTheLaunchDirectory) {
  ir::Policy p = judged(policyOf({allowWrite("~")}), ir::Runtime::Srt, ir::Platform::MacOS);
  std::string cwd = Cwd;
  EXPECT_EQ(decide(p, cwd + "/a/b/c/d/.bashrc", Write, ir::Platform::MacOS), Deny);
  EXPECT_EQ(decide(p, cwd + "/a/b/c/.git/hooks/x", Write, ir::Platform::MacOS), Deny);
  EXPECT_EQ(decide(p, "/home/user/.bashrc", Write, ir::Platform::MacOS), Allow);
}

TEST(RuntimeProtections, SearchDepthOptionMovesTheLimit) {
  ir::Options options;
  options.set(ir::OptionId::MandatoryDenySearchDepth, ir::OptionSetting{int64_t{1}, {}});
  ir::Policy p = judged(policyOf({allowWrite("~")}, options), ir::Runtime::Srt);
  std::string cwd = Cwd;
  EXPECT_EQ(decide(p, cwd + "/.bashrc", Write), Deny);
  EXPECT_EQ(decide(p, cwd + "/a/.bashrc", Write), Allow);
  EXPECT_EQ(decide(p, cwd + "/.vscode/x", Write), Deny); // the launch directory's own, always
  EXPECT_EQ(decide(p, cwd + "/a/.vscode/x", Write), Allow);
}

TEST(RuntimeProtections, AllowGitConfigLiftsGitConfigNotHooks) {
  ir::Options options;
  options.set(ir::OptionId::AllowGitConfig, ir::OptionSetting{true, {}});
  ir::Policy p = judged(policyOf({allowWrite(".")}, options), ir::Runtime::Srt);
  std::string cwd = Cwd;
  EXPECT_EQ(decide(p, cwd + "/.git/config", Write), Allow);
  EXPECT_EQ(decide(p, cwd + "/.git/hooks/x", Write), Deny);
}

TEST(RuntimeProtections, ClaudeAddsItsSettingsFilesToSrtsSet) {
  ir::Policy srt = judged(policyOf({allowWrite("~")}), ir::Runtime::Srt);
  ir::Policy claude = judged(policyOf({allowWrite("~")}), ir::Runtime::Claude);
  std::string cwd = Cwd;
  for (const std::string &path : {cwd + "/.claude/settings.json", cwd + "/.claude/settings.local.json",
                                  std::string("/home/user/.claude/settings.json")}) {
    EXPECT_EQ(decide(srt, path, Write), Allow) << path;
    EXPECT_EQ(decide(claude, path, Write), Deny) << path;
  }
  EXPECT_EQ(decide(claude, cwd + "/.mcp.json", Write), Deny);
}

TEST(RuntimeSemantics, MoatLeavesThePolicyAsItIs) {
  ir::Policy before = policyOf({allowWrite("~"), denyWrite("~/.local/bin/*")});
  ir::Policy after = judged(before, ir::Runtime::Moat, ir::Platform::Any);
  ASSERT_EQ(after.fsRules.size(), before.fsRules.size());
  for (size_t i = 0; i < after.fsRules.size(); ++i)
    EXPECT_EQ(after.fsRules[i].pattern, before.fsRules[i].pattern);
  EXPECT_TRUE(after.runtimeMechanics.empty());
  EXPECT_EQ(decide(after, "/home/user/.bashrc", Write), Deny);
}

TEST(RuntimeSemantics, WriteGlobsAreSkippedOnLinuxOnly) {
  ir::Policy p = judged(policyOf({allowWrite("~/.local"), denyWrite("~/.local/bin/*"), allowWrite("~/b/*/out"),
                                  allowWrite("dist/**")}),
                        ir::Runtime::Srt);
  EXPECT_EQ(decide(p, "/home/user/.local/bin/git", Write), Allow);
  EXPECT_EQ(decide(p, "/home/user/.local/bin/git", Write, ir::Platform::MacOS), Deny);
  EXPECT_EQ(decide(p, "/home/user/b/x/out/f", Write), Deny);
  EXPECT_EQ(decide(p, "/home/user/b/x/out/f", Write, ir::Platform::MacOS), Allow);
  EXPECT_EQ(decide(p, std::string(Cwd) + "/dist/a.js", Write), Allow); // a trailing /** is no glob to srt
  ASSERT_EQ(p.runtimeMechanics.size(), 2u);
  EXPECT_TRUE(p.runtimeMechanics[0].looser);  // the deny protects nothing
  EXPECT_FALSE(p.runtimeMechanics[1].looser); // the allow grants nothing
}

TEST(RuntimeSemantics, ReadDenyGlobStartingWithAWildcardIsSkippedOnLinux) {
  ir::Policy p = judged(policyOf({denyRead("/**/*.pem"), denyRead("~/**/*.key")}), ir::Runtime::Srt);
  EXPECT_EQ(decide(p, "/etc/ssl/a.pem", Read), Allow);
  EXPECT_EQ(decide(p, "/etc/ssl/a.pem", Read, ir::Platform::MacOS), Deny);
  EXPECT_EQ(decide(p, "/home/user/x/a.key", Read), Deny); // anchored under ~: enforced
  ASSERT_EQ(p.runtimeMechanics.size(), 1u);
  EXPECT_TRUE(p.runtimeMechanics[0].looser);
}

TEST(RuntimeSemantics, WriteBindReExposesAReadDeniedParent) {
  ir::Policy p = judged(policyOf({denyRead("~"), denyRead("~/.gnupg"), allowWrite("~")}), ir::Runtime::Srt);
  EXPECT_EQ(decide(p, "/home/user/.ssh/id_rsa", Read), Allow);
  EXPECT_EQ(decide(p, "/home/user/.gnupg/x", Read), Deny); // a deny beneath the write root keeps its mount
  EXPECT_EQ(decide(p, "/home/user/.ssh/id_rsa", Read, ir::Platform::MacOS), Deny);
  // The re-exposure is looser: the finding about the open path reports it.
  // The one mechanic is the deny beneath the write root: a tmpfs there.
  ASSERT_EQ(p.runtimeMechanics.size(), 1u);
  EXPECT_NE(p.runtimeMechanics[0].message.find("~/.gnupg"), std::string::npos);
  EXPECT_EQ(decide(p, "/home/user/.gnupg/x", Write), Deny);
}

TEST(RuntimeSemantics, ReadDeniedPathInsideAWriteRootCannotBeWritten) {
  ir::Policy p = judged(policyOf({allowWrite("."), denyRead("./secrets")}), ir::Runtime::Srt);
  EXPECT_EQ(decide(p, std::string(Cwd) + "/secrets/x", Write), Deny);
  EXPECT_EQ(decide(p, std::string(Cwd) + "/secrets/x", Write, ir::Platform::MacOS), Allow);
  EXPECT_EQ(decide(p, std::string(Cwd) + "/src/x", Write), Allow);
  ASSERT_EQ(p.runtimeMechanics.size(), 1u);
  EXPECT_FALSE(p.runtimeMechanics[0].looser);
}

TEST(RuntimeSemantics, AllowReadCarveOutIsBoundReadOnlyOverAWriteRoot) {
  // The write root is an ancestor of the deny: the deny's tmpfs goes over it
  // and the carve-out is bound back read-only.
  ir::Policy p = judged(policyOf({denyRead("~/.config"), allowRead("~/.config/tool"), allowWrite("~")}),
                        ir::Runtime::Srt);
  EXPECT_EQ(decide(p, "/home/user/.config/tool/x", Write), Deny);
  EXPECT_EQ(decide(p, "/home/user/other", Write), Allow);
  EXPECT_EQ(decide(p, "/home/user/.config/tool/x", Write, ir::Platform::MacOS), Allow);
  // A write root at or under the deny is bound back after the tmpfs, and srt
  // then skips the carve-out's read-only bind (pushReadDenyDirMounts).
  ir::Policy rebound = judged(
      policyOf({denyRead("~/.config"), allowRead("~/.config/tool"), allowWrite("~/.config")}), ir::Runtime::Srt);
  EXPECT_EQ(decide(rebound, "/home/user/.config/tool/x", Write), Allow);
  ir::Policy project = judged(policyOf({denyRead("~/"), allowRead("."), allowWrite(".")}), ir::Runtime::Srt);
  EXPECT_EQ(decide(project, std::string(Cwd) + "/README.md", Write), Allow);
}

TEST(RuntimeSemantics, UnixSocketAllowsHoldOnMacosOnly) {
  ir::Policy p = policyOf({});
  ir::UnixSocketRule u;
  std::string error;
  u.path = *fs::parsePathPattern("/var/run/docker.sock", false, "", error);
  p.unixSockets.push_back(u);
  ir::Policy srt = judged(p, ir::Runtime::Srt);
  std::string why;
  auto onLinux = eval::Evaluator::create(srt, test::modelBindings(), ir::Platform::Linux, why);
  auto onMac = eval::Evaluator::create(srt, test::modelBindings(), ir::Platform::MacOS, why);
  EXPECT_FALSE(onLinux->unixSocketAllowed("/var/run/docker.sock"));
  EXPECT_TRUE(onMac->unixSocketAllowed("/var/run/docker.sock"));
  EXPECT_EQ(srt.runtimeMechanics.size(), 1u);
  // allowAllUnixSockets opens them all: nothing to explain.
  p.options.set(ir::OptionId::AllowAllUnixSockets, ir::OptionSetting{true, {}});
  EXPECT_TRUE(judged(p, ir::Runtime::Srt).runtimeMechanics.empty());
}

TEST(RuntimeSemantics, FileWrittenForMacosIsJudgedThere) {
  EXPECT_EQ(sema::writtenForPlatform(policyOf({allowWrite("/Users/dev/proj")})), ir::Platform::MacOS);
  EXPECT_EQ(sema::writtenForPlatform(policyOf({denyRead("/private/etc/x")})), ir::Platform::MacOS);
  EXPECT_EQ(sema::writtenForPlatform(policyOf({allowWrite("~/Library/Caches/x")})), ir::Platform::MacOS);
  EXPECT_EQ(sema::writtenForPlatform(policyOf({allowWrite("~/proj")})), ir::Platform::Linux);
  // moat's own protections are no hint.
  EXPECT_EQ(sema::writtenForPlatform(policyOf({})), ir::Platform::Linux);
}

TEST(RuntimeSemantics, ParseRuntime) {
  EXPECT_EQ(sema::parseRuntime("srt"), ir::Runtime::Srt);
  EXPECT_EQ(sema::parseRuntime("claude"), ir::Runtime::Claude);
  EXPECT_EQ(sema::parseRuntime("moat"), ir::Runtime::Moat);
  EXPECT_FALSE(sema::parseRuntime("docker"));
}
