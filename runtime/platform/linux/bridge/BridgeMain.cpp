// The bridge program (Bridge.h says what it does): a small static
// executable of its own, built without the rest of moat and embedded in the
// moat binary (BridgeImage.cpp), because it starts on every `moat run` and
// inside the sandbox's fresh mount namespace: executing it costs a fraction
// of a millisecond, where moat itself, a large dynamically linked C++
// program, costs several. It uses nothing but libc and the control channel.
#include "runtime/platform/linux/Bridge.h"
#include "runtime/platform/linux/ControlChannel.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace moat::runtime::linux_platform {

namespace {

// The signals the bridge leaves to the command (a terminal sends them to the
// whole foreground group; the launcher forwards the rest over the control
// channel): the bridge must outlive the command to report how it ended.
constexpr int kLeftToCommand[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE};

struct Arguments {
  BridgeFds fds;
  std::vector<char *> command; // NUL-terminated argv
};

std::optional<int> fdArgument(const char *arg, const char *prefix) {
  size_t n = std::strlen(prefix);
  if (std::strncmp(arg, prefix, n) != 0)
    return std::nullopt;
  char *end = nullptr;
  long v = std::strtol(arg + n, &end, 10);
  if (*end || v < 0 || v > 1 << 20)
    return std::nullopt;
  return static_cast<int>(v);
}

std::optional<Arguments> parse(int argc, char **argv) {
  Arguments a;
  int i = 2;
  for (; i < argc && std::strcmp(argv[i], "--") != 0; ++i) {
    if (auto v = fdArgument(argv[i], "--control="))
      a.fds.control = *v;
    else if (auto v = fdArgument(argv[i], "--exe="))
      a.fds.exe = *v;
    else
      return std::nullopt;
  }
  if (i + 1 >= argc || a.fds.control < 0)
    return std::nullopt;
  for (++i; i < argc; ++i)
    a.command.push_back(argv[i]);
  a.command.push_back(nullptr);
  return a;
}

[[noreturn]] void failSetup(int control, const char *what, int err) {
  ControlMessage m;
  m.type = ControlType::SetupFailed;
  m.value = err;
  std::strncpy(reinterpret_cast<char *>(m.data.data()), what, m.data.size() - 1);
  sendControl(control, m);
  ::_exit(125);
}

struct Program {
  std::vector<sock_filter> instructions;
  bool broker = false;
};

// The launcher sends the program once the proxy serves the listeners;
// anything else first (or the channel closing) means no command runs.
std::optional<Program> receiveProgram(int control) {
  int fd = -1;
  auto m = receiveControl(control, fd);
  if (m && m->type == ControlType::Signal) {
    // Sent to moat while the sandbox was being made: nothing has run, and
    // nothing will.
    if (fd >= 0)
      ::close(fd);
    failSetup(control, "a signal arrived before the command started", EINTR);
  }
  if (!m || m->type != ControlType::Filter || fd < 0) {
    if (fd >= 0)
      ::close(fd);
    return std::nullopt;
  }
  struct stat st {};
  std::optional<Program> program;
  if (::fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size % sizeof(sock_filter) == 0 &&
      static_cast<size_t>(st.st_size) / sizeof(sock_filter) <= BPF_MAXINSNS) {
    program.emplace();
    program->instructions.resize(static_cast<size_t>(st.st_size) / sizeof(sock_filter));
    program->broker = m->value == 1;
    if (::pread(fd, program->instructions.data(), static_cast<size_t>(st.st_size), 0) != st.st_size)
      program.reset();
  }
  ::close(fd);
  return program;
}

// The sandbox's network namespace must be the empty one bubblewrap made:
// only a loopback interface. Anything else (a launcher bug, bubblewrap run
// without --unshare-net) would let the command past the proxy, so the
// bridge refuses to start it.
bool onlyLoopback() {
  struct if_nameindex *names = ::if_nameindex();
  if (!names)
    return false;
  bool ok = true;
  for (struct if_nameindex *i = names; i->if_index != 0; ++i)
    ok &= std::strcmp(i->if_name, "lo") == 0;
  ::if_freenameindex(names);
  return ok;
}

int listenLoopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || ::listen(fd, SOMAXCONN) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// The child: confined by the program, then the command.
[[noreturn]] void execCommand(const Arguments &a, const Program &program, int execErrorPipe) {
  for (int sig : kLeftToCommand)
    ::signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    failSetup(a.fds.control, "no_new_privs", errno);
  sock_fprog prog{static_cast<unsigned short>(program.instructions.size()),
                  const_cast<sock_filter *>(program.instructions.data())};
  unsigned flags = program.broker ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
  long listener = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (listener < 0)
    failSetup(a.fds.control, "loading the seccomp filter", errno);
  if (program.broker) {
    ControlMessage m;
    m.type = ControlType::Listener;
    if (!sendControl(a.fds.control, m, static_cast<int>(listener)))
      failSetup(a.fds.control, "handing over the seccomp listener", errno);
    ::close(static_cast<int>(listener));
  }
  ::execvp(a.command[0], a.command.data());
  int err = errno;
  (void)!::write(execErrorPipe, &err, sizeof err);
  ::_exit(err == ENOENT ? 127 : 126);
}

int statusOf(int wstatus) {
  if (WIFEXITED(wstatus))
    return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus))
    return 128 + WTERMSIG(wstatus);
  return 125;
}

// Until the command ends: signals from the launcher are passed on, and its
// end (SIGCHLD, taken through a signalfd) is reported.
[[noreturn]] void superviseCommand(int control, pid_t child, int childExit) {
  bool controlOpen = true;
  while (true) {
    pollfd fds[2] = {{childExit, POLLIN, 0}, {controlOpen ? control : -1, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR)
      break;
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info{};
      (void)!::read(childExit, &info, sizeof info);
      int wstatus = 0;
      if (::waitpid(child, &wstatus, WNOHANG) == child) {
        ControlMessage exited;
        exited.type = ControlType::Exited;
        exited.value = statusOf(wstatus);
        sendControl(control, exited);
        ::_exit(exited.value);
      }
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      int fd = -1;
      auto m = receiveControl(control, fd);
      if (fd >= 0)
        ::close(fd);
      if (!m)
        controlOpen = false; // the launcher is gone: the sandbox dies with it (bubblewrap)
      else if (m->type == ControlType::Signal && m->value > 0 && m->value < NSIG)
        ::kill(child, m->value);
    }
  }
  ::_exit(125);
}

int runBridge(int argc, char **argv) {
  auto parsed = parse(argc, argv);
  if (!parsed) {
    static const char usage[] = "moat's bridge: started wrongly (it is moat run's own helper)\n";
    (void)!::write(2, usage, sizeof usage - 1);
    return 125;
  }
  Arguments &a = *parsed;
  ::fcntl(a.fds.control, F_SETFD, FD_CLOEXEC);
  if (a.fds.exe >= 0)
    ::close(a.fds.exe);
  // Undumpable: the command (same uid, same namespaces) can then neither
  // ptrace the bridge nor reach its descriptors through /proc/PID/fd.
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

  if (!onlyLoopback())
    failSetup(a.fds.control, "the sandbox has a network interface besides loopback", EPERM);
  for (uint16_t port : {kBridgeHttpPort, kBridgeSocksPort}) {
    int fd = listenLoopback(port);
    if (fd < 0)
      failSetup(a.fds.control, "listening on 127.0.0.1 inside the sandbox", errno);
    ControlMessage m;
    m.type = ControlType::ProxyListener;
    m.value = port;
    if (!sendControl(a.fds.control, m, fd))
      failSetup(a.fds.control, "handing the proxy its listener", errno);
    ::close(fd); // the launcher's now: when it goes, so does the way out
  }
  auto program = receiveProgram(a.fds.control);
  if (!program)
    failSetup(a.fds.control, "receiving the seccomp filter", EPROTO);

  for (int sig : kLeftToCommand)
    ::signal(sig, SIG_IGN);
  sigset_t childExitSet;
  sigemptyset(&childExitSet);
  sigaddset(&childExitSet, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &childExitSet, nullptr);
  int childExit = ::signalfd(-1, &childExitSet, SFD_CLOEXEC);
  int execPipe[2];
  if (childExit < 0 || ::pipe2(execPipe, O_CLOEXEC) != 0)
    failSetup(a.fds.control, "signalfd or pipe", errno);
  pid_t child = ::fork();
  if (child < 0)
    failSetup(a.fds.control, "fork", errno);
  if (child == 0) {
    ::close(execPipe[0]);
    execCommand(a, *program, execPipe[1]);
  }
  ::close(execPipe[1]);
  int execErr = 0;
  ssize_t got;
  do
    got = ::read(execPipe[0], &execErr, sizeof execErr);
  while (got < 0 && errno == EINTR);
  ::close(execPipe[0]);
  ControlMessage started;
  started.type = got == sizeof execErr ? ControlType::ExecFailed : ControlType::Started;
  started.value = got == sizeof execErr ? execErr : 0;
  sendControl(a.fds.control, started);
  superviseCommand(a.fds.control, child, childExit);
}

} // namespace
} // namespace moat::runtime::linux_platform

int main(int argc, char **argv) { return moat::runtime::linux_platform::runBridge(argc, argv); }
