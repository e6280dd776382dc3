// See SocketOwner.h.
#include "runtime/platform/linux/SocketOwner.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace moat::runtime {

namespace {
constexpr size_t kMaxTableBytes = 8 << 20; // /proc/net/tcp of a busy sandbox

std::string readBounded(const std::string &path, size_t limit) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return "";
  std::string text;
  char buf[65536];
  while (text.size() < limit) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return text;
}

// "  0: 0100007F:A1B2 0100007F:0C38 01 ... inode ...": the inode of the row
// with these ports (the port is hex in host order after the colon).
std::optional<unsigned long> inodeFor(const std::string &table, uint16_t local, uint16_t remote) {
  size_t start = table.find('\n'); // the header
  while (start != std::string::npos && start + 1 < table.size()) {
    size_t end = table.find('\n', start + 1);
    std::string row = table.substr(start + 1, end == std::string::npos ? std::string::npos : end - start - 1);
    start = end;
    char localAddr[64], remoteAddr[64];
    unsigned long inode = 0;
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
    if (std::sscanf(row.c_str(), " %*s %63s %63s %*s %*s %*s %*s %*s %*s %lu", localAddr, remoteAddr, &inode) != 3)
      continue;
    const char *lp = std::strrchr(localAddr, ':'), *rp = std::strrchr(remoteAddr, ':');
    if (!lp || !rp || inode == 0)
      continue;
    if (std::strtoul(lp + 1, nullptr, 16) == local && std::strtoul(rp + 1, nullptr, 16) == remote)
      return inode;
  }
  return std::nullopt;
}

bool sameNetns(const struct stat &ns, pid_t pid) {
  struct stat st;
  std::string path = "/proc/" + std::to_string(pid) + "/ns/net";
  return ::stat(path.c_str(), &st) == 0 && st.st_ino == ns.st_ino && st.st_dev == ns.st_dev;
}
} // namespace

std::optional<pid_t> firstChild(pid_t parent) {
  std::string p = std::to_string(parent);
  std::string text = readBounded("/proc/" + p + "/task/" + p + "/children", 4096);
  long child = std::strtol(text.c_str(), nullptr, 10);
  return child > 0 ? std::optional<pid_t>(static_cast<pid_t>(child)) : std::nullopt;
}

std::optional<pid_t> tcpClientOwner(pid_t inSandbox, uint16_t clientPort, uint16_t listenerPort) {
  std::string proc = "/proc/" + std::to_string(inSandbox);
  std::optional<unsigned long> inode = inodeFor(readBounded(proc + "/net/tcp", kMaxTableBytes), clientPort, listenerPort);
  if (!inode)
    inode = inodeFor(readBounded(proc + "/net/tcp6", kMaxTableBytes), clientPort, listenerPort);
  struct stat ns;
  if (!inode || ::stat((proc + "/ns/net").c_str(), &ns) != 0)
    return std::nullopt;
  const std::string wanted = "socket:[" + std::to_string(*inode) + "]";
  DIR *all = ::opendir("/proc");
  if (!all)
    return std::nullopt;
  std::optional<pid_t> owner;
  bool several = false;
  size_t processes = 0, descriptors = 0;
  while (dirent *entry = ::readdir(all)) {
    char *end = nullptr;
    long pid = std::strtol(entry->d_name, &end, 10);
    if (pid <= 0 || *end != '\0')
      continue;
    if (++processes > kMaxProcesses || descriptors > kMaxDescriptors)
      break;
    if (!sameNetns(ns, static_cast<pid_t>(pid)))
      continue;
    std::string fdDir = "/proc/" + std::to_string(pid) + "/fd";
    DIR *fds = ::opendir(fdDir.c_str());
    if (!fds)
      continue;
    while (dirent *fd = ::readdir(fds)) {
      if (fd->d_name[0] == '.' || ++descriptors > kMaxDescriptors)
        continue;
      char target[64];
      ssize_t n = ::readlinkat(::dirfd(fds), fd->d_name, target, sizeof target - 1);
      if (n <= 0)
        continue;
      target[n] = '\0';
      if (wanted == target) {
        several |= owner && *owner != pid;
        owner = static_cast<pid_t>(pid);
        break;
      }
    }
    ::closedir(fds);
  }
  ::closedir(all);
  if (several || descriptors > kMaxDescriptors || processes > kMaxProcesses)
    return std::nullopt;
  return owner;
}

} // namespace moat::runtime
