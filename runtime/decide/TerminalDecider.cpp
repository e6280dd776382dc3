// Prompts on the controlling terminal (see TerminalDecider.h).
#include "runtime/decide/TerminalDecider.h"

#include "runtime/FullIo.h"
#include "runtime/ProcessCommand.h"
#include "runtime/decide/QuietThread.h"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <termios.h>
#include <unistd.h>

namespace moat::runtime::decide {

namespace {

// Printable ASCII only: a host or argument cannot put escape sequences on
// the user's terminal (and so cannot redraw the prompt into something else).
std::string printable(const std::string &text) {
  std::string out;
  for (unsigned char c : text)
    out += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?';
  return out;
}

bool writeText(int fd, const std::string &text) { return writeAll(fd, text.data(), text.size()); }

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t\r");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

} // namespace

std::string promptText(const Question &q, const std::string &process) {
  std::string command;
  for (const std::string &arg : q.command)
    command += (command.empty() ? "" : " ") + arg;
  if (command.size() > 200)
    command = command.substr(0, 200) + "...";
  std::string target = q.host.find(':') != std::string::npos ? "[" + q.host + "]" : q.host;
  std::string who = "`" + printable(command) + "`";
  if (q.pid)
    who = "pid " + std::to_string(*q.pid) + (process.empty() ? "" : " `" + printable(process) + "`") + ", in " + who +
          ",";
  return "\r\nmoat: " + who + " wants to connect to " + printable(target) + ":" +
         std::to_string(q.port) + " (" + q.protocol + ")" +
         (q.policyAllows ? ", which the policy allows" : "") +
         "\r\nmoat: allow [o]nce, for this [s]ession, [a]lways, or [d]eny? ";
}

std::optional<Answer> parseTerminalAnswer(const std::string &line) {
  std::string t = trim(line);
  if (t.empty())
    return std::nullopt;
  char c = static_cast<char>(t[0] | 0x20);
  std::string word;
  for (char ch : t)
    word += static_cast<char>(ch | 0x20);
  auto is = [&](const char *full) { return word.size() == 1 || word == full; };
  Answer a;
  a.by = "terminal";
  if (c == 'o' && is("once")) {
    a.allow = true;
  } else if (c == 's' && is("session")) {
    a.allow = true;
    a.scope = Scope::Session;
  } else if (c == 'a' && is("always")) {
    a.allow = true;
    a.scope = Scope::Always;
  } else if ((c == 'd' && is("deny")) || (c == 'n' && is("no"))) {
    a.reason = "denied at the terminal";
  } else {
    return std::nullopt;
  }
  return a;
}

std::unique_ptr<TerminalDecider> TerminalDecider::open(std::chrono::milliseconds timeout) {
  int tty = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (tty < 0)
    return nullptr;
  int wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake < 0) {
    ::close(tty);
    return nullptr;
  }
  std::unique_ptr<TerminalDecider> d(new TerminalDecider(tty, wake, timeout));
  d->thread_ = quietThread([raw = d.get()] { raw->loop(); });
  return d;
}

TerminalDecider::TerminalDecider(int tty, int wake, std::chrono::milliseconds timeout)
    : tty_(tty), wake_(wake), timeout_(timeout) {}

TerminalDecider::~TerminalDecider() { stop(); }

void TerminalDecider::ask(const Question &question, AnswerFn done) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopping_) {
      // Waiting behind other prompts counts: the answer is due within the
      // timeout of this call, whatever is before it.
      queue_.push_back(Item{question, std::move(done), std::chrono::steady_clock::now() + timeout_});
      cv_.notify_one();
      return;
    }
  }
  Answer a;
  a.by = "terminal";
  a.reason = "the run is ending";
  done(std::move(a));
}

Answer TerminalDecider::prompt(const Question &q, std::chrono::steady_clock::time_point deadline) {
  Answer none;
  none.by = "terminal";
  ::tcflush(tty_, TCIFLUSH); // typed-ahead keystrokes do not answer this question
  if (!writeText(tty_, promptText(q, q.pid ? processCommand(*q.pid) : ""))) {
    none.reason = "the terminal cannot be written";
    return none;
  }
  std::string line;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      writeText(tty_, "\r\nmoat: no answer: denied\r\n");
      none.reason = "nobody answered at the terminal within " + std::to_string(timeout_.count() / 1000) + " s";
      return none;
    }
    pollfd fds[2] = {{tty_, POLLIN, 0}, {wake_, POLLIN, 0}};
    int r = ::poll(fds, 2, static_cast<int>(left.count()));
    if (r < 0 && errno != EINTR) {
      none.reason = "the terminal cannot be read";
      return none;
    }
    if (fds[1].revents & POLLIN) {
      none.reason = "the run is ending";
      return none;
    }
    if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
      none.reason = "the terminal has gone";
      return none;
    }
    if (!(fds[0].revents & POLLIN))
      continue;
    char buf[256];
    ssize_t n = ::read(tty_, buf, sizeof buf);
    if (n == 0) {
      none.reason = "the terminal has gone";
      return none;
    }
    if (n < 0)
      continue;
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] != '\n' && buf[i] != '\r') {
        if (line.size() < 64)
          line += buf[i];
        continue;
      }
      if (std::optional<Answer> a = parseTerminalAnswer(line)) {
        writeText(tty_, std::string("moat: ") + (a->allow ? "allowed " : "denied ") +
                           (a->allow ? scopeName(a->scope) : "") + "\r\n");
        return *a;
      }
      if (!trim(line).empty())
        writeText(tty_, "moat: answer o, s, a or d: ");
      line.clear();
    }
  }
}

void TerminalDecider::loop() {
  for (;;) {
    Item item;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_)
        return;
      item = std::move(queue_.front());
      queue_.pop_front();
    }
    item.done(prompt(item.question, item.deadline));
  }
}

void TerminalDecider::stop() {
  std::deque<Item> left;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopped_)
      return;
    stopped_ = stopping_ = true;
    left.swap(queue_);
    cv_.notify_one();
  }
  uint64_t one = 1;
  (void)!::write(wake_, &one, sizeof one);
  if (thread_.joinable())
    thread_.join();
  for (Item &item : left) {
    Answer a;
    a.by = "terminal";
    a.reason = "the run is ending";
    item.done(std::move(a));
  }
  ::close(tty_);
  ::close(wake_);
}

} // namespace moat::runtime::decide
