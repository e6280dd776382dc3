// The decider process and its one I/O thread (see ProcessDecider.h).
#include "runtime/decide/ProcessDecider.h"

#include "runtime/decide/DeciderProtocol.h"
#include "runtime/decide/QuietThread.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace moat::runtime::decide {

namespace {

constexpr size_t kMaxLine = 65536;

void sayLine(const std::string &text) {
  std::string line = "moat: " + text + "\n";
  (void)!::write(2, line.data(), line.size());
}

// Waits up to `ms` for `pid` to end; true once reaped.
bool reapWithin(pid_t pid, int ms) {
  for (int waited = 0;; waited += 10) {
    pid_t r = ::waitpid(pid, nullptr, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD))
      return true;
    if (waited >= ms)
      return false;
    ::usleep(10000);
  }
}

} // namespace

std::unique_ptr<ProcessDecider> ProcessDecider::start(const std::string &command, std::chrono::milliseconds timeout,
                                                      std::string &error) {
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0) {
    error = std::string("cannot start the decider: ") + std::strerror(errno);
    return nullptr;
  }
  if (::pipe2(out, O_CLOEXEC) != 0) {
    error = std::string("cannot start the decider: ") + std::strerror(errno);
    ::close(in[0]);
    ::close(in[1]);
    return nullptr;
  }
  int wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  pid_t pid = wake < 0 ? -1 : ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls until exec. Its own process group, so
    // that stop() ends everything CMD started and the terminal's Ctrl-C
    // (meant for the confined command) does not end it; standard error is
    // moat's; nothing else of the launcher's is inherited.
    ::setpgid(0, 0);
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::syscall(SYS_close_range, 3U, ~0U, 0U);
    ::signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char *>(nullptr));
    ::_exit(127);
  }
  int saved = errno;
  ::close(in[0]);
  ::close(out[1]);
  if (pid < 0) {
    error = std::string("cannot start the decider: ") + std::strerror(saved);
    ::close(in[1]);
    ::close(out[0]);
    if (wake >= 0)
      ::close(wake);
    return nullptr;
  }
  ::setpgid(pid, pid); // also from here: no race with the child's own call
  ::fcntl(in[1], F_SETFL, ::fcntl(in[1], F_GETFL) | O_NONBLOCK);
  ::fcntl(out[0], F_SETFL, ::fcntl(out[0], F_GETFL) | O_NONBLOCK);
  std::unique_ptr<ProcessDecider> d(new ProcessDecider(pid, in[1], out[0], wake, timeout));
  d->thread_ = quietThread([raw = d.get()] { raw->loop(); });
  return d;
}

ProcessDecider::ProcessDecider(pid_t pid, int toChild, int fromChild, int wake, std::chrono::milliseconds timeout)
    : pid_(pid), toChild_(toChild), fromChild_(fromChild), wake_(wake), timeout_(timeout) {}

ProcessDecider::~ProcessDecider() { stop(); }

Answer ProcessDecider::deny(const std::string &reason) const {
  Answer a;
  a.by = "decider";
  a.reason = reason;
  return a;
}

void ProcessDecider::sayOnce(bool &said, const std::string &text) {
  if (said)
    return;
  said = true;
  sayLine(text);
}

void ProcessDecider::ask(const Question &question, AnswerFn done) {
  bool ending;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ending = stopping_;
    if (!dead_ && !stopping_) {
      uint64_t id = nextId_++;
      outbox_ += requestLine(id, question);
      pending_[id] = Pending{std::move(done), std::chrono::steady_clock::now() + timeout_};
      uint64_t one = 1;
      (void)!::write(wake_, &one, sizeof one);
      return;
    }
  }
  done(deny(ending ? "the run is ending" : "the decider has exited"));
}

void ProcessDecider::onLine(const std::string &line, std::vector<std::pair<AnswerFn, Answer>> &ready) {
  Reply reply = parseReply(line);
  auto it = reply.id ? pending_.find(*reply.id) : pending_.end();
  if (reply.answer) {
    if (it == pending_.end()) {
      sayOnce(saidGarbage_, "the decider answered a question it was not asked (id " +
                                std::to_string(reply.id.value_or(0)) + "); ignored");
      return;
    }
    ready.emplace_back(std::move(it->second.done), std::move(*reply.answer));
    pending_.erase(it);
    return;
  }
  // Garbage: deny the question it names, else the oldest one.
  sayOnce(saidGarbage_, "the decider's answer is not understood (" + reply.error +
                            "): that question is denied");
  if (it == pending_.end())
    it = pending_.begin();
  if (it == pending_.end())
    return;
  ready.emplace_back(std::move(it->second.done), deny("the decider's answer is not understood: " + reply.error));
  pending_.erase(it);
}

void ProcessDecider::loop() {
  for (;;) {
    std::vector<std::pair<AnswerFn, Answer>> ready;
    int timeoutMs = -1;
    bool wantWrite;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_)
        break;
      auto now = std::chrono::steady_clock::now();
      for (auto it = pending_.begin(); it != pending_.end();) {
        if (it->second.deadline <= now) {
          sayOnce(saidTimeout_, "the decider did not answer within " + std::to_string(timeout_.count()) +
                                    " ms: that question is denied");
          ready.emplace_back(std::move(it->second.done),
                             deny("the decider did not answer within " + std::to_string(timeout_.count()) + " ms"));
          it = pending_.erase(it);
          continue;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(it->second.deadline - now).count() + 1;
        timeoutMs = timeoutMs < 0 ? static_cast<int>(left) : std::min(timeoutMs, static_cast<int>(left));
        ++it;
      }
      wantWrite = !outbox_.empty() && toChild_ >= 0 && !dead_;
    }
    for (auto &[done, answer] : ready)
      done(std::move(answer));
    ready.clear();

    pollfd fds[3] = {{wake_, POLLIN, 0}, {dead_ ? -1 : fromChild_, POLLIN, 0}, {wantWrite ? toChild_ : -1, POLLOUT, 0}};
    if (::poll(fds, 3, timeoutMs) < 0 && errno != EINTR)
      break;
    uint64_t drained;
    if (fds[0].revents & POLLIN)
      (void)!::read(wake_, &drained, sizeof drained);

    std::lock_guard<std::mutex> lock(mutex_);
    bool diedNow = false;
    if (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) {
      ssize_t n = ::write(toChild_, outbox_.data(), outbox_.size());
      if (n > 0)
        outbox_.erase(0, static_cast<size_t>(n));
      else if (n < 0 && errno != EAGAIN && errno != EINTR)
        diedNow = true; // EPIPE: it closed its input
    }
    if (fds[1].revents & (POLLIN | POLLERR | POLLHUP)) {
      char buf[4096];
      ssize_t n = ::read(fromChild_, buf, sizeof buf);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        diedNow = true;
      } else if (n > 0) {
        inbox_.append(buf, static_cast<size_t>(n));
        size_t nl;
        while ((nl = inbox_.find('\n')) != std::string::npos) {
          std::string line = inbox_.substr(0, nl);
          inbox_.erase(0, nl + 1);
          if (!line.empty() && line.back() == '\r')
            line.pop_back();
          if (!line.empty())
            onLine(line, ready);
        }
        if (inbox_.size() > kMaxLine) {
          inbox_.clear();
          onLine("(a line over 64 KiB)", ready);
        }
      }
    }
    if (diedNow && !dead_) {
      dead_ = true;
      sayOnce(saidDead_, "the decider has exited or closed its output: every question it has not answered, "
                         "and every later one, is denied");
      for (auto &[id, p] : pending_)
        ready.emplace_back(std::move(p.done), deny("the decider has exited"));
      pending_.clear();
      outbox_.clear();
    }
    if (!ready.empty()) {
      mutex_.unlock();
      for (auto &[done, answer] : ready)
        done(std::move(answer));
      mutex_.lock();
    }
  }
}

void ProcessDecider::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopped_)
      return;
    stopped_ = true;
    stopping_ = true;
  }
  uint64_t one = 1;
  (void)!::write(wake_, &one, sizeof one);
  if (thread_.joinable())
    thread_.join();
  std::map<uint64_t, Pending> left;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    left.swap(pending_);
  }
  for (auto &[id, p] : left)
    p.done(deny("the run is ending"));
  ::close(toChild_); // EOF: a well-behaved decider exits now
  toChild_ = -1;
  if (!reapWithin(pid_, 300)) {
    ::kill(-pid_, SIGTERM);
    if (!reapWithin(pid_, 500)) {
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  ::close(fromChild_);
  ::close(wake_);
}

} // namespace moat::runtime::decide
