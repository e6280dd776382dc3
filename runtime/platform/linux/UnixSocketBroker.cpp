#include "runtime/platform/linux/UnixSocketBroker.h"

#include "runtime/ProcessCommand.h"
#include "runtime/platform/linux/UniqueFd.h"

#include "runtime/platform/linux/SandboxPath.h"
#include "compiler/fs/PathPattern.h"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

namespace moat::runtime::linux_platform {
namespace {


// The notification is still pending: the process has not died and its pid
// was not recycled since the request was read.
bool stillValid(int listener, uint64_t id) { return ::ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0; }

int connectResult(int rc) { return rc == 0 ? 0 : -errno; }

} // namespace

UnixSocketBroker::UnixSocketBroker(int listener, const eval::Evaluator &evaluator, EventLog *log)
    : listener_(listener), evaluator_(evaluator), log_(log) {
  if (::pipe2(wake_, O_CLOEXEC) != 0)
    wake_[0] = wake_[1] = -1;
}

UnixSocketBroker::~UnixSocketBroker() {
  stop();
  for (int fd : {listener_, wake_[0], wake_[1]})
    if (fd >= 0)
      ::close(fd);
}

void UnixSocketBroker::start() { thread_ = std::thread([this] { serve(); }); }

void UnixSocketBroker::stop() {
  if (!thread_.joinable())
    return;
  if (wake_[1] >= 0)
    (void)!::write(wake_[1], "x", 1);
  thread_.join();
}

void UnixSocketBroker::serve() {
  seccomp_notif_sizes sizes{};
  if (::syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0)
    return;
  // The kernel's structures may be larger than this build's headers know.
  std::vector<unsigned char> buffer(std::max<size_t>(sizes.seccomp_notif, sizeof(seccomp_notif)));
  for (;;) {
    pollfd fds[2] = {{listener_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      return;
    }
    if (fds[1].revents)
      return;
    if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL))
      return; // every process under the filter has gone
    std::fill(buffer.begin(), buffer.end(), 0);
    auto *request = reinterpret_cast<seccomp_notif *>(buffer.data());
    if (::ioctl(listener_, SECCOMP_IOCTL_NOTIF_RECV, request) != 0)
      continue; // ENOENT: the process died while we waited
    handle(*request);
  }
}

void UnixSocketBroker::handle(const seccomp_notif &request) {
  seccomp_notif_resp response{};
  response.id = request.id;
  response.error = decideAndConnect(request);
  response.val = 0;
  response.flags = 0;
  ::ioctl(listener_, SECCOMP_IOCTL_NOTIF_SEND, &response); // ENOENT: it died meanwhile
}

int UnixSocketBroker::decideAndConnect(const seccomp_notif &request) {
  const uint64_t fdArg = request.data.args[0], addrPtr = request.data.args[1], addrLen = request.data.args[2];
  pid_t pid = static_cast<pid_t>(request.pid);
  sockaddr_storage address{};
  // connect(2) takes a socklen_t: the kernel reads the low 32 bits.
  uint32_t len = static_cast<uint32_t>(addrLen);
  if (len > sizeof address)
    return -EINVAL;
  if (len > 0) {
    iovec local{&address, len}, remote{reinterpret_cast<void *>(addrPtr), len};
    if (::process_vm_readv(pid, &local, 1, &remote, 1, 0) != static_cast<ssize_t>(len))
      return -EFAULT;
  }
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd || !stillValid(listener_, request.id))
    return -ESRCH;
  UniqueFd socket(static_cast<int>(::syscall(SYS_pidfd_getfd, pidfd.get(), static_cast<int>(fdArg), 0)));
  if (!socket)
    return -EBADF;
  int domain = 0;
  socklen_t domainLen = sizeof domain;
  if (::getsockopt(socket.get(), SOL_SOCKET, SO_DOMAIN, &domain, &domainLen) != 0)
    return -ENOTSOCK;
  auto *addr = reinterpret_cast<const sockaddr *>(&address);
  constexpr size_t kPathOffset = offsetof(sockaddr_un, sun_path);
  bool pathSocket = domain == AF_UNIX && len > kPathOffset && address.ss_family == AF_UNIX &&
                    reinterpret_cast<const sockaddr_un *>(&address)->sun_path[0] != '\0';
  if (!pathSocket)
    // Another family, an abstract name or an unnamed address: it stays in
    // the sandbox's own network namespace.
    return connectResult(::connect(socket.get(), addr, len));

  const char *raw = reinterpret_cast<const sockaddr_un *>(&address)->sun_path;
  std::string path(raw, ::strnlen(raw, len - kPathOffset));
  Event event;
  event.kind = "unix-socket";
  event.target = path;
  event.pid = pid;
  event.command = processCommand(pid);
  auto refuse = [&](const std::string &reason) {
    event.decision = "deny";
    event.reason = reason;
    if (log_)
      log_->record(event);
    return -EACCES;
  };
  if (path[0] != '/')
    return refuse("a relative socket path cannot be decided from outside the process; use an absolute path");
  auto lexical = fs::normaliseAbsolute(path);
  if (!lexical || !evaluator_.unixSocketAllowed(*lexical))
    return refuse("the policy does not allow this unix socket");

  UniqueFd root(::open(("/proc/" + std::to_string(pid) + "/root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root || !stillValid(listener_, request.id))
    return -ESRCH;
  int err = 0;
  auto resolved = resolveInRoot(root.get(), path, err);
  if (!resolved)
    return -err;
  UniqueFd target(resolved->fd);
  for (const std::string &spelling : resolved->spellings)
    if (!evaluator_.unixSocketAllowed(spelling)) {
      event.target = path + " -> " + spelling;
      return refuse("the path leads through a symbolic link to a socket the policy does not allow");
    }
  if (!evaluator_.unixSocketAllowed(resolved->finalPath)) {
    event.target = path + " -> " + resolved->finalPath;
    return refuse("the path leads to a socket the policy does not allow");
  }
  struct stat st {};
  if (::fstat(target.get(), &st) != 0 || !S_ISSOCK(st.st_mode))
    return -ECONNREFUSED; // what connect(2) says of a file that is not a socket
  sockaddr_un pinned{};
  pinned.sun_family = AF_UNIX;
  std::string viaFd = "/proc/self/fd/" + std::to_string(target.get());
  std::memcpy(pinned.sun_path, viaFd.c_str(), viaFd.size() + 1);
  int rc = connectResult(::connect(socket.get(), reinterpret_cast<sockaddr *>(&pinned),
                                   static_cast<socklen_t>(kPathOffset + viaFd.size() + 1)));
  event.decision = "allow";
  if (rc != 0)
    event.reason = std::strerror(-rc);
  if (log_)
    log_->record(event);
  return rc;
}

} // namespace moat::runtime::linux_platform
