#include "runtime/platform/linux/Bridge.h"

#include "runtime/platform/linux/ControlChannel.h"
#include "runtime/Relay.h"

#include <asio.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <memory>
#include <net/if.h>
#include <netinet/in.h>
#include <optional>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace moat::runtime::linux_platform {

std::vector<std::string> bridgeCommand(const BridgeFds &fds, bool brokerUnixConnect,
                                       const std::vector<std::string> &command) {
  std::vector<std::string> argv = {
      "/proc/self/fd/" + std::to_string(fds.exe), "__bridge",
      "--control=" + std::to_string(fds.control), "--netdir=" + std::to_string(fds.netDir),
      "--filter=" + std::to_string(fds.filter),   "--exe=" + std::to_string(fds.exe),
  };
  if (brokerUnixConnect)
    argv.push_back("--broker");
  argv.push_back("--");
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
}

namespace {

// The signals the bridge leaves to the command (a terminal sends them to the
// whole foreground group; the launcher forwards the rest over the control
// channel): the bridge must outlive the command to report how it ended.
constexpr int kLeftToCommand[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE};

struct Arguments {
  BridgeFds fds;
  bool broker = false;
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
    else if (auto v = fdArgument(argv[i], "--netdir="))
      a.fds.netDir = *v;
    else if (auto v = fdArgument(argv[i], "--filter="))
      a.fds.filter = *v;
    else if (auto v = fdArgument(argv[i], "--exe="))
      a.fds.exe = *v;
    else if (std::strcmp(argv[i], "--broker") == 0)
      a.broker = true;
    else
      return std::nullopt;
  }
  if (i + 1 >= argc || a.fds.control < 0 || a.fds.netDir < 0 || a.fds.filter < 0)
    return std::nullopt;
  for (++i; i < argc; ++i)
    a.command.push_back(argv[i]);
  a.command.push_back(nullptr);
  return a;
}

void setCloexec(int fd) {
  if (fd >= 0)
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

[[noreturn]] void failSetup(int control, const std::string &what, int err) {
  ControlMessage m;
  m.type = ControlType::SetupFailed;
  m.value = err;
  std::strncpy(reinterpret_cast<char *>(m.data.data()), what.c_str(), m.data.size() - 1);
  sendControl(control, m);
  ::_exit(125);
}

std::optional<std::vector<sock_filter>> readFilter(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size <= 0 || st.st_size % sizeof(sock_filter) != 0 ||
      static_cast<size_t>(st.st_size) / sizeof(sock_filter) > BPF_MAXINSNS)
    return std::nullopt;
  std::vector<sock_filter> program(static_cast<size_t>(st.st_size) / sizeof(sock_filter));
  if (::pread(fd, program.data(), static_cast<size_t>(st.st_size), 0) != st.st_size)
    return std::nullopt;
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
  if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || ::listen(fd, 1024) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// The child: confined by the filter, then the command.
[[noreturn]] void execCommand(const Arguments &a, const std::vector<sock_filter> &program, int execErrorPipe) {
  for (int sig : kLeftToCommand)
    ::signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    failSetup(a.fds.control, "no_new_privs", errno);
  sock_fprog prog{static_cast<unsigned short>(program.size()), const_cast<sock_filter *>(program.data())};
  unsigned flags = a.broker ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
  long listener = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (listener < 0)
    failSetup(a.fds.control, "loading the seccomp filter", errno);
  if (a.broker) {
    ControlMessage m;
    m.type = ControlType::Listener;
    if (!sendControl(a.fds.control, m, static_cast<int>(listener)))
      failSetup(a.fds.control, "handing over the seccomp listener", errno);
    ::close(static_cast<int>(listener));
  }
  ::close(a.fds.netDir);
  ::close(a.fds.filter);
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

// One client connection carried to the proxy: the two sockets and the
// relay between them, alive while a handler of the relay is pending.
class Tunnel : public std::enable_shared_from_this<Tunnel> {
public:
  Tunnel(Socket client, Socket upstream) : client_(std::move(client)), upstream_(std::move(upstream)) {}

  void start() {
    relay_ = std::make_unique<Relay>(client_, upstream_, up_, down_, [this] { finish(); });
    auto self = shared_from_this();
    relay_->startDown(self);
    relay_->startUp(self, "");
  }

private:
  void finish() {
    relay_->close();
    asio::error_code ignored;
    client_.close(ignored);
    upstream_.close(ignored);
  }

  Socket client_, upstream_;
  std::atomic<uint64_t> up_{0}, down_{0};
  std::unique_ptr<Relay> relay_;
};

class Relays {
public:
  Relays(asio::io_context &io, const Arguments &a, const std::array<unsigned char, 32> &credential)
      : io_(io), credential_(credential),
        proxyPath_("/proc/self/fd/" + std::to_string(a.fds.netDir) + "/proxy.sock") {}

  void serve(int listenFd) {
    auto acceptor = std::make_shared<asio::ip::tcp::acceptor>(io_, asio::ip::tcp::v4(), listenFd);
    accept(acceptor);
  }

private:
  void accept(std::shared_ptr<asio::ip::tcp::acceptor> acceptor) {
    acceptor->async_accept([this, acceptor](const asio::error_code &ec, asio::ip::tcp::socket client) {
      if (ec == asio::error::operation_aborted)
        return;
      if (!ec)
        connectOut(std::move(client));
      accept(acceptor);
    });
  }

  void connectOut(asio::ip::tcp::socket tcp) {
    asio::error_code ec;
    // Without it the last segment of a response waits for the client's
    // delayed ACK (Nagle): ~40 ms on every download through the bridge.
    tcp.set_option(asio::ip::tcp::no_delay(true), ec);
    auto client = std::make_shared<Socket>(io_, asio::generic::stream_protocol(AF_INET, IPPROTO_TCP),
                                           tcp.release(ec));
    if (ec)
      return;
    auto up = std::make_shared<Socket>(io_);
    asio::generic::stream_protocol::endpoint proxy{asio::local::stream_protocol::endpoint{proxyPath_}};
    up->async_connect(proxy, [this, client, up](const asio::error_code &cec) {
      if (cec)
        return; // the proxy is gone: the client's connection closes, nothing gets out
      asio::async_write(*up, asio::buffer(credential_), [client, up](const asio::error_code &wec, size_t) {
        if (!wec)
          std::make_shared<Tunnel>(std::move(*client), std::move(*up))->start();
      });
    });
  }

  asio::io_context &io_;
  const std::array<unsigned char, 32> &credential_;
  std::string proxyPath_;
};

} // namespace

int runBridge(int argc, char **argv) {
  auto parsed = parse(argc, argv);
  if (!parsed) {
    ::write(2, "moat __bridge: started wrongly (it is moat run's own helper)\n", 61);
    return 125;
  }
  Arguments &a = *parsed;
  for (int fd : {a.fds.control, a.fds.netDir, a.fds.filter})
    setCloexec(fd);
  if (a.fds.exe >= 0)
    ::close(a.fds.exe);
  // Undumpable: the command (same uid, same namespaces) can then neither
  // ptrace the bridge nor reach its descriptors through /proc/PID/fd.
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

  int ignoredFd = -1;
  auto hello = receiveControl(a.fds.control, ignoredFd);
  if (!hello || hello->type != ControlType::Credential)
    failSetup(a.fds.control, "receiving the session credential", EPROTO);
  std::array<unsigned char, 32> credential{};
  std::memcpy(credential.data(), hello->data.data(), credential.size());

  if (!onlyLoopback())
    failSetup(a.fds.control, "the sandbox has a network interface besides loopback", EPERM);
  auto program = readFilter(a.fds.filter);
  if (!program)
    failSetup(a.fds.control, "reading the seccomp filter", EINVAL);
  int httpFd = listenLoopback(kBridgeHttpPort), socksFd = listenLoopback(kBridgeSocksPort);
  if (httpFd < 0 || socksFd < 0)
    failSetup(a.fds.control, "listening on 127.0.0.1 inside the sandbox", errno);

  for (int sig : kLeftToCommand)
    ::signal(sig, SIG_IGN);
  asio::io_context io;
  asio::signal_set childExit(io, SIGCHLD);

  int execPipe[2];
  if (::pipe2(execPipe, O_CLOEXEC) != 0)
    failSetup(a.fds.control, "pipe", errno);
  pid_t child = ::fork();
  if (child < 0)
    failSetup(a.fds.control, "fork", errno);
  if (child == 0) {
    ::close(httpFd);
    ::close(socksFd);
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

  // Signals the launcher passes on.
  std::thread signals([&a, child] {
    int fd = -1;
    while (auto m = receiveControl(a.fds.control, fd)) {
      if (fd >= 0)
        ::close(fd);
      if (m->type == ControlType::Signal && m->value > 0 && m->value < NSIG)
        ::kill(child, m->value);
    }
  });
  signals.detach();

  Relays relays(io, a, credential);
  relays.serve(httpFd);
  relays.serve(socksFd);
  int status = 125;
  std::function<void()> waitChild = [&] {
    childExit.async_wait([&](const asio::error_code &ec, int) {
      if (ec)
        return;
      int wstatus = 0;
      pid_t r = ::waitpid(child, &wstatus, WNOHANG);
      if (r == child) {
        status = statusOf(wstatus);
        io.stop();
        return;
      }
      waitChild();
    });
  };
  waitChild();
  // The child may have ended before the handler was in place.
  int wstatus = 0;
  if (::waitpid(child, &wstatus, WNOHANG) == child)
    status = statusOf(wstatus);
  else
    io.run();
  ControlMessage exited;
  exited.type = ControlType::Exited;
  exited.value = status;
  sendControl(a.fds.control, exited);
  // Connections still open die with the sandbox; no destructors to wait for.
  ::_exit(status);
}

} // namespace moat::runtime::linux_platform
