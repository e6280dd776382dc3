// Coalescing, the run's memory of answers, "always", and the one-time
// notices (see Asker.h).
#include "runtime/decide/Asker.h"

#include <unistd.h>

namespace moat::runtime::decide {

const char *scopeName(Scope scope) {
  switch (scope) {
  case Scope::Once: return "once";
  case Scope::Session: return "session";
  case Scope::Always: return "always";
  }
  return "once";
}

std::string hostPort(const std::string &host, uint16_t port) {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Asker::Asker(Options options) : options_(std::move(options)) {
  if (!options_.notice)
    options_.notice = [](const std::string &text) {
      std::string line = "moat: " + text + "\n";
      (void)!::write(2, line.data(), line.size());
    };
}

Asker::~Asker() { stop(); }

std::chrono::milliseconds Asker::maxWait() const {
  return options_.decider ? options_.decider->maxWait() : std::chrono::milliseconds(0);
}

void Asker::noticeOnce(const std::string &what, const std::string &text) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!noticed_.insert(what).second)
      return;
  }
  options_.notice(text);
}

void Asker::ask(const std::string &host, uint16_t port, const std::string &protocol, bool policyAllows,
                AnswerFn done, std::optional<int> pid) {
  if (!options_.decider) {
    noticeOnce("nobody", "no terminal and no --decider: hosts the policy leaves to 'ask' are denied");
    Answer a;
    a.reason = "no rule allows it and there is no one to ask (no terminal, no --decider)";
    a.by = "default";
    return done(std::move(a));
  }
  std::string key = hostPort(host, port);
  {
    std::unique_lock<std::mutex> lock(mutex_);
    auto known = remembered_.find(key);
    if (known != remembered_.end()) {
      Answer a = known->second;
      lock.unlock();
      return done(std::move(a));
    }
    if (stopped_) {
      lock.unlock();
      Answer a;
      a.reason = "the run is ending";
      a.by = "default";
      return done(std::move(a));
    }
    auto [it, first] = pending_.try_emplace(key);
    it->second.push_back(std::move(done));
    if (!first)
      return; // asked already: this one waits for that answer
  }
  Question q;
  q.host = host;
  q.port = port;
  q.protocol = protocol;
  q.session = options_.session;
  q.command = options_.command;
  q.policyAllows = policyAllows;
  q.pid = pid;
  options_.decider->ask(q, [this, key, host, port](Answer a) { answered(key, host, port, std::move(a)); });
}

void Asker::answered(const std::string &key, const std::string &host, uint16_t port, Answer answer) {
  if (answer.allow && answer.scope == Scope::Always) {
    std::optional<std::string> error = !options_.persist       ? std::optional<std::string>("no user layer to write")
                                       : options_.persistBlocked ? options_.persistBlocked()
                                                                 : std::nullopt;
    if (error) {
      answer.scope = Scope::Session;
      noticeOnce("always:" + *error, "'allow always' for " + key + " holds for this run only: " + *error);
    }
  }
  std::vector<AnswerFn> waiters;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (answer.allow && answer.scope == Scope::Always && !remembered_.count(key))
      toPersist_.emplace_back(host, port);
    if (answer.scope != Scope::Once)
      remembered_[key] = answer;
    auto it = pending_.find(key);
    if (it != pending_.end()) {
      waiters = std::move(it->second);
      pending_.erase(it);
    }
  }
  for (AnswerFn &w : waiters)
    w(answer);
}

void Asker::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopped_)
      return;
    stopped_ = true;
  }
  // The decider answers what is pending with denies (through answered()).
  if (options_.decider)
    options_.decider->stop();
  std::vector<std::pair<std::string, uint16_t>> rules;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    rules.swap(toPersist_);
  }
  for (const auto &[host, port] : rules)
    if (std::optional<std::string> error = options_.persist(host, port))
      options_.notice("'allow always' for " + hostPort(host, port) + " was not saved: " + *error);
}

} // namespace moat::runtime::decide
