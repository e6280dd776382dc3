#include "runtime/EventLog.h"

#include "runtime/FullIo.h"

#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace moat::runtime {

std::optional<EventLog> EventLog::open(const std::string &path, bool echoDenials, std::string &error) {
  EventLog log;
  log.echo_ = echoDenials;
  if (path.empty())
    return log;
  log.fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (log.fd_ < 0) {
    error = "cannot open the log '" + path + "': " + std::strerror(errno);
    return std::nullopt;
  }
  return log;
}

EventLog::EventLog(EventLog &&other) noexcept
    : fd_(other.fd_), echo_(other.echo_), denials_(other.denials_), byKind_(std::move(other.byKind_)) {
  other.fd_ = -1;
}

EventLog &EventLog::operator=(EventLog &&other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = other.fd_;
    echo_ = other.echo_;
    denials_ = other.denials_;
    byKind_ = std::move(other.byKind_);
    other.fd_ = -1;
  }
  return *this;
}

EventLog::~EventLog() {
  if (fd_ >= 0)
    ::close(fd_);
}

std::string EventLog::line(const Event &e, int64_t unixMillis) {
  llvm::json::Object o;
  o["time_ms"] = unixMillis;
  o["kind"] = e.kind;
  // Paths and host names come from the sandbox: JSON must stay valid.
  o["target"] = llvm::json::isUTF8(e.target) ? e.target : llvm::json::fixUTF8(e.target);
  if (e.port)
    o["port"] = static_cast<int64_t>(*e.port);
  o["decision"] = e.decision;
  if (!e.rule.empty())
    o["rule"] = e.rule;
  if (!e.reason.empty())
    o["reason"] = e.reason;
  if (!e.protocol.empty())
    o["protocol"] = e.protocol;
  if (e.pid)
    o["pid"] = static_cast<int64_t>(*e.pid);
  if (!e.command.empty())
    o["command"] = llvm::json::isUTF8(e.command) ? e.command : llvm::json::fixUTF8(e.command);
  std::string out;
  llvm::raw_string_ostream os(out);
  os << llvm::json::Value(std::move(o));
  os.flush();
  out += '\n';
  return out;
}


void EventLog::record(const Event &e) {
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  std::string text = line(e, now);
  std::lock_guard<std::mutex> lock(mutex_);
  bool denied = e.decision != "allow";
  denials_ += denied;
  if (denied)
    countDenial(e);
  if (fd_ >= 0)
    writeAll(fd_, text.data(), text.size()); // best effort: the decision already happened
  if (echo_ && denied) {
    std::string msg = "moat: blocked " + e.kind + (e.target.empty() ? "" : " " + e.target);
    if (e.port)
      msg += ":" + std::to_string(*e.port);
    if (!e.reason.empty())
      msg += " (" + e.reason + ")";
    msg += '\n';
    writeAll(2, msg.data(), msg.size());
  }
}

// The summary names a target as host:port or a path; the sandbox chose the
// bytes, so control characters are escaped before they reach a terminal.
static std::string summaryTarget(const Event &e) {
  std::string t;
  for (unsigned char c : e.target) {
    if (c < 0x20 || c == 0x7f) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      t += buf;
    } else {
      t += static_cast<char>(c);
    }
  }
  if (e.port)
    t += ":" + std::to_string(*e.port);
  return t;
}

void EventLog::countDenial(const Event &e) {
  auto it = byKind_.begin();
  while (it != byKind_.end() && it->kind != e.kind)
    ++it;
  if (it == byKind_.end())
    it = byKind_.insert(byKind_.end(), KindCount{e.kind, 0, {}});
  ++it->count;
  if (e.target.empty())
    return; // counted, nothing to name (a proxy-credential refusal)
  std::string target = summaryTarget(e);
  if (std::find(it->firstTargets.begin(), it->firstTargets.end(), target) != it->firstTargets.end())
    return;
  if (it->firstTargets.size() < kSummaryTargets)
    it->firstTargets.push_back(std::move(target));
  else
    it->moreTargets = true;
}

std::vector<EventLog::KindCount> EventLog::denialsByKind() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return byKind_;
}

size_t EventLog::denials() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return denials_;
}

} // namespace moat::runtime
