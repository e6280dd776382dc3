#include "runtime/ExitSweep.h"

#include "runtime/CodeRunningFiles.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace moat::runtime {
namespace {

namespace fsys = std::filesystem;

bool changedSince(const struct stat &st, const timespec &t) {
  return st.st_ctim.tv_sec > t.tv_sec || (st.st_ctim.tv_sec == t.tv_sec && st.st_ctim.tv_nsec >= t.tv_nsec);
}

bool within(const std::string &path, const std::string &dir) {
  if (dir == "/")
    return !path.empty() && path[0] == '/';
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}

// Opens (creating when missing) each component of `dir` below "/", never
// through a symbolic link: the quarantine may lie in a tree the sandbox
// could write (~/.local/state), where it could have planted a link to send
// quarantined files, and the directories made for them, anywhere.
int openDirectoryChain(const std::string &dir, std::string &error) {
  int fd = ::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  for (const fsys::path &part : fsys::path(dir).relative_path()) {
    std::string name = part.string();
    if (name.empty() || name == "." || name == "..") {
      ::close(fd);
      error = "'" + dir + "' is not a plain absolute path";
      return -1;
    }
    if (::mkdirat(fd, name.c_str(), 0700) != 0 && errno != EEXIST) {
      error = "cannot create '" + name + "' in the quarantine path: " + std::strerror(errno);
      ::close(fd);
      return -1;
    }
    int next = ::openat(fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    ::close(fd);
    if (next < 0) {
      error = "'" + name + "' in the quarantine path is not a directory (a link?): " + std::strerror(errno);
      return -1;
    }
    fd = next;
  }
  return fd;
}

// Copies a file or link into `dir` as `name` and removes the original: a
// quarantine on another file system than the swept tree.
bool copyAcross(const std::string &path, int dir, const std::string &name, std::string &error) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    error = std::strerror(errno);
    return false;
  }
  if (S_ISLNK(st.st_mode)) {
    char target[4096];
    ssize_t n = ::readlink(path.c_str(), target, sizeof target - 1);
    if (n < 0 || ::symlinkat(std::string(target, static_cast<size_t>(n)).c_str(), dir, name.c_str()) != 0) {
      error = std::strerror(errno);
      return false;
    }
    return ::unlink(path.c_str()) == 0;
  }
  if (!S_ISREG(st.st_mode)) {
    error = "not a regular file, on another file system than the quarantine";
    return false;
  }
  int in = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  int out = ::openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  bool ok = in >= 0 && out >= 0;
  char buffer[65536];
  while (ok) {
    ssize_t n = ::read(in, buffer, sizeof buffer);
    if (n == 0)
      break;
    ok = n > 0 && ::write(out, buffer, static_cast<size_t>(n)) == n;
  }
  if (!ok)
    error = std::strerror(errno);
  if (in >= 0)
    ::close(in);
  if (out >= 0)
    ::close(out);
  return ok && ::unlink(path.c_str()) == 0;
}

// Moves `path` under `quarantine` at its own absolute path; false (with
// `error`) when it cannot, in which case it stays where it is. The
// sandbox has ended, so the path's own directories hold still; only the
// destination is opened with care.
bool moveAside(const std::string &path, const std::string &quarantine, std::string &error) {
  fsys::path relative = fsys::path(path).relative_path();
  int dir = openDirectoryChain((fsys::path(quarantine) / relative.parent_path()).string(), error);
  if (dir < 0)
    return false;
  std::string name = relative.filename().string();
  bool moved = ::renameat(AT_FDCWD, path.c_str(), dir, name.c_str()) == 0;
  if (!moved && errno == EXDEV)
    moved = copyAcross(path, dir, name, error);
  else if (!moved)
    error = std::strerror(errno);
  ::close(dir);
  return moved;
}

// Opens a directory for listing. One the run changed and the user owns is
// made listable when it is not (the sandbox can chmod 0111 a directory to
// hide a hook in it); null when it stays closed.
DIR *openListing(int parent, const char *name, const struct stat &st, bool changedDuringRun) {
  int fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == EACCES && changedDuringRun && st.st_uid == ::getuid() &&
      ::fchmodat(parent, name, (st.st_mode & 07777) | S_IRWXU, 0) == 0)
    fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return nullptr;
  DIR *d = ::fdopendir(fd);
  if (!d)
    ::close(fd);
  return d;
}

struct Walk {
  const SweepRequest &request;
  const eval::Evaluator &evaluator;
  SweepResult &result;
  std::vector<std::string> found;        // files to classify and move
  std::vector<std::string> unlistable;   // protected directories made during the run that stay closed

  bool changed(const struct stat &st) const { return changedSince(st, request.launchedAt); }
  bool protectedPath(const std::string &path) const {
    return evaluator.decide(path, ir::Access::Write).effect != ir::Effect::Allow;
  }

  // `dir` is open on `path`; walks what is beneath, depth first.
  void walk(DIR *dir, const std::string &path) {
    while (dirent *e = ::readdir(dir)) {
      std::string name = e->d_name;
      if (name == "." || name == "..")
        continue;
      if (++result.examined > request.maxEntries) {
        result.truncated = true;
        return;
      }
      std::string child = path == "/" ? "/" + name : path + "/" + name;
      if (!request.quarantineDir.empty() && within(child, request.quarantineDir))
        continue;
      struct stat st {};
      if (::fstatat(::dirfd(dir), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        continue;
      if (S_ISDIR(st.st_mode)) {
        DIR *sub = openListing(::dirfd(dir), name.c_str(), st, changed(st));
        if (sub) {
          walk(sub, child);
          ::closedir(sub);
        } else if (changed(st) && protectedPath(child)) {
          unlistable.push_back(child);
        } else if (changed(st)) {
          result.failures.push_back(child + ": a directory made during the run that moat cannot look into");
        }
        continue;
      }
      if (changed(st) && protectedPath(child))
        found.push_back(child);
    }
  }
};

} // namespace

std::string defaultQuarantineDir(const std::string &home) {
  const char *state = std::getenv("XDG_STATE_HOME");
  std::string base = state && state[0] == '/' ? std::string(state) : home + "/.local/state";
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return base + "/moat/quarantine/" + std::to_string(now.tv_sec) + "-" + std::to_string(::getpid());
}

std::vector<std::string> sweepRoots(const SweepRequest &request) {
  std::vector<std::string> candidates;
  for (const std::string &w : request.writeRoots)
    for (const std::string &area : request.sweptAreas) {
      if (within(w, area))
        candidates.push_back(w);
      else if (within(area, w))
        candidates.push_back(area);
    }
  std::vector<std::string> roots;
  for (const std::string &r : candidates) {
    bool nested = false;
    for (const std::string &o : candidates)
      nested |= o != r && within(r, o);
    if (!nested && std::find(roots.begin(), roots.end(), r) == roots.end())
      roots.push_back(r);
  }
  return roots;
}

SweepResult sweepWriteRoots(const SweepRequest &request, const eval::Evaluator &evaluator, EventLog *log) {
  SweepResult result;
  Walk walk{request, evaluator, result, {}, {}};
  for (const std::string &root : sweepRoots(request)) {
    DIR *dir = ::opendir(root.c_str());
    if (!dir)
      continue;
    walk.walk(dir, root);
    ::closedir(dir);
  }
  // Moved after the walk, never while iterating.
  auto quarantine = [&](const std::string &path, const std::string &why) {
    std::string error;
    Event event;
    event.kind = "quarantine";
    event.target = path;
    event.decision = "deny";
    std::string used = request.quarantineDir;
    bool moved = moveAside(path, used, error);
    if (!moved && !request.fallbackQuarantineDir.empty()) {
      // The usual quarantine is not usable (the sandbox could write there
      // and left a link in its path): the launcher's private directory.
      std::string first = error;
      used = request.fallbackQuarantineDir;
      moved = moveAside(path, used, error);
      if (!moved)
        error = first + "; " + error;
    }
    if (moved) {
      result.quarantined.emplace_back(path, why);
      event.reason = why + "; moved to " + used;
    } else {
      result.failures.push_back(path + ": " + error);
      event.reason = why + "; could NOT be moved aside (" + error + ")";
    }
    if (log)
      log->record(event);
  };
  for (const std::string &path : walk.found) {
    Classification c = classifyProtectedFile(path);
    if (c.verdict == Verdict::Quarantine)
      quarantine(path, c.why);
  }
  for (const std::string &path : walk.unlistable)
    quarantine(path, "a protected directory made during the run that moat cannot look into");
  return result;
}

} // namespace moat::runtime
