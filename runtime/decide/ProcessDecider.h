// `moat run --decider=CMD`: a program, started once per run outside the
// sandbox (`/bin/sh -c CMD`, in a process group of its own), that answers
// questions in the JSON-lines protocol of DeciderProtocol.h. Its standard
// error is moat's.
//
// One thread per decider does all of its I/O (poll on its output, on a
// wake-up descriptor, and on its input while requests wait to be written),
// so ask() never blocks the proxy, not even on a decider that stopped
// reading. Everything that goes wrong is a deny within a bounded time:
// a question not answered within the timeout, a reply that does not parse
// (it denies the question it names, or the oldest one), a decider that
// exits or closes its output (every pending and later question). Each kind
// of failure is said once on stderr.
#pragma once
#include "runtime/decide/Decider.h"

#include <sys/types.h>

#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace moat::runtime::decide {

class ProcessDecider final : public Decider {
public:
  // Starts CMD. nullptr when it cannot (`error` says why).
  static std::unique_ptr<ProcessDecider> start(const std::string &command, std::chrono::milliseconds timeout,
                                               std::string &error);
  ~ProcessDecider() override;

  void ask(const Question &question, AnswerFn done) override;
  std::chrono::milliseconds maxWait() const override { return timeout_; }
  // Closes the decider's input, gives it a moment to exit, then ends its
  // process group (SIGTERM, then SIGKILL) and reaps it.
  void stop() override;

private:
  ProcessDecider(pid_t pid, int toChild, int fromChild, int wake, std::chrono::milliseconds timeout);
  void loop();
  void onLine(const std::string &line, std::vector<std::pair<AnswerFn, Answer>> &ready);
  void sayOnce(bool &said, const std::string &text);
  Answer deny(const std::string &reason) const;

  struct Pending {
    AnswerFn done;
    std::chrono::steady_clock::time_point deadline;
  };

  const pid_t pid_;
  int toChild_, fromChild_, wake_;
  const std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::map<uint64_t, Pending> pending_; // by id, so the oldest is first
  std::string outbox_;                  // request lines not yet written
  std::string inbox_;                   // a partial reply line
  uint64_t nextId_ = 1;
  bool dead_ = false;
  bool stopping_ = false;
  bool stopped_ = false;
  bool saidTimeout_ = false, saidGarbage_ = false, saidDead_ = false;
  std::thread thread_;
};

} // namespace moat::runtime::decide
