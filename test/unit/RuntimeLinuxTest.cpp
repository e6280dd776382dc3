// The Linux launcher's pieces that need no sandbox: the session directory
// and its stale-session cleanup, the path walk the unix-socket broker
// decides on, the control channel, and the event log's lines. The sandbox
// itself is tested end to end in test/runtime.
#include "runtime/EventLog.h"
#include "runtime/platform/linux/ControlChannel.h"
#include "runtime/platform/linux/RuntimeDir.h"
#include "runtime/platform/linux/SandboxPath.h"

#include <gtest/gtest.h>
#include <llvm/Support/JSON.h>

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fsys = std::filesystem;
using namespace moat::runtime;
using namespace moat::runtime::linux_platform;

namespace {

class ScratchDir {
public:
  ScratchDir() {
    std::string tmpl = (fsys::temp_directory_path() / "moat-rt-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~ScratchDir() { fsys::remove_all(path_); }
  const std::string &path() const { return path_; }

private:
  std::string path_;
};

void touch(const std::string &path) { std::ofstream(path).put('x'); }

} // namespace

TEST(RuntimeSandboxPath, WalksLinksInsideTheRootAndRecordsEverySpelling) {
  ScratchDir root;
  fsys::create_directories(root.path() + "/run/user");
  fsys::create_directories(root.path() + "/proj");
  touch(root.path() + "/run/user/app.sock");
  fsys::create_directory_symlink("/run", root.path() + "/var-run"); // absolute: restarts at the root
  fsys::create_symlink("../run/user/app.sock", root.path() + "/proj/link.sock");
  int rootFd = ::open(root.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(rootFd, 0);
  int err = 0;
  auto viaAbsolute = resolveInRoot(rootFd, "/var-run/user/app.sock", err);
  ASSERT_TRUE(viaAbsolute) << err;
  EXPECT_EQ(viaAbsolute->finalPath, "/run/user/app.sock");
  EXPECT_EQ(viaAbsolute->spellings.front(), "/var-run/user/app.sock");
  EXPECT_EQ(viaAbsolute->spellings.back(), "/run/user/app.sock");
  ::close(viaAbsolute->fd);

  auto viaRelative = resolveInRoot(rootFd, "/proj/link.sock", err);
  ASSERT_TRUE(viaRelative) << err;
  EXPECT_EQ(viaRelative->finalPath, "/run/user/app.sock");
  ::close(viaRelative->fd);

  // ".." never climbs above the process's root.
  auto above = resolveInRoot(rootFd, "/../../run/user/app.sock", err);
  ASSERT_TRUE(above);
  EXPECT_EQ(above->finalPath, "/run/user/app.sock");
  ::close(above->fd);
  ::close(rootFd);
}

TEST(RuntimeSandboxPath, FailsClosedOnLoopsMissingPathsAndRelativeNames) {
  ScratchDir root;
  fsys::create_symlink("/b", root.path() + "/a");
  fsys::create_symlink("/a", root.path() + "/b");
  int rootFd = ::open(root.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  int err = 0;
  EXPECT_FALSE(resolveInRoot(rootFd, "/a", err));
  EXPECT_EQ(err, ELOOP);
  EXPECT_FALSE(resolveInRoot(rootFd, "/missing/x.sock", err));
  EXPECT_EQ(err, ENOENT);
  EXPECT_FALSE(resolveInRoot(rootFd, "relative.sock", err));
  EXPECT_EQ(err, EINVAL);
  ::close(rootFd);
}

TEST(RuntimeControlChannel, CarriesMessagesAndOneDescriptor) {
  int pair[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair), 0);
  int pipeFds[2];
  ASSERT_EQ(::pipe(pipeFds), 0);
  ControlMessage out;
  out.type = ControlType::Listener;
  out.value = 42;
  out.data[0] = 7;
  ASSERT_TRUE(sendControl(pair[0], out, pipeFds[1]));
  int fd = -1;
  auto in = receiveControl(pair[1], fd);
  ASSERT_TRUE(in);
  EXPECT_EQ(in->type, ControlType::Listener);
  EXPECT_EQ(in->value, 42);
  EXPECT_EQ(in->data[0], 7);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "z", 1), 1); // the descriptor is the pipe's write end
  char c = 0;
  ASSERT_EQ(::read(pipeFds[0], &c, 1), 1);
  EXPECT_EQ(c, 'z');
  ::close(fd);
  ::close(pair[0]);
  int none = -1;
  EXPECT_FALSE(receiveControl(pair[1], none)); // end of stream
  ::close(pair[1]);
  ::close(pipeFds[0]);
  ::close(pipeFds[1]);
}

TEST(RuntimeDir, SessionIsPrivateAndLeavesNothingBehind) {
  ScratchDir scratch;
  ::setenv("XDG_RUNTIME_DIR", scratch.path().c_str(), 1);
  std::string session, placeholder = scratch.path() + "/placeholder", kept = scratch.path() + "/kept";
  {
    std::string error;
    auto dir = RuntimeDir::create(error);
    ASSERT_TRUE(dir) << error;
    session = dir->path();
    struct stat st {};
    ASSERT_EQ(::stat(dir->base().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    ASSERT_TRUE(dir->recordPlaceholders({placeholder, kept}, error)) << error;
    std::ofstream(placeholder).close(); // what bubblewrap leaves: an empty file
    touch(kept);                        // someone wrote here: not ours to remove
  }
  EXPECT_FALSE(fsys::exists(session));
  EXPECT_FALSE(fsys::exists(placeholder));
  EXPECT_TRUE(fsys::exists(kept));
  ::unsetenv("XDG_RUNTIME_DIR");
}

TEST(RuntimeDir, CleansSessionsWhoseOwnerIsProvablyDead) {
  ScratchDir scratch;
  ::setenv("XDG_RUNTIME_DIR", scratch.path().c_str(), 1);
  std::string placeholder = scratch.path() + "/left-behind";
  std::string deadSession;
  // A launcher killed outright: its session stays with a dead owner.
  pid_t child = ::fork();
  if (child == 0) {
    std::string error;
    auto dir = RuntimeDir::create(error);
    if (!dir || !dir->recordPlaceholders({placeholder}, error))
      ::_exit(1);
    std::ofstream(placeholder).close();
    std::ofstream(scratch.path() + "/session-name") << dir->path();
    ::_exit(0); // no destructors: as if killed
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  std::ifstream(scratch.path() + "/session-name") >> deadSession;
  ASSERT_TRUE(fsys::exists(deadSession));
  ASSERT_TRUE(fsys::exists(placeholder));
  std::string error;
  auto live = RuntimeDir::create(error); // cleans what the dead one left
  ASSERT_TRUE(live) << error;
  EXPECT_FALSE(fsys::exists(deadSession));
  EXPECT_FALSE(fsys::exists(placeholder));
  // A live session is never touched.
  EXPECT_EQ(RuntimeDir::cleanStale(live->base()), 0u);
  EXPECT_TRUE(fsys::exists(live->path()));
  ::unsetenv("XDG_RUNTIME_DIR");
}

TEST(RuntimeEventLog, LinesAreJsonWithTheDecidingFacts) {
  Event e;
  e.kind = "connect";
  e.target = "evil.example";
  e.port = 443;
  e.decision = "deny";
  e.rule = "policy.moat:3:5";
  e.reason = "no rule allows it";
  e.protocol = "socks5";
  std::string line = EventLog::line(e, 1234);
  ASSERT_EQ(line.back(), '\n');
  auto parsed = llvm::json::parse(line);
  ASSERT_TRUE(bool(parsed));
  const llvm::json::Object *o = parsed->getAsObject();
  EXPECT_EQ(o->getInteger("time_ms").getValueOr(0), 1234);
  EXPECT_EQ(o->getString("target"), llvm::StringRef("evil.example"));
  EXPECT_EQ(o->getInteger("port").getValueOr(0), 443);
  EXPECT_EQ(o->getString("decision"), llvm::StringRef("deny"));
  EXPECT_EQ(o->getString("rule"), llvm::StringRef("policy.moat:3:5"));
  // A target that is not UTF-8 (a path from the sandbox) still makes JSON.
  e.target = std::string("bad\xff", 4);
  EXPECT_TRUE(bool(llvm::json::parse(EventLog::line(e, 1))));
}
