// Asking about a destination the policy leaves open (`default connect ask`)
// or, with `--decider-all`, about every destination the policy allows: the
// question the proxy puts, the answer it gets, and the interface of whoever
// answers (the user at the terminal, TerminalDecider.h; a program speaking
// JSON lines, ProcessDecider.h).
//
// Why asynchronous: the proxy relays every tunnel of the sandbox on one I/O
// thread, and a human takes seconds to answer; a decider that blocked that
// thread would freeze every other connection. So ask() returns at once and
// the answer arrives later, on the decider's own thread, always within the
// decider's bounded time (a question nobody answers is a deny, never an
// allow, and never a wait for ever).
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace moat::runtime::decide {

struct Question {
  std::string host;     // canonical (net::canonicaliseHost)
  uint16_t port = 0;
  std::string protocol; // "connect", "http", "socks5"
  std::string session;  // this run's id
  std::vector<std::string> command; // moat run's CMD ARG...
  std::optional<int> pid;           // the client's, when known
  bool policyAllows = false;        // --decider-all: the policy itself allows it
};

enum class Scope { Once, Session, Always };

struct Answer {
  bool allow = false;
  Scope scope = Scope::Once;
  std::string reason;   // optional, from whoever answered (or why nobody did)
  std::string by;       // who decided, for the log's "rule": "terminal", "decider", ...
};

using AnswerFn = std::function<void(Answer)>;

class Decider {
public:
  virtual ~Decider() = default;
  // Must not block. `done` is called exactly once, on any thread, no later
  // than maxWait() after the call (a deny when time runs out).
  virtual void ask(const Question &question, AnswerFn done) = 0;
  virtual std::chrono::milliseconds maxWait() const = 0;
  // Stops (answering every pending question with a deny) and releases the
  // decider's thread and process. Idempotent.
  virtual void stop() = 0;
};

const char *scopeName(Scope scope);

} // namespace moat::runtime::decide
