// The exit sweep (runtime/ExitSweep.h) on a scratch launch directory: what
// a run leaves that would run code outside the sandbox is moved to the
// quarantine, what a plain `git init` leaves stays, and nothing outside the
// launch and home directories is touched.
#include "runtime/CodeRunningFiles.h"
#include "runtime/ExitSweep.h"
#include "RuntimeSweepTestSupport.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

namespace fsys = std::filesystem;
using namespace moat;
using namespace moat::runtime;
using namespace moat::test_support;

TEST(RuntimeCodeRunningFiles, GitConfigKeysThatRunCommands) {
  EXPECT_EQ(commandRunningGitKey("[core]\n\trepositoryformatversion = 0\n\tbare = false\n"), "");
  EXPECT_EQ(commandRunningGitKey("[core]\n\tfsmonitor = echo pwned\n"), "core.fsmonitor");
  EXPECT_EQ(commandRunningGitKey("[CORE]\n  HooksPath = /x\n"), "core.hookspath");
  EXPECT_EQ(commandRunningGitKey("[filter \"lfs\"]\n\tsmudge = git-lfs smudge\n"), "filter.\"lfs\".smudge");
  EXPECT_EQ(commandRunningGitKey("[alias]\n\tco = checkout\n"), "");
  EXPECT_EQ(commandRunningGitKey("[alias]\n\tx = !sh -c id\n"), "alias.x");
  EXPECT_EQ(commandRunningGitKey("[core] sshCommand = ssh -oProxyCommand=x\n"), "core.sshcommand");
  EXPECT_EQ(commandRunningGitKey("[submodule \"m\"]\n\tpath = m\n\turl = ../m\n"), "");
  EXPECT_EQ(commandRunningGitKey("[submodule \"m\"]\n\tupdate = !rm -rf ~\n"), "submodule.\"m\".update");
  // What cannot be read as git config is not trusted.
  EXPECT_NE(commandRunningGitKey("fsmonitor = x\n"), "");
  EXPECT_NE(commandRunningGitKey("[core\n"), "");
}

TEST(RuntimeExitSweep, QuarantinesNewCodeRunningFilesAndKeepsAPlainRepository) {
  SweepScratch s;
  SweepPolicy p(kSweepPolicy, s);
  std::string cwd = s.root + "/cwd";
  // Before the launch: an old settings file (the plan protected it).
  writeFile(cwd + "/old/.vscode/settings.json", "{}");
  SweepRequest request;
  request.writeRoots = {cwd, s.root + "/shared"};
  request.sweptAreas = {cwd, s.root + "/home"};
  request.quarantineDir = s.root + "/quarantine";
  // Past the coarse clock's tick, so the old file predates the launch.
  ::usleep(20000);
  ::clock_gettime(CLOCK_REALTIME_COARSE, &request.launchedAt);
  ::usleep(20000);
  // During the run.
  writeFile(cwd + "/sub/.git/config", "[core]\n\trepositoryformatversion = 0\n");
  writeFile(cwd + "/sub/.git/hooks/pre-commit.sample", "#!/bin/sh\n");
  writeFile(cwd + "/sub/.git/hooks/pre-commit", "#!/bin/sh\necho pwned\n");
  writeFile(cwd + "/evil/.git/config", "[core]\n\tfsmonitor = touch /tmp/pwned\n");
  writeFile(cwd + "/v/.vscode/tasks.json", "{}");
  writeFile(cwd + "/deep/a/b/c/.mcp.json", "{}");
  writeFile(cwd + "/notes.txt", "fine");
  writeFile(s.root + "/shared/other/.git/hooks/post-checkout", "#!/bin/sh\n"); // not a swept area
  SweepResult result = sweepWriteRoots(request, *p.evaluator, nullptr);

  auto gone = [&](const std::string &rel) {
    return !fsys::exists(cwd + rel) && fsys::exists(request.quarantineDir + cwd + rel);
  };
  EXPECT_TRUE(gone("/sub/.git/hooks/pre-commit"));
  EXPECT_TRUE(gone("/evil/.git/config"));
  EXPECT_TRUE(gone("/v/.vscode/tasks.json"));
  EXPECT_TRUE(gone("/deep/a/b/c/.mcp.json"));
  EXPECT_TRUE(fsys::exists(cwd + "/sub/.git/config"));
  EXPECT_TRUE(fsys::exists(cwd + "/sub/.git/hooks/pre-commit.sample"));
  EXPECT_TRUE(fsys::exists(cwd + "/notes.txt"));
  EXPECT_TRUE(fsys::exists(cwd + "/old/.vscode/settings.json"));
  EXPECT_TRUE(fsys::exists(s.root + "/shared/other/.git/hooks/post-checkout"));
  EXPECT_EQ(result.quarantined.size(), 4u);
  EXPECT_TRUE(result.failures.empty());
}

TEST(RuntimeExitSweep, KeepsEmptyFiles) {
  // What a bubblewrap placeholder is; a concurrent run may have it mounted.
  SweepScratch s;
  SweepPolicy p(kSweepPolicy, s);
  std::string cwd = s.root + "/cwd";
  SweepRequest request;
  request.writeRoots = {cwd};
  request.sweptAreas = {cwd};
  request.quarantineDir = s.root + "/quarantine";
  writeFile(cwd + "/.mcp.json", "");
  writeFile(cwd + "/sub/.git/hooks/pre-commit", "");
  SweepResult result = sweepWriteRoots(request, *p.evaluator, nullptr);
  EXPECT_TRUE(result.quarantined.empty());
  EXPECT_TRUE(fsys::exists(cwd + "/.mcp.json"));
  EXPECT_TRUE(fsys::exists(cwd + "/sub/.git/hooks/pre-commit"));
}

TEST(RuntimeExitSweep, TheMoveNeverFollowsALinkBelowTheRoot) {
  // A command still running (the live watcher's case) swaps a directory
  // above a hook for a link to the user's files: nothing there is moved.
  SweepScratch s;
  std::string cwd = s.root + "/cwd";
  writeFile(s.root + "/home/project/.git/hooks/pre-commit", "#!/bin/sh\n");
  fsys::create_symlink(s.root + "/home/project", cwd + "/sub");
  SweepRequest request;
  request.writeRoots = {cwd};
  request.sweptAreas = {cwd};
  request.quarantineDir = s.root + "/quarantine";
  SweepResult result;
  quarantineIfCodeRunning(request, cwd, cwd + "/sub/.git/hooks/pre-commit", nullptr, result);
  EXPECT_TRUE(fsys::exists(s.root + "/home/project/.git/hooks/pre-commit"));
  EXPECT_TRUE(result.quarantined.empty());
  EXPECT_EQ(result.failures.size(), 1u);
}

TEST(RuntimeExitSweep, SweepsOnlyTheWriteRootsInsideTheLaunchAndHomeDirectories) {
  SweepRequest r;
  r.writeRoots = {"/", "/home/u/proj/build", "/tmp"};
  r.sweptAreas = {"/home/u/proj", "/home/u"};
  EXPECT_EQ(sweepRoots(r), std::vector<std::string>{"/home/u"});
  r.writeRoots = {"/home/u/proj", "/tmp", "/home/u/.cache"};
  EXPECT_EQ(sweepRoots(r), (std::vector<std::string>{"/home/u/proj", "/home/u/.cache"}));
}
