// Finds a path as a sandboxed process sees it, from outside the sandbox.
// The unix-socket broker must connect to the socket the process named, in
// the process's own mount namespace and root, and must decide on every path
// the name passes through: a symbolic link the sandbox planted in a writable
// directory could otherwise turn an allowed name into docker.sock. So the
// walk goes one component at a time from the process's root (/proc/PID/root),
// never following a link implicitly: each link is read and its target spliced
// in (an absolute target restarts at the process's root), at most 40 times,
// as the kernel would. The result is an O_PATH descriptor that pins the final
// inode, so what is connected to is what was decided, and the list of
// absolute paths the name resolved through.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace moat::runtime::linux_platform {

struct ResolvedPath {
  int fd = -1;                       // O_PATH|O_NOFOLLOW of the final component (caller closes)
  std::string finalPath;             // the absolute path it was found at, links resolved
  std::vector<std::string> spellings; // every absolute path the walk went through (the name first)
};

// `rootFd`: an O_PATH descriptor of the process's root. `path` must be
// absolute. nullopt with `err` (an errno) when the walk fails.
std::optional<ResolvedPath> resolveInRoot(int rootFd, const std::string &path, int &err);

} // namespace moat::runtime::linux_platform
