#include "runtime/ExitSweep.h"

#include "runtime/CodeRunningFiles.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
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

// Moves `path` under `quarantine` at its own absolute path; false (with
// `error`) when it cannot, in which case it stays where it is.
bool moveAside(const std::string &path, const std::string &quarantine, std::string &error) {
  fsys::path destination = fsys::path(quarantine) / fsys::path(path).relative_path();
  std::error_code ec;
  fsys::create_directories(destination.parent_path(), ec);
  if (ec) {
    error = ec.message();
    return false;
  }
  if (::rename(path.c_str(), destination.c_str()) == 0)
    return true;
  if (errno != EXDEV) {
    error = std::strerror(errno);
    return false;
  }
  // Another file system: copy (links stay links), then remove the original.
  fsys::copy(path, destination, fsys::copy_options::copy_symlinks, ec);
  if (ec || ::unlink(path.c_str()) != 0) {
    error = ec ? ec.message() : std::strerror(errno);
    return false;
  }
  return true;
}

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
  std::vector<std::string> roots = sweepRoots(request);
  std::vector<std::string> found; // moved after the walk, never while iterating
  for (const std::string &root : roots) {
    std::error_code ec;
    fsys::recursive_directory_iterator it(root, fsys::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (++result.examined > request.maxEntries) {
        result.truncated = true;
        break;
      }
      std::string path = it->path().string();
      if (!request.quarantineDir.empty() && within(path, request.quarantineDir)) {
        it.disable_recursion_pending();
        continue;
      }
      struct stat st {};
      if (::lstat(path.c_str(), &st) != 0)
        continue;
      if (S_ISDIR(st.st_mode) || !changedSince(st, request.launchedAt))
        continue;
      if (evaluator.decide(path, ir::Access::Write).effect == ir::Effect::Allow)
        continue;
      found.push_back(path);
    }
  }
  for (const std::string &path : found) {
    Classification c = classifyProtectedFile(path);
    if (c.verdict == Verdict::Keep)
      continue;
    std::string error;
    Event event;
    event.kind = "quarantine";
    event.target = path;
    event.decision = "deny";
    if (moveAside(path, request.quarantineDir, error)) {
      result.quarantined.emplace_back(path, c.why);
      event.reason = c.why + "; moved to " + request.quarantineDir;
    } else {
      result.failures.push_back(path + ": " + error);
      event.reason = c.why + "; could NOT be moved aside (" + error + ")";
    }
    if (log)
      log->record(event);
  }
  return result;
}

} // namespace moat::runtime
