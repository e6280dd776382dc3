// The live watcher (runtime/platform/linux/WriteRootWatcher.h) on a scratch
// launch directory: what the command writes that would run code outside the
// sandbox is in the quarantine while the watcher still runs, not only after
// the exit sweep; what a plain run writes stays.
#include "runtime/platform/linux/WriteRootWatcher.h"

#include "RuntimeSweepTestSupport.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>
#include <unistd.h>

namespace fsys = std::filesystem;
using namespace moat;
using namespace moat::runtime;
using namespace moat::runtime::linux_platform;
using namespace moat::test_support;

namespace {

struct Watching {
  SweepScratch scratch;
  SweepPolicy policy{kSweepPolicy, scratch};
  std::string cwd = scratch.root + "/cwd";
  SweepRequest request;
  std::unique_ptr<WriteRootWatcher> watcher;

  // `before` runs ahead of the launch: what it writes predates the run.
  explicit Watching(const std::function<void(const std::string &cwd)> &before = [](const std::string &) {}) {
    before(cwd);
    request.writeRoots = {cwd, scratch.root + "/shared"};
    request.sweptAreas = {cwd, scratch.root + "/home"};
    request.quarantineDir = scratch.root + "/home/.local/state/moat/quarantine/1-1";
    ::usleep(20000); // past the coarse clock's tick
    ::clock_gettime(CLOCK_REALTIME_COARSE, &request.launchedAt);
    ::usleep(20000);
    watcher = std::make_unique<WriteRootWatcher>(request, *policy.evaluator, nullptr);
    EXPECT_TRUE(watcher->start());
  }
  ~Watching() { watcher->stop(); }

  // Moved to the quarantine by the running watcher, waiting up to 2 s.
  bool quarantined(const std::string &rel) const {
    for (int i = 0; i < 200; ++i) {
      if (!fsys::exists(fsys::symlink_status(cwd + rel)) && fsys::exists(request.quarantineDir + cwd + rel))
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
};

} // namespace

TEST(RuntimeWriteRootWatcher, QuarantinesCodeRunningFilesWhileTheCommandRuns) {
  Watching w;
  // The watcher sets its watches up on its own thread: a new repository
  // made meanwhile is caught by its scan of the new directory or by events.
  writeFile(w.cwd + "/sub/.git/hooks/pre-commit", "#!/bin/sh\necho pwned\n");
  std::error_code gone; // the watcher may have moved it already
  fsys::permissions(w.cwd + "/sub/.git/hooks/pre-commit", fsys::perms::owner_exec, fsys::perm_options::add, gone);
  writeFile(w.cwd + "/sub/.git/hooks/pre-commit.sample", "#!/bin/sh\n");
  writeFile(w.cwd + "/evil/.git/config", "[core]\n\tfsmonitor = touch /tmp/pwned\n");
  writeFile(w.cwd + "/a/b/c/.vscode/tasks.json", "{}");
  writeFile(w.cwd + "/src/main.c", "int main(void) { return 0; }\n");
  fsys::create_symlink("/bin/true", w.cwd + "/sub/.git/hooks/post-checkout");

  EXPECT_TRUE(w.quarantined("/sub/.git/hooks/pre-commit"));
  EXPECT_TRUE(w.quarantined("/evil/.git/config"));
  EXPECT_TRUE(w.quarantined("/a/b/c/.vscode/tasks.json"));
  EXPECT_TRUE(w.quarantined("/sub/.git/hooks/post-checkout"));
  EXPECT_TRUE(fsys::exists(w.cwd + "/src/main.c"));
  EXPECT_TRUE(fsys::exists(w.cwd + "/sub/.git/hooks/pre-commit.sample"));
  w.watcher->stop();
  EXPECT_EQ(w.watcher->result().quarantined.size(), 4u);
  EXPECT_TRUE(w.watcher->result().failures.empty());
}

TEST(RuntimeWriteRootWatcher, AGitConfigThatTurnsBadIsCaughtWhenRewritten) {
  Watching w;
  writeFile(w.cwd + "/sub/.git/config", "[core]\n\tbare = false\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(fsys::exists(w.cwd + "/sub/.git/config"));
  writeFile(w.cwd + "/sub/.git/config", "[core]\n\tbare = false\n\tfsmonitor = sh -c id\n");
  EXPECT_TRUE(w.quarantined("/sub/.git/config"));
}

TEST(RuntimeWriteRootWatcher, AChmodOfAnOlderFileIsAChange) {
  // Written before the launch, so neither the watcher's first scan nor the
  // sweep's ctime rule takes it; the chmod during the run (IN_ATTRIB) does.
  Watching w([](const std::string &cwd) { writeFile(cwd + "/old/.git/hooks/post-merge", "#!/bin/sh\n"); });
  std::string hook = w.cwd + "/old/.git/hooks/post-merge";
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(fsys::exists(hook));
  fsys::permissions(hook, fsys::perms::owner_exec, fsys::perm_options::add);
  EXPECT_TRUE(w.quarantined("/old/.git/hooks/post-merge"));
}

TEST(RuntimeWriteRootWatcher, ADirectoryMovedInIsScanned) {
  Watching w;
  // Prepared outside the swept areas (the shared directory, like /tmp),
  // then moved into the launch directory in one rename.
  std::string prepared = w.scratch.root + "/shared/repo";
  writeFile(prepared + "/.git/hooks/post-checkout", "#!/bin/sh\necho pwned\n");
  writeFile(prepared + "/README", "hello\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(fsys::exists(prepared + "/.git/hooks/post-checkout")); // not a swept area
  fsys::rename(prepared, w.cwd + "/repo");
  EXPECT_TRUE(w.quarantined("/repo/.git/hooks/post-checkout"));
  EXPECT_TRUE(fsys::exists(w.cwd + "/repo/README"));
}

TEST(RuntimeWriteRootWatcher, AnEmptyFileStays) {
  // What a bubblewrap placeholder is: moving it would detach its mount.
  Watching w;
  writeFile(w.cwd + "/.mcp.json", "");
  writeFile(w.cwd + "/.mcp.json.canary/.mcp.json", "{}");
  EXPECT_TRUE(w.quarantined("/.mcp.json.canary/.mcp.json"));
  EXPECT_TRUE(fsys::exists(w.cwd + "/.mcp.json"));
}

TEST(RuntimeWriteRootWatcher, TheSamePathQuarantinedTwiceKeepsBoth) {
  Watching w;
  writeFile(w.cwd + "/sub/.git/hooks/pre-push", "#!/bin/sh\necho one\n");
  EXPECT_TRUE(w.quarantined("/sub/.git/hooks/pre-push"));
  writeFile(w.cwd + "/sub/.git/hooks/pre-push", "#!/bin/sh\necho two\n");
  EXPECT_TRUE(w.quarantined("/sub/.git/hooks/pre-push.1"));
  EXPECT_FALSE(fsys::exists(w.cwd + "/sub/.git/hooks/pre-push"));
}
