#include "runtime/platform/linux/SandboxPath.h"

#include "compiler/fs/PathPattern.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace moat::runtime::linux_platform {
namespace {

// Components of a path as written ("." and ".." kept: the walk resolves
// them physically, after links, as the kernel does).
std::vector<std::string> components(const std::string &path) {
  std::vector<std::string> out;
  for (std::string_view c : fs::splitPath(path))
    out.emplace_back(c);
  return out;
}

std::string join(const std::vector<std::string> &parts) {
  std::string out;
  for (const std::string &p : parts)
    out += "/" + p;
  return out.empty() ? "/" : out;
}

// The lexical form of a spelling, for the policy to decide on; "" (which
// no rule allows) when it has control characters.
std::string lexical(const std::string &path) { return fs::normaliseAbsolute(path).value_or(""); }

} // namespace

std::optional<ResolvedPath> resolveInRoot(int rootFd, const std::string &path, int &err) {
  if (path.empty() || path[0] != '/') {
    err = EINVAL;
    return std::nullopt;
  }
  ResolvedPath result;
  result.spellings.push_back(lexical(path));
  std::vector<std::string> pending = components(path); // still to walk, in order
  std::vector<std::string> walked;                      // the directories walked so far
  std::vector<int> dirFds;                              // parallel to walked, plus the root
  auto closeAll = [&] {
    for (int fd : dirFds)
      ::close(fd);
    dirFds.clear();
  };
  int root = ::fcntl(rootFd, F_DUPFD_CLOEXEC, 0);
  if (root < 0) {
    err = errno;
    return std::nullopt;
  }
  dirFds.push_back(root);
  int links = 0;
  size_t next = 0;
  while (next < pending.size()) {
    std::string name = pending[next++];
    if (name == ".")
      continue;
    if (name == "..") {
      // Never above the process's root, as the kernel does for chroots.
      if (!walked.empty()) {
        walked.pop_back();
        ::close(dirFds.back());
        dirFds.pop_back();
      }
      continue;
    }
    int fd = ::openat(dirFds.back(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      err = errno;
      closeAll();
      return std::nullopt;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      err = errno;
      ::close(fd);
      closeAll();
      return std::nullopt;
    }
    if (S_ISLNK(st.st_mode)) {
      if (++links > 40) {
        err = ELOOP;
        ::close(fd);
        closeAll();
        return std::nullopt;
      }
      char target[4096];
      ssize_t n = ::readlinkat(fd, "", target, sizeof target - 1);
      ::close(fd);
      if (n <= 0) {
        err = n == 0 ? ENOENT : errno;
        closeAll();
        return std::nullopt;
      }
      std::string t(target, static_cast<size_t>(n));
      std::vector<std::string> rest(pending.begin() + static_cast<long>(next), pending.end());
      std::vector<std::string> spliced = components(t);
      spliced.insert(spliced.end(), rest.begin(), rest.end());
      if (t[0] == '/') {
        while (!walked.empty()) {
          walked.pop_back();
          ::close(dirFds.back());
          dirFds.pop_back();
        }
      }
      pending = spliced;
      next = 0;
      std::vector<std::string> spelled = walked;
      spelled.insert(spelled.end(), pending.begin(), pending.end());
      result.spellings.push_back(lexical(join(spelled)));
      continue;
    }
    walked.push_back(name);
    if (next == pending.size()) {
      result.fd = fd;
      break;
    }
    if (!S_ISDIR(st.st_mode)) {
      err = ENOTDIR;
      ::close(fd);
      closeAll();
      return std::nullopt;
    }
    dirFds.push_back(fd);
  }
  closeAll();
  if (result.fd < 0) {
    // The path named the root itself, or ended in "." or "..": not a socket.
    err = EISDIR;
    return std::nullopt;
  }
  result.finalPath = join(walked);
  return result;
}

} // namespace moat::runtime::linux_platform
