// The live watcher's thread (WriteRootWatcher.h says what and why): one
// inotify instance, an eventfd to stop it, and a map from watch descriptors
// to the directories they stand for.
#include "runtime/platform/linux/WriteRootWatcher.h"

#include "runtime/platform/linux/BackgroundClose.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace moat::runtime::linux_platform {
namespace {

constexpr uint32_t kMask = IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_ATTRIB | IN_ONLYDIR | IN_DONT_FOLLOW |
                           IN_EXCL_UNLINK;

constexpr int kPollMillis = 1000;

// The watch budget is per user and shared with the user's other programs
// (editors, file managers): take at most three quarters of it.
size_t watchLimit() {
  size_t budget = 8192; // the kernel's old default, when the knob cannot be read
  std::ifstream("/proc/sys/fs/inotify/max_user_watches") >> budget;
  return std::min(WriteRootWatcher::kMaxWatches, budget / 4 * 3);
}

} // namespace

WriteRootWatcher::WriteRootWatcher(SweepRequest request, const eval::Evaluator &evaluator, EventLog *log)
    : request_(std::move(request)), evaluator_(evaluator), log_(log), roots_(sweepRoots(request_)) {}

WriteRootWatcher::~WriteRootWatcher() { stop(); }

bool WriteRootWatcher::start() {
  if (roots_.empty())
    return true;
  inotify_.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  wake_.reset(::eventfd(0, EFD_CLOEXEC));
  if (!inotify_ || !wake_) {
    ::dprintf(2, "moat: warning: cannot watch the write roots during the run (%s); new protected files are "
                 "swept at exit only\n", std::strerror(errno));
    return false;
  }
  maxWatches_ = watchLimit();
  // Created while the launcher blocks its signals: the thread inherits the
  // mask, so they keep reaching the launcher's signalfd.
  thread_ = std::thread([this] { run(); });
  return true;
}

void WriteRootWatcher::stop() {
  if (!thread_.joinable())
    return;
  stopping_ = true;
  // Wakes the thread at once; were the write to fail, the thread still
  // sees `stopping_` within one poll period.
  uint64_t one = 1;
  ssize_t woken = ::write(wake_.get(), &one, sizeof one);
  (void)woken;
  thread_.join();
  // Its last close waits for the kernel (BackgroundClose.h): not on the
  // launcher's way out.
  closeInBackground(std::move(inotify_));
}

void WriteRootWatcher::run() {
  for (size_t i = 0; i < roots_.size(); ++i)
    addTree(roots_[i], i);
  alignas(inotify_event) char buffer[65536];
  while (!stopping_) {
    pollfd fds[2] = {{inotify_.get(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
    if (::poll(fds, 2, kPollMillis) < 0 && errno != EINTR)
      return;
    if (fds[1].revents)
      return;
    ssize_t n = ::read(inotify_.get(), buffer, sizeof buffer);
    for (ssize_t at = 0; n > 0 && at + static_cast<ssize_t>(sizeof(inotify_event)) <= n;) {
      const auto *event = reinterpret_cast<const inotify_event *>(buffer + at);
      handle(*event);
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
}

// Watches `top` and every directory beneath it, examining the files in them
// that changed since the launch. A directory is watched before it is
// listed, so what lands in it meanwhile is either listed or an event.
// Depth first with a list of its own, not recursion: a deep tree must not
// exhaust the thread's stack.
void WriteRootWatcher::addTree(const std::string &top, size_t root) {
  std::vector<std::string> pending{top};
  while (!pending.empty() && !stopping_) {
    std::string dir = std::move(pending.back());
    pending.pop_back();
    if (quarantined(dir) || !addWatch(dir, root))
      continue;
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *listing = fd < 0 ? nullptr : ::fdopendir(fd);
    if (!listing) {
      if (fd >= 0)
        ::close(fd);
      continue; // unreadable: the sweep opens it at exit
    }
    std::vector<std::string> files;
    while (dirent *e = ::readdir(listing)) {
      std::string name = e->d_name;
      if (name == "." || name == "..")
        continue;
      struct stat st {};
      if (::fstatat(::dirfd(listing), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        continue;
      std::string child = dir == "/" ? "/" + name : dir + "/" + name;
      if (S_ISDIR(st.st_mode))
        pending.push_back(child);
      else if (changedDuringRun(request_, st))
        files.push_back(child);
    }
    ::closedir(listing);
    // Moved after the listing, never while iterating.
    for (const std::string &file : files)
      examine(file, root);
  }
}

bool WriteRootWatcher::addWatch(const std::string &dir, size_t root) {
  if (watchedDirs_.size() >= maxWatches_) {
    warnOnce(warnedLimit_, "the write roots hold more directories than moat watches");
    return false;
  }
  int wd = ::inotify_add_watch(inotify_.get(), dir.c_str(), kMask);
  if (wd < 0) {
    if (errno == ENOSPC)
      warnOnce(warnedLimit_, "the user's inotify watches ran out (fs.inotify.max_user_watches)");
    return false;
  }
  // The same directory, moved: its descriptor is the same, its path is new.
  forget(wd);
  watches_[wd] = Watched{dir, root};
  watchedDirs_[dir] = wd;
  return true;
}

// Drops what `wd` stood for; its path may stand for another directory now.
void WriteRootWatcher::forget(int wd) {
  auto it = watches_.find(wd);
  if (it == watches_.end())
    return;
  auto back = watchedDirs_.find(it->second.path);
  if (back != watchedDirs_.end() && back->second == wd)
    watchedDirs_.erase(back);
  watches_.erase(it);
}

void WriteRootWatcher::handle(const inotify_event &event) {
  if (event.mask & IN_Q_OVERFLOW) {
    warnOnce(warnedOverflow_, "the command changed files faster than moat could look at them");
    return;
  }
  auto it = watches_.find(event.wd);
  if (it == watches_.end())
    return;
  if (event.mask & IN_IGNORED) { // the directory is gone
    forget(event.wd);
    return;
  }
  if (event.len == 0 || event.name[0] == '\0')
    return; // about the watched directory itself
  std::string path = it->second.path == "/" ? "/" + std::string(event.name) : it->second.path + "/" + event.name;
  size_t root = it->second.root; // `it` may not survive addTree
  if (!(event.mask & IN_ISDIR))
    examine(path, root);
  // A directory made or moved in, or one that could not be watched and has
  // had its permissions changed since: watched and scanned.
  else if ((event.mask & (IN_CREATE | IN_MOVED_TO)) || !watchedDirs_.count(path))
    addTree(path, root);
}

void WriteRootWatcher::examine(const std::string &path, size_t root) {
  struct stat st {};
  if (quarantined(path) || ::lstat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode) ||
      !writeProtected(evaluator_, path))
    return;
  size_t failures = result_.failures.size();
  quarantineIfCodeRunning(request_, roots_[root], path, log_, result_);
  for (size_t i = failures; i < result_.failures.size(); ++i)
    ::dprintf(2, "moat: WARNING: could not quarantine %s\n", result_.failures[i].c_str());
}

// The quarantine may lie in a swept tree (~/.local/state): what moat moves
// there is not looked at again.
bool WriteRootWatcher::quarantined(const std::string &path) const {
  for (const std::string *dir : {&request_.quarantineDir, &request_.fallbackQuarantineDir})
    if (!dir->empty() && within(path, *dir))
      return true;
  return false;
}

void WriteRootWatcher::warnOnce(bool &warned, const char *what) {
  if (warned)
    return;
  warned = true;
  ::dprintf(2, "moat: warning: %s; from now on, new protected files there are caught by the sweep at exit\n", what);
}

} // namespace moat::runtime::linux_platform
