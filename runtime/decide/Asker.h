// What the proxy calls when the policy says `ask` (or, with
// `--decider-all`, for every host it allows): one place that turns a
// Decider's answers into the run's behaviour.
//
// * Concurrent questions about one HOST:PORT while one is pending are put
//   to the decider once; every waiter gets that answer (a package manager
//   opening eight connections to one registry asks the user once).
// * "session" answers, allow or deny, are remembered for the rest of the
//   run; "always" ones too, and their allow rules go into the user layer
//   (UserLayer.h) when the run ends (when they cannot, the answer counted
//   as "session" and stderr says why). Not at once: during the run the
//   launcher's watcher would take a new file in a protected place for the
//   sandbox's and quarantine it.
// * With no decider at all (no terminal, no --decider), every question is
//   a deny, and stderr says why once, not once per request.
#pragma once
#include "runtime/decide/Decider.h"

#include <map>
#include <memory>
#include <mutex>
#include <set>

namespace moat::runtime::decide {

class Asker {
public:
  struct Options {
    std::unique_ptr<Decider> decider; // null: nobody to ask
    bool askAll = false;              // --decider-all
    std::string session;
    std::vector<std::string> command;
    // "always": writes the allow rule for HOST:PORT into the user layer
    // (at stop()); returns an error message, or nullopt. Null: "always"
    // is "session".
    std::function<std::optional<std::string>(const std::string &host, uint16_t port)> persist;
    // Why "always" cannot be written this run (asked when it is answered),
    // or nullopt.
    std::function<std::optional<std::string>()> persistBlocked;
    // One-time notices (default: stderr).
    std::function<void(const std::string &)> notice;
  };
  explicit Asker(Options options);
  ~Asker(); // stop()

  // --decider-all: the decider also sees what the policy allows.
  bool asksAll() const { return options_.askAll && options_.decider; }
  // How long an answer may take at most (the proxy's deadline while it waits).
  std::chrono::milliseconds maxWait() const;

  // `done` is called exactly once, possibly on the calling thread (a
  // remembered answer, nobody to ask), else on the decider's.
  // `pid`: the client's, when the proxy knows it (the first asker's, for
  // a coalesced question).
  void ask(const std::string &host, uint16_t port, const std::string &protocol, bool policyAllows, AnswerFn done,
           std::optional<int> pid = std::nullopt);

  // Denies what is pending, stops the decider, then writes the "always"
  // answers into the user layer.
  void stop();

private:
  void answered(const std::string &key, const std::string &host, uint16_t port, Answer answer);
  void noticeOnce(const std::string &what, const std::string &text);

  Options options_;
  std::mutex mutex_;
  std::map<std::string, std::vector<AnswerFn>> pending_; // HOST:PORT -> waiters
  std::map<std::string, Answer> remembered_;              // session/always answers
  std::set<std::string> noticed_;
  std::vector<std::pair<std::string, uint16_t>> toPersist_;
  bool stopped_ = false;
};

// "HOST:PORT", with an IPv6 address in brackets: the key of a question and
// the form an `allow connect` rule matches exactly.
std::string hostPort(const std::string &host, uint16_t port);

} // namespace moat::runtime::decide
