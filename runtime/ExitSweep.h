// The sweep after a run: files the policy protects from writing that came
// into being (or changed) during the run, in the trees the sandbox could
// write, are moved to a quarantine directory and reported, when they would
// run code outside the sandbox (CodeRunningFiles.h). This closes what a
// mount plan cannot: protected names created under directories that did not
// exist at launch (`git init sub` makes sub/.git/hooks/, a new sub/.vscode/
// gets tasks.json).
//
// "During the run" is the file's ctime, which the kernel sets on every
// change and no unprivileged process can set back: a file whose ctime is at
// or after the launch (the coarse clock the kernel stamps with, so a change
// in the first tick is not missed) is new or changed. The walk never
// follows symbolic links and skips the quarantine directory itself.
//
// While the command runs, the live watcher (platform/linux/WriteRootWatcher.h)
// does the same per file, through the same step (quarantineIfCodeRunning);
// this sweep runs after it all the same, for what the watcher missed.
//
// What it cannot do, and docs/runtime.md says so: the file existed while
// the command ran (a tool on the host could read it before the sweep); a
// protected file someone changes outside the sandbox during the run, in the
// launch or home directory, is swept the same way (it is reported, and kept
// in quarantine, not deleted); write roots outside those two directories
// (/tmp, a cache directory) are not swept.
#pragma once
#include "compiler/eval/Evaluator.h"
#include "runtime/EventLog.h"

#include <ctime>
#include <sys/stat.h>
#include <string>
#include <vector>

namespace moat::runtime {

struct SweepRequest {
  std::vector<std::string> writeRoots; // absolute, physical; nested roots are fine
  // Where tools outside the sandbox look for such files: the launch
  // directory and the home directory. Only the parts of the write roots
  // inside them are swept: shared directories such as /tmp hold other
  // programs' files, changing while the command runs, that are not the
  // command's to lose.
  std::vector<std::string> sweptAreas;
  timespec launchedAt{};               // CLOCK_REALTIME_COARSE before the sandbox started
  std::string quarantineDir;           // created on demand; files keep their path beneath it
                                       // (a second one at a path: NAME.1, NAME.2, ...)
  std::string fallbackQuarantineDir;   // used when quarantineDir cannot be (a link in its path)
  size_t maxEntries = 2'000'000;       // a bound on the walk; reported when reached
};

struct SweepResult {
  size_t examined = 0;
  std::vector<std::pair<std::string, std::string>> quarantined; // (original path, why)
  std::vector<std::string> failures;   // could not be moved (reported, left in place)
  bool truncated = false;              // maxEntries reached
};

SweepResult sweepWriteRoots(const SweepRequest &request, const eval::Evaluator &evaluator, EventLog *log);

// The step the sweep and the live watcher (platform/linux/WriteRootWatcher.h)
// share, for one file that changed during the run under `root` (one of
// sweepRoots(request)): when it would run code outside the sandbox
// (CodeRunningFiles.h) it is moved under the quarantine at its own path and
// logged as a "quarantine" event; `result` gets what happened. Call it only
// for paths writeProtected() says the policy protects. The directories
// between `root` and the file are opened without following links, so a
// sandbox still running cannot redirect the move; the classification reads
// by path and can be raced by one, which the sweep after the end settles.
bool writeProtected(const eval::Evaluator &evaluator, const std::string &path);
void quarantineIfCodeRunning(const SweepRequest &request, const std::string &root, const std::string &path,
                             EventLog *log, SweepResult &result);

// The file's ctime is at or after the launch (see above).
bool changedDuringRun(const SweepRequest &request, const struct stat &st);
// `path` is `dir` or beneath it (both absolute, normal).
bool within(const std::string &path, const std::string &dir);

// The directories to walk: each write root inside a swept area, and each
// swept area inside a write root; none nested in another.
std::vector<std::string> sweepRoots(const SweepRequest &request);

// Where quarantined files of this session go: $XDG_STATE_HOME/moat/quarantine/
// (else ~/.local/state/moat/quarantine/) + a name made of the time and pid.
std::string defaultQuarantineDir(const std::string &home);

} // namespace moat::runtime
