// What the runtime saw and decided, as JSON lines (`moat run --log=FILE`):
// one object per event, written whole with one write(2) on a file opened
// O_APPEND, so the proxy's threads, the unix-socket broker and the exit
// sweep can log at once and concurrent `moat run`s can share a file without
// tearing each other's lines. Every event also gets a short line on stderr
// unless the log is quiet (tests).
#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace moat::runtime {

struct Event {
  std::string kind;     // "connect" (proxy), "unix-socket", "quarantine", ...
  std::string target;   // host, socket path or file
  std::optional<uint16_t> port;
  std::string decision; // "allow" / "deny"
  std::string rule;     // the deciding rule: FILE:LINE:COL, "default", "builtin"
  std::string reason;   // why, in words (for a deny)
  std::string protocol; // "http", "connect", "socks5" (network events)
  std::optional<int> pid;
  std::string command;  // the process's command line (host-side /proc), where known
};

class EventLog {
public:
  // `path` empty: no file. Fails (nullopt, `error` says why) when the file
  // cannot be opened for appending.
  static std::optional<EventLog> open(const std::string &path, bool echoDenials, std::string &error);
  EventLog() = default;
  EventLog(EventLog &&other) noexcept;
  EventLog &operator=(EventLog &&other) noexcept;
  ~EventLog();

  void record(const Event &event);
  // The event as its JSON line (with the time), for tests.
  static std::string line(const Event &event, int64_t unixMillis);

  // Counts for the exit summary.
  size_t denials() const;
  // The denials by kind, in the order each kind was first seen, with the
  // first few distinct targets of each (the exit summary, runtime/LaunchReport.h).
  struct KindCount {
    std::string kind;
    size_t count = 0;
    std::vector<std::string> firstTargets;
    bool moreTargets = false; // a further distinct target did not fit
  };
  std::vector<KindCount> denialsByKind() const;
  static constexpr size_t kSummaryTargets = 3;

private:
  void countDenial(const Event &event); // under mutex_
  int fd_ = -1;
  bool echo_ = false;
  mutable std::mutex mutex_;
  size_t denials_ = 0;
  std::vector<KindCount> byKind_;
};

} // namespace moat::runtime
