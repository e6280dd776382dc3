#include "runtime/ExitSweep.h"

#include "runtime/CodeRunningFiles.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace moat::runtime {

bool changedDuringRun(const SweepRequest &request, const struct stat &st) {
  const timespec &t = request.launchedAt;
  return st.st_ctim.tv_sec > t.tv_sec || (st.st_ctim.tv_sec == t.tv_sec && st.st_ctim.tv_nsec >= t.tv_nsec);
}

bool within(const std::string &path, const std::string &dir) {
  if (dir == "/")
    return !path.empty() && path[0] == '/';
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}

namespace {

namespace fsys = std::filesystem;

constexpr int kMaxCopies = 1000; // quarantined files of one path in one session

// Opens each component of `relative` below the directory `start` (taking
// ownership of it), never through a symbolic link, creating the missing ones
// when `create`. Two uses: the quarantine may lie in a tree the sandbox could
// write (~/.local/state), where it could have planted a link to send
// quarantined files, and the directories made for them, anywhere; and while
// the sandbox runs (the live watcher) it can swap a directory above a file
// being moved for a link, to have moat move a file of the user's instead.
int openDirectoryChain(int start, const fsys::path &relative, bool create, std::string &error) {
  int fd = start;
  for (const fsys::path &part : relative) {
    std::string name = part.string();
    if (fd < 0)
      break;
    if (name.empty() || name == "." || name == "..") {
      ::close(fd);
      error = "'" + relative.string() + "' is not a plain path";
      return -1;
    }
    if (create && ::mkdirat(fd, name.c_str(), 0700) != 0 && errno != EEXIST) {
      error = "cannot create '" + name + "' in the quarantine path: " + std::strerror(errno);
      ::close(fd);
      return -1;
    }
    int next = ::openat(fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    ::close(fd);
    if (next < 0) {
      error = "'" + name + "' in '" + relative.string() + "' is not a directory (a link?): " + std::strerror(errno);
      return -1;
    }
    fd = next;
  }
  if (fd < 0 && error.empty())
    error = std::strerror(errno);
  return fd;
}

// Copies the file or link `name` in `from` into `to` as `target` and
// removes the original: a quarantine on another file system than the swept
// tree. Fails (EEXIST) rather than replace a file already there.
bool copyAcross(int from, const std::string &name, int to, const std::string &target, std::string &error) {
  struct stat st {};
  if (::fstatat(from, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    error = std::strerror(errno);
    return false;
  }
  if (S_ISLNK(st.st_mode)) {
    char link[4096];
    ssize_t n = ::readlinkat(from, name.c_str(), link, sizeof link - 1);
    if (n < 0 || ::symlinkat(std::string(link, static_cast<size_t>(n)).c_str(), to, target.c_str()) != 0) {
      error = std::strerror(errno);
      return false;
    }
    return ::unlinkat(from, name.c_str(), 0) == 0;
  }
  if (!S_ISREG(st.st_mode)) {
    error = "not a regular file, on another file system than the quarantine";
    return false;
  }
  int in = ::openat(from, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  int out = ::openat(to, target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
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
  return ok && ::unlinkat(from, name.c_str(), 0) == 0;
}

// Moves `name` from `from` into `to` as `target`, never replacing what is
// there (false with errno EEXIST).
bool moveInto(int from, const std::string &name, int to, const std::string &target, std::string &error) {
  if (::renameat2(from, name.c_str(), to, target.c_str(), RENAME_NOREPLACE) == 0)
    return true;
  if (errno == EINVAL) { // a file system without RENAME_NOREPLACE: look, then move
    struct stat st {};
    if (::fstatat(to, target.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      errno = EEXIST;
      return false;
    }
    if (::renameat(from, name.c_str(), to, target.c_str()) == 0)
      return true;
  }
  if (errno == EXDEV)
    return copyAcross(from, name, to, target, error);
  error = std::strerror(errno);
  return false;
}

// Moves `path`, inside the sweep root `root`, under `quarantine` at its own
// absolute path (NAME.1, NAME.2, ... when the watcher quarantined a file
// there before: each is kept); false (with `error`) when it cannot, in
// which case it stays where it is. Both sides are opened without following
// links below their fixed tops (the root, "/").
bool moveAside(const std::string &root, const std::string &path, const std::string &quarantine, std::string &error) {
  fsys::path relative = fsys::path(path).relative_path();
  fsys::path below = fsys::path(path).lexically_relative(root);
  int from = openDirectoryChain(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC), below.parent_path(),
                                false, error);
  if (from < 0)
    return false;
  int to = openDirectoryChain(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC),
                              (fsys::path(quarantine) / relative.parent_path()).relative_path(), true, error);
  std::string name = relative.filename().string();
  bool moved = false;
  for (int copy = 0; to >= 0 && !moved && copy < kMaxCopies; ++copy) {
    moved = moveInto(from, name, to, copy == 0 ? name : name + "." + std::to_string(copy), error);
    if (!moved && errno != EEXIST)
      break;
    if (!moved)
      error = "the quarantine holds " + std::to_string(kMaxCopies) + " files of that name already";
  }
  ::close(from);
  if (to >= 0)
    ::close(to);
  return moved;
}

// Opens a directory for listing. One the run changed and the user owns is
// made listable when it is not (the sandbox can chmod 0111 a directory to
// hide a hook in it); null when it stays closed.
DIR *openListing(int parent, const char *name, const struct stat &st, bool changed) {
  int fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == EACCES && changed && st.st_uid == ::getuid() &&
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

  bool changed(const struct stat &st) const { return changedDuringRun(request, st); }
  bool protectedPath(const std::string &path) const { return writeProtected(evaluator, path); }

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

bool writeProtected(const eval::Evaluator &evaluator, const std::string &path) {
  return evaluator.decide(path, ir::Access::Write).effect != ir::Effect::Allow;
}

namespace {
// Moves `path` aside (the usual quarantine, else the fallback) and logs it.
void quarantine(const SweepRequest &request, const std::string &root, const std::string &path, const std::string &why,
                EventLog *log, SweepResult &result) {
  std::string error;
  Event event;
  event.kind = "quarantine";
  event.target = path;
  event.decision = "deny";
  std::string used = request.quarantineDir;
  bool moved = moveAside(root, path, used, error);
  if (!moved && !request.fallbackQuarantineDir.empty()) {
    // The usual quarantine is not usable (the sandbox could write there
    // and left a link in its path): the launcher's private directory.
    std::string first = error;
    used = request.fallbackQuarantineDir;
    moved = moveAside(root, path, used, error);
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
}
} // namespace

void quarantineIfCodeRunning(const SweepRequest &request, const std::string &root, const std::string &path,
                             EventLog *log, SweepResult &result) {
  Classification c = classifyProtectedFile(path);
  if (c.verdict == Verdict::Quarantine)
    quarantine(request, root, path, c.why, log, result);
}

SweepResult sweepWriteRoots(const SweepRequest &request, const eval::Evaluator &evaluator, EventLog *log) {
  SweepResult result;
  for (const std::string &root : sweepRoots(request)) {
    DIR *dir = ::opendir(root.c_str());
    if (!dir)
      continue;
    Walk walk{request, evaluator, result, {}, {}};
    walk.walk(dir, root);
    ::closedir(dir);
    // Moved after the walk, never while iterating.
    for (const std::string &path : walk.found)
      quarantineIfCodeRunning(request, root, path, log, result);
    for (const std::string &path : walk.unlistable)
      quarantine(request, root, path, "a protected directory made during the run that moat cannot look into", log,
                 result);
  }
  return result;
}

} // namespace moat::runtime
