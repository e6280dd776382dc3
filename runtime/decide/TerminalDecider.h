// The user at the controlling terminal answers: moat run opens /dev/tty
// (when it has one) and prompts there, one question at a time, on a
// thread of its own.
//
// The terminal is shared with the confined command (moat run does not use
// --new-session), so: each prompt is written whole with one write(2) and
// the next one only after the answer; typed-ahead input is discarded before
// a prompt (keystrokes meant for the command must not answer a question
// the user has not seen); and a prompt nobody answers within the timeout
// is a deny. When the command itself reads the terminal at the same time,
// a line goes to whichever reads first; an answer that does not parse asks
// again (docs/runtime.md, "Asking").
#pragma once
#include "runtime/decide/Decider.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace moat::runtime::decide {

inline constexpr std::chrono::milliseconds kTerminalTimeout{60000};

class TerminalDecider final : public Decider {
public:
  // Opens /dev/tty; nullptr when there is no controlling terminal.
  static std::unique_ptr<TerminalDecider> open(std::chrono::milliseconds timeout = kTerminalTimeout);
  ~TerminalDecider() override;

  void ask(const Question &question, AnswerFn done) override;
  // Questions wait for the ones before them: the bound is per question.
  std::chrono::milliseconds maxWait() const override { return timeout_; }
  void stop() override;

private:
  TerminalDecider(int tty, int wake, std::chrono::milliseconds timeout);
  void loop();
  Answer prompt(const Question &question, std::chrono::steady_clock::time_point deadline);

  struct Item {
    Question question;
    AnswerFn done;
    std::chrono::steady_clock::time_point deadline;
  };
  int tty_, wake_;
  const std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  bool stopped_ = false;
  std::thread thread_;
};

// The prompt's text for a question (for tests). `process`: the asking
// process's command line when its pid is known ("" otherwise).
std::string promptText(const Question &question, const std::string &process = "");
// An answer typed at the prompt: o(nce), s(ession), a(lways), d(eny) or
// n(o), in any case, with surrounding blanks; nullopt for anything else.
std::optional<Answer> parseTerminalAnswer(const std::string &line);

} // namespace moat::runtime::decide
