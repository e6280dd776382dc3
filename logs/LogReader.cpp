// See LogReader.h.
#include "logs/LogReader.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace moat::logs {

namespace {
volatile std::sig_atomic_t stopRequested = 0;
void onStopSignal(int) { stopRequested = 1; }

constexpr long kPollMillis = 100;
constexpr int kTailWaits = 10; // reading once: 1 s for an unfinished last line
// A line longer than this cannot be an event EventLog wrote (targets are
// paths and host names; 1 MiB is far beyond them): it is an error, and the
// reader does not grow without bound on a file with no newline.
constexpr size_t kMaxLine = 1 << 20;

void sleepPoll() {
  timespec ts{0, kPollMillis * 1000000L};
  ::nanosleep(&ts, nullptr); // a signal ends it early, which is what we want
}

class Reader {
public:
  Reader(const EventFilter &filter, const ReadCallbacks &callbacks) : filter_(filter), cb_(callbacks) {}

  void line(std::string_view text, bool unfinished = false) {
    ++lineNo_;
    if (!text.empty() && text.back() == '\r')
      text.remove_suffix(1);
    if (text.empty())
      return; // a blank line carries nothing (and hides nothing)
    LineError error;
    auto event = parseEventLine(text, error);
    if (!event) {
      if (unfinished)
        error.message = "unfinished last line (no newline, none came within 1 s): " + error.message;
      return cb_.malformed(lineNo_, error);
    }
    if (filter_.matches(*event))
      cb_.event(*event, text);
  }

  // Splits what has arrived into complete lines; keeps the tail.
  void feed(const char *data, size_t n) {
    if (skipping_) { // the rest of an overlong line, already reported
      const char *nl = static_cast<const char *>(std::memchr(data, '\n', n));
      if (!nl)
        return;
      skipping_ = false;
      n -= static_cast<size_t>(nl + 1 - data);
      data = nl + 1;
    }
    pending_.append(data, n);
    size_t start = 0;
    for (size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1)
      line(std::string_view(pending_).substr(start, nl - start));
    pending_.erase(0, start);
    if (pending_.size() > kMaxLine) {
      ++lineNo_;
      cb_.malformed(lineNo_, {1, "line longer than " + std::to_string(kMaxLine) + " bytes"});
      skipping_ = true;
      pending_.clear();
    }
  }

  bool hasTail() const { return !pending_.empty() && !skipping_; }
  void finishTail() {
    if (hasTail())
      line(pending_, true);
    pending_.clear();
  }
  void restart() {
    pending_.clear();
    lineNo_ = 0;
    skipping_ = false;
  }

private:
  const EventFilter &filter_;
  const ReadCallbacks &cb_;
  std::string pending_;
  size_t lineNo_ = 0;
  bool skipping_ = false;
};
} // namespace

bool EventFilter::matches(const LogEvent &e) const {
  if (sinceMs && e.timeMs < *sinceMs)
    return false;
  return kinds.empty() || kinds.count(e.kind);
}

void stopFollowingOnSignals() {
  struct sigaction sa {};
  sa.sa_handler = onStopSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; // no SA_RESTART: a blocked read or sleep returns
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

bool readLog(const std::string &path, bool follow, const EventFilter &filter, const ReadCallbacks &callbacks,
             std::string &error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  Reader reader(filter, callbacks);
  char buf[65536];
  off_t offset = 0;
  int tailWaits = 0;
  bool ok = true;
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) {
      if (follow && stopRequested)
        break;
      continue;
    }
    if (n < 0) {
      error = "cannot read '" + path + "': " + std::strerror(errno);
      ok = false;
      break;
    }
    if (n > 0) {
      reader.feed(buf, static_cast<size_t>(n));
      offset += n;
      tailWaits = 0;
      continue;
    }
    // End of the file for now.
    if (follow) {
      if (stopRequested)
        break;
      struct stat st;
      if (::fstat(fd, &st) == 0 && st.st_size < offset) {
        callbacks.note("'" + path + "' shrank (truncated or rotated): reading it again from the start");
        ::lseek(fd, 0, SEEK_SET);
        offset = 0;
        reader.restart();
      }
      sleepPoll();
      continue;
    }
    if (reader.hasTail() && tailWaits++ < kTailWaits) {
      sleepPoll();
      continue;
    }
    break;
  }
  if (ok && !follow)
    reader.finishTail();
  ::close(fd);
  return ok;
}

} // namespace moat::logs
