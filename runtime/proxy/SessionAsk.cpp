// The decider's turn in a session (docs/runtime.md, "Asking"): the policy
// said `ask` (or allowed the host under --decider-all), so the question
// goes to the run's Asker, and the session waits for the answer without
// holding the I/O thread. The answer comes back on the decider's thread
// and is posted here. While it waits, the session's deadline is the
// decider's own bound (a human needs more than the 10 s handshake
// timeout), plus a margin: a decider always answers within its bound, so
// the deadline only guards against a bug.
#include "runtime/decide/Asker.h"
#include "runtime/proxy/Session.h"

#include <asio/post.hpp>

namespace moat::runtime::proxy {

void Session::askThenOpen(const Verdict &verdict) {
  decide::Asker &asker = *core_.config.asker;
  armDeadline(asker.maxWait() + std::chrono::seconds(5));
  std::optional<int> pid = refusedClientPid(); // the client's, when the launcher can tell
  asker.ask(
      host_.text(), request_.port, request_.protocol, verdict.allowed,
            [weak = weak_from_this(), gate = core_.answerGate, verdict](decide::Answer answer) {
              // The session is kept alive by its deadline's handler; a weak
              // reference here means the last reference is never dropped on
              // the decider's thread.
              std::lock_guard<std::mutex> lock(gate->mutex);
              if (!gate->io)
                return; // the server has stopped
              asio::post(*gate->io, [weak, verdict, answer = std::move(answer)]() {
                if (auto self = weak.lock())
                  self->onAnswer(verdict, answer);
              });
            },
      pid);
}

void Session::onAnswer(const Verdict &verdict, const decide::Answer &answer) {
  if (closed_)
    return;
  disarmDeadline();
  // The decider decided (the log's rule): always for what the policy left
  // to ask, and for a deny of what it allowed.
  if (verdict.ask || !answer.allow)
    answeredBy_ = answer.by;
  if (!answer.allow) {
    std::string reason = !answer.reason.empty() ? answer.reason
                         : verdict.ask          ? "denied when asked"
                                                : "the decider denied it";
    logDecision(host_.text(), false, verdict.rule, false, reason);
    return refuse(Refusal::Policy, host_.text() + ":" + std::to_string(request_.port) + ": " + reason);
  }
  Verdict allowed = verdict;
  allowed.allowed = true;
  openAllowed(allowed, verdict.ask);
}

} // namespace moat::runtime::proxy
