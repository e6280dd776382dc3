// Reads a `moat run --log` file line by line, once or following it as it
// grows (`moat log --follow`).
//
// A line counts only once its newline is there: EventLog writes each line
// with one write(2), but a reader can still catch a writer mid-line (another
// program's writer, a full disk, a copy in progress). Following, such a
// tail is simply waited for. Reading once, it is waited for a short bounded
// time (1 s) and then, if it is still unfinished, parsed as it is: whole
// JSON is an event (a file whose last newline was lost), anything else is
// an error, never an event made of half a line.
//
// Following polls (every 100 ms, a bounded cost whatever the file does)
// rather than using inotify, which would miss appends made through another
// mount or a network file system. It ends at SIGINT or SIGTERM. A file that
// shrinks (truncated, or rotated by copy-and-truncate) is read again from
// its start, with a note on stderr.
#pragma once
#include "logs/LogEvent.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace moat::logs {

struct EventFilter {
  std::optional<int64_t> sinceMs; // events at or after
  std::set<std::string> kinds;    // empty: every kind
  bool matches(const LogEvent &event) const;
};

struct ReadCallbacks {
  // An event that passed the filter, and its line as written.
  std::function<void(const LogEvent &event, std::string_view line)> event;
  // A line that is not an event (1-based line number).
  std::function<void(size_t line, const LineError &error)> malformed;
  // A note for the user (the file shrank).
  std::function<void(const std::string &note)> note;
};

// Reads `path`; false (with `error`) when it cannot be opened or read.
// Malformed lines go to `malformed` and reading goes on.
bool readLog(const std::string &path, bool follow, const EventFilter &filter, const ReadCallbacks &callbacks,
             std::string &error);

// Makes SIGINT and SIGTERM end a following readLog (after the lines read so
// far) instead of the process.
void stopFollowingOnSignals();

} // namespace moat::logs
