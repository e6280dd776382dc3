// Choosing who answers, once per run (see Asking.h).
#include "runtime/decide/Asking.h"

#include "runtime/decide/ProcessDecider.h"
#include "runtime/decide/TerminalDecider.h"
#include "runtime/decide/UserLayer.h"

#include <sys/random.h>
#include <unistd.h>

namespace moat::runtime::decide {

namespace {
// A run's id for the decider: the launcher's pid and 64 random bits (a
// decider serving several runs tells them apart).
std::string sessionId() {
  unsigned char bytes[8] = {};
  if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    // Still unique enough to tell runs apart; it protects nothing.
  }
  static const char hex[] = "0123456789abcdef";
  std::string out = std::to_string(::getpid()) + "-";
  for (unsigned char b : bytes) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}
} // namespace

std::unique_ptr<Asker> startAsking(const AskingOptions &options, const ir::Policy &policy,
                                   const eval::Evaluator &evaluator, const std::vector<std::string> &command,
                                   std::string &error) {
  bool asks = policy.defaults.connect == ir::NetDefault::Ask;
  if (!asks && !options.askAll)
    return nullptr;
  Asker::Options o;
  o.askAll = options.askAll;
  o.session = sessionId();
  o.command = command;
  if (!options.deciderCommand.empty()) {
    o.decider = ProcessDecider::start(options.deciderCommand, options.deciderTimeout, error);
    if (!o.decider)
      return nullptr;
  } else if (asks) {
    o.decider = TerminalDecider::open(); // null without a controlling terminal: nobody to ask
  }
  if (!options.userLayer.empty()) {
    o.persist = [path = options.userLayer](const std::string &host, uint16_t port) {
      return appendAllowConnect(path, host, port);
    };
    o.persistBlocked = [path = options.userLayer, &evaluator]() -> std::optional<std::string> {
      std::string dir = path.substr(0, path.rfind('/'));
      if (evaluator.decide(dir.empty() ? "/" : dir, ir::Access::Write).effect == ir::Effect::Allow)
        return "the sandbox may write " + dir + ", so moat does not keep the user layer there; keep it in a "
               "directory the policy does not let the sandbox write";
      return std::nullopt;
    };
  }
  return std::make_unique<Asker>(std::move(o));
}

} // namespace moat::runtime::decide
