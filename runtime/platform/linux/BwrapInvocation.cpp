#include "runtime/platform/linux/BwrapInvocation.h"

#include "backends/bwrap/Render.h"
#include "runtime/ProxyEnvironment.h"
#include "runtime/FullIo.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <spawn.h>
#include <unistd.h>

namespace moat::runtime::linux_platform {

UniqueFd sealedMemfd(const char *name, std::string_view bytes, std::string &error) {
  UniqueFd fd(static_cast<int>(::memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING)));
  if (!fd) {
    error = std::string("memfd_create: ") + std::strerror(errno);
    return UniqueFd();
  }
  if (!writeAll(fd.get(), bytes.data(), bytes.size())) {
    error = std::string("writing a memfd: ") + std::strerror(errno);
    return UniqueFd();
  }
  ::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
  // Readers that read(2) rather than pread(2) (bubblewrap's --args) start
  // at the offset the writes left: rewind, or they see nothing.
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) {
    error = std::string("lseek: ") + std::strerror(errno);
    return UniqueFd();
  }
  return fd;
}

UniqueFd high(UniqueFd fd) {
  if (!fd)
    return fd;
  return UniqueFd(::fcntl(fd.get(), F_DUPFD_CLOEXEC, 100));
}

std::string bwrapArguments(const backends::bwrap::Plan &plan, const LaunchRequest &request,
                           const std::string &runtimeBase, const std::string &emptyFile,
                           const eval::Evaluator &evaluator,
                           const std::vector<std::pair<std::string, std::string>> &extraEnv,
                           const std::vector<std::string> &unsetEnv) {
  backends::bwrap::RenderOptions render;
  render.placeholderFile = emptyFile; // readable as empty (Render.h)
  render.newSession = false;          // the terminal is kept; seccomp refuses TIOCSTI
  std::vector<backends::bwrap::ArgGroup> groups = backends::bwrap::argumentGroups(plan, render);
  // Other sessions' directories (their placeholder lists) stay out of
  // sight even where the policy lets the sandbox read or write /tmp.
  if (evaluator.decide(runtimeBase, ir::Access::Read).effect == ir::Effect::Allow)
    groups.push_back({"--tmpfs", runtimeBase});
  std::string http = fmt::format("http://127.0.0.1:{}", kBridgeHttpPort);
  std::string socks = fmt::format("socks5h://127.0.0.1:{}", kBridgeSocksPort);
  for (const auto &[name, value] : proxyEnvironment(http, socks))
    groups.push_back({"--setenv", name, value});
  for (const std::string &name : launcherOnlyVariables())
    groups.push_back({"--unsetenv", name});
  // git over ssh: ssh cannot speak SOCKS, so its ProxyCommand is moat's own
  // SOCKS client, when the sandbox can see the moat executable at all.
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    std::string self(exe, static_cast<size_t>(n));
    if (evaluator.decide(self, ir::Access::Read).effect == ir::Effect::Allow)
      groups.push_back({"--setenv", "GIT_SSH_COMMAND",
                        fmt::format("ssh -o ProxyCommand={}", backends::bwrap::shellQuote(fmt::format(
                                        "{} __connect 127.0.0.1:{} %h %p",
                                        backends::bwrap::shellQuote(self), kBridgeSocksPort)))});
  }
  for (const std::string &name : unsetEnv)
    groups.push_back({"--unsetenv", name});
  for (const auto &[name, value] : extraEnv)
    groups.push_back({"--setenv", name, value});
  if (auto cwd = request.bindings.lookup("CWD"))
    groups.push_back({"--chdir", *cwd});
  return backends::bwrap::renderNul(groups);
}

namespace {

// execvp's search, done once in the parent: a PATH with many directories
// before bubblewrap's (a developer's shims) would otherwise cost a failed
// execve each, in the child, on every start. Not found: the name itself,
// for execvp to fail on as it would.
std::string findExecutable(const std::string &name) {
  const char *path = std::getenv("PATH");
  if (name.find('/') != std::string::npos || !path)
    return name;
  std::string dirs = path;
  for (size_t start = 0; start <= dirs.size();) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos)
      end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    start = end + 1;
  }
  return name;
}

} // namespace

pid_t spawnBwrap(ChildFds &fds, const std::vector<std::string> &argv, std::string &error) {
  std::string program = findExecutable(argv.at(0));
  std::vector<char *> cargv;
  for (const std::string &a : argv)
    cargv.push_back(const_cast<char *>(a.c_str()));
  cargv.push_back(nullptr);
  // posix_spawn (a vfork underneath): the launcher's memory is not copied
  // for a child that only sets its descriptors and execs.
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  if (fds.stdinFd > 0)
    posix_spawn_file_actions_adddup2(&actions, fds.stdinFd, 0);
  posix_spawn_file_actions_adddup2(&actions, fds.args.get(), kArgsFd);
  posix_spawn_file_actions_adddup2(&actions, fds.control.get(), kBridgeFds.control);
  posix_spawn_file_actions_adddup2(&actions, fds.exe.get(), kBridgeFds.exe);
  posix_spawn_file_actions_addclosefrom_np(&actions, kFirstClosedFd);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE); // the launcher ignores it; the command must not inherit that
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  int err = ::posix_spawn(&pid, program.c_str(), &actions, &attributes, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (err == 0)
    return pid;
  error = err == ENOENT ? "bubblewrap (bwrap) was not found; install it (Debian/Ubuntu: apt-get install bubblewrap)"
                        : "cannot start bubblewrap (" + program + "): " + std::strerror(err);
  return -1;
}

} // namespace moat::runtime::linux_platform
