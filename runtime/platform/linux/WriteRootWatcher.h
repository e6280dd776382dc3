// The exit sweep (runtime/ExitSweep.h), live: while the command runs, an
// inotify watch on every directory of the swept write roots sees a new or
// changed file at once, and a protected file that would run code outside
// the sandbox is quarantined then, not hours later at exit. An agent that
// runs all afternoon can `git init sub` and write sub/.git/hooks/post-checkout;
// the user's editor or a git command outside the sandbox would run that hook
// long before the sweep. Each file goes through the sweep's own step
// (quarantineIfCodeRunning): the same policy check, classification, move and
// "quarantine" event.
//
// What it reacts to: a file created (any kind: a hook may be a link or a
// hard link), written and closed, moved in, or whose attributes changed
// (chmod +x on a hook). A directory created or moved in is watched and
// scanned at once, since entries may land in it before its watch exists;
// the scan, like the sweep, takes only files changed since the launch.
//
// What it does not do, and why the exit sweep still runs after it: inotify
// events can be lost (the queue overflows, IN_Q_OVERFLOW), the user's watch
// budget can run out (ENOSPC; the watcher also stops at min(kMaxWatches, 3/4
// of fs.inotify.max_user_watches) directories to leave the rest to the
// user's other programs), a directory the command makes unreadable before
// its watch is added is not watched, a file held open and written without
// being closed is seen only when it is closed, and a command still running
// can race the classification (swap a config between the read and the
// move). Each is said once on stderr where it can be noticed (a `moat:
// warning:` line) and left to the sweep. inotify does not say which process
// made a change: like the sweep, the watcher looks only inside the launch
// and home directories' parts of the write roots, and a protected file the
// user changes there outside the sandbox during the run is quarantined too.
// Setting up the watches walks the trees, so it happens on the watcher's
// thread after bubblewrap has started: it never delays the command.
#pragma once
#include "compiler/eval/Evaluator.h"
#include "runtime/EventLog.h"
#include "runtime/ExitSweep.h"
#include "runtime/platform/linux/UniqueFd.h"

#include <sys/inotify.h>

#include <atomic>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace moat::runtime::linux_platform {

class WriteRootWatcher {
public:
  static constexpr size_t kMaxWatches = 100'000;

  // `evaluator` and `log` must outlive the watcher.
  WriteRootWatcher(SweepRequest request, const eval::Evaluator &evaluator, EventLog *log);
  ~WriteRootWatcher(); // stops and joins
  WriteRootWatcher(const WriteRootWatcher &) = delete;
  WriteRootWatcher &operator=(const WriteRootWatcher &) = delete;

  // Starts the thread. False, with a warning on stderr, when inotify cannot
  // be had (the sweep at exit remains).
  bool start();
  // Stops the thread and waits for it; then result() is what it did.
  void stop();
  const SweepResult &result() const { return result_; }

private:
  struct Watched {
    std::string path;
    size_t root; // index in roots_
  };

  void run();
  void addTree(const std::string &top, size_t root);
  bool addWatch(const std::string &dir, size_t root);
  void forget(int wd);
  void handle(const inotify_event &event);
  void examine(const std::string &path, size_t root);
  bool quarantined(const std::string &path) const;
  void warnOnce(bool &warned, const char *what);

  SweepRequest request_;
  const eval::Evaluator &evaluator_;
  EventLog *log_;
  std::vector<std::string> roots_;
  size_t maxWatches_ = 0;
  UniqueFd inotify_;
  UniqueFd wake_; // an eventfd: stop() writes it
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::unordered_map<int, Watched> watches_;       // watch descriptor -> directory
  std::unordered_map<std::string, int> watchedDirs_; // and back
  SweepResult result_;
  bool warnedLimit_ = false;
  bool warnedOverflow_ = false;
};

} // namespace moat::runtime::linux_platform
