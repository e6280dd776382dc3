// Deciding asserts over all paths and endpoints (Asserts.h).
//
// Filesystem, for `assert E ACCESS "P"` on one platform: the bound rules,
// split by match class into parts in decision order (decisionParts), decide
// a path by the first part covering it. A path of P is a counterexample iff it is decided against E:
//  * by a rule R of the other effect: it lies in P and R and in no rule
//    before R (the same as findPath({P, R}, {rules before R}));
//  * by the default, when the default is not E: it lies in P and in no
//    rule (findPath({P}, {all rules})).
// findDecidedAgainst answers all of these in one product search, shortest
// counterexample first. Only rules whose literal prefix agrees with P's can
// meet P, so the rest are left out first. Every counterexample is confirmed
// by the reference evaluator before it is reported; a disagreement is an
// internal error, never a silent pass.
//
// Network: any matching deny decides, else any matching allow, else the
// default. `assert deny H` fails for an endpoint of H that an allow rule
// matches and no deny matches, or that no rule matches when the default is
// allow or ask; `assert allow H` for an endpoint of H a deny matches, or no
// rule matches when the default is deny or ask.
#include "compiler/verify/Asserts.h"

#include "compiler/net/HostIndex.h"
#include "compiler/net/NameAddresses.h"

#include "compiler/fs/Glob.h"
#include "compiler/ir/RuleText.h"
#include "compiler/verify/PrefixIndex.h"
#include "compiler/verify/Witness.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>

namespace moat::verify {

namespace {

bool filesystemOff(const ir::Policy &policy) {
  return policy.options.flag(ir::OptionId::SandboxDisabled) ||
         policy.options.flag(ir::OptionId::FilesystemDisabled);
}

// A sufficient condition, checked first because it is cheap: the `always`
// tier decides before every ordinary rule, so when the always rules that
// agree with `expected` cover all of `subject` and no always rule that
// disagrees shares a path with it, every path of `subject` is decided as
// expected whatever the ordinary rules say. Asserts that restate a built-in
// protection (`assert deny write "$CWD/**/.git/hooks/**"`) are then settled
// without walking the thousands of ordinary rules under $CWD. When the
// condition does not hold (or a search runs out of budget) the full search
// decides.
bool coveredByAlwaysTier(const std::vector<BoundFsRule> &rules, const std::vector<size_t> &comparable,
                         const fs::PathPattern &subject, ir::Effect expected) {
  std::vector<const fs::PathPattern *> agreeing;
  for (size_t k : comparable) {
    const BoundFsRule &r = rules[k];
    if (r.rule->tier != ir::Tier::Always)
      continue;
    if (r.rule->effect == expected) {
      agreeing.push_back(&r.bound);
      continue;
    }
    SearchBudget budget;
    if (findPath({&subject, &r.bound}, {}, budget) || budget.exhausted)
      return false;
  }
  if (agreeing.empty())
    return false;
  SearchBudget budget;
  return !findPath({&subject}, agreeing, budget) && !budget.exhausted;
}

// A path of `subject` that `rules` (decision order) and `defaultEffect`
// decide against `expected`, or nullopt when there is none: one product
// search over the subject and the rules on its branch of the tree.
std::optional<std::string> fsCounterexample(const std::vector<BoundFsRule> &rules, const PrefixIndex &index,
                                            const fs::PathPattern &subject, ir::Effect expected,
                                            ir::Effect defaultEffect, SearchBudget &budget) {
  std::vector<size_t> comparable = index.comparable(literalPrefixOf(subject));
  if (coveredByAlwaysTier(rules, comparable, subject, expected))
    return std::nullopt;
  // The rules' parts (decisionParts: self and descendant, each with its
  // rank), kept only for the rules on the subject's branch.
  std::vector<char> near(rules.size(), 0);
  for (size_t k : comparable)
    near[k] = 1;
  std::vector<DecisionPart> parts = decisionParts(rules);
  std::vector<DecidingRule> deciding;
  for (const DecisionPart &p : parts)
    if (near[p.rule])
      deciding.push_back(DecidingRule{&p.pattern, rules[p.rule].rule->effect, p.selfOnly});
  return findDecidedAgainst(subject, deciding, expected, defaultEffect, budget);
}

// An endpoint of `subject` the network rules and default decide against
// `expected`. Only the rules that meet the subject can decide one of its
// endpoints, and only the denies that meet an allow can take its endpoints
// back: the index finds both, so a policy with 100k domain rules costs a
// few lookups per assert.
// The network rules that apply on one platform, indexed by host; built once
// and shared by every connect assert.
// A deny on a loopback address also stands for the loopback names
// (net/NameAddresses.h): they are added as denies of the same rule.
struct NetRulesOn {
  std::vector<const ir::NetRule *> rules;
  std::vector<const net::HostPattern *> hosts;
  std::deque<net::HostPattern> names; // the loopback names of address denies
  net::HostIndex index;

  NetRulesOn(const ir::Policy &policy, ir::Platform platform) {
    for (const ir::NetRule &r : policy.netRules) {
      if (r.platform != ir::Platform::Any && r.platform != platform)
        continue;
      rules.push_back(&r);
      hosts.push_back(&r.host);
      if (r.effect == ir::Effect::Deny)
        for (net::HostPattern &n : net::namesDeniedWith(r.host)) {
          rules.push_back(&r);
          hosts.push_back(&names.emplace_back(std::move(n)));
        }
    }
    index = net::HostIndex(hosts);
  }
};

std::optional<net::Endpoint> netCounterexample(const ir::Policy &policy, const NetRulesOn &on,
                                               const net::HostPattern &subject, ir::Effect expected) {
  if (policy.options.flag(ir::OptionId::SandboxDisabled))
    return expected == ir::Effect::Deny ? findEndpoint({&subject}, {}) : std::nullopt;
  const std::vector<const ir::NetRule *> &rules = on.rules;
  const std::vector<const net::HostPattern *> &hosts = on.hosts;
  const net::HostIndex &index = on.index;
  auto meeting = [&](const net::HostPattern &q, std::optional<ir::Effect> effect) {
    std::vector<size_t> positions;
    index.meeting(q, positions);
    std::vector<const net::HostPattern *> out;
    for (size_t k : positions)
      if (!effect || rules[k]->effect == *effect)
        out.push_back(hosts[k]);
    return out;
  };
  bool defaultAgrees = expected == ir::Effect::Deny ? policy.defaults.connect == ir::NetDefault::Deny
                                                    : policy.defaults.connect == ir::NetDefault::Allow;
  if (expected == ir::Effect::Deny) {
    for (const net::HostPattern *a : meeting(subject, ir::Effect::Allow))
      if (auto e = findEndpoint({&subject, a}, meeting(*a, ir::Effect::Deny)))
        return e;
  } else {
    for (const net::HostPattern *d : meeting(subject, ir::Effect::Deny))
      if (auto e = findEndpoint({&subject, d}, {}))
        return e;
  }
  if (!defaultAgrees)
    return findEndpoint({&subject}, meeting(subject, std::nullopt));
  return std::nullopt;
}

std::string endpointText(const net::Endpoint &e) { return e.host.text() + ":" + std::to_string(e.port); }

const char *platformLabel(ir::Platform p) { return p == ir::Platform::MacOS ? "macOS" : "Linux"; }

// One platform's verdict on one assert: nullopt when it holds there.
struct Failure {
  std::string path;
  std::optional<net::Endpoint> endpoint;
  eval::FsDecision fs;
  eval::NetDecision net;
};

class Checker {
public:
  Checker(const ir::Policy &policy, const eval::Bindings &bindings) : policy_(policy), bindings_(bindings) {}

  // `neutral`: no rule is platform-specific, so macOS decides as Linux does
  // and only Linux is prepared (the callers reuse its verdicts).
  bool prepare(bool neutral, std::string &error) {
    for (ir::Platform p : {ir::Platform::Linux, ir::Platform::MacOS}) {
      if (neutral && p == ir::Platform::MacOS)
        break;
      PerPlatform &pp = platforms_[p == ir::Platform::MacOS];
      pp.ev = eval::Evaluator::create(policy_, bindings_, p, error);
      if (!pp.ev)
        return false;
      for (ir::Access a : {ir::Access::Read, ir::Access::Write}) {
        auto rules = boundFsRules(policy_, bindings_, p, a, error);
        if (!rules)
          return false;
        pp.rules[static_cast<size_t>(a)] = std::move(*rules);
        pp.index[static_cast<size_t>(a)] = std::make_unique<PrefixIndex>(pp.rules[static_cast<size_t>(a)]);
      }
    }
    return true;
  }

  std::optional<std::optional<Failure>> decide(const ir::Assertion &a, ir::Platform p, std::string &error) {
    const PerPlatform &pp = platforms_[p == ir::Platform::MacOS];
    Failure f;
    if (a.subject == ir::AssertSubject::Connect) {
      PerPlatform &mine = platforms_[p == ir::Platform::MacOS];
      if (!mine.net)
        mine.net = std::make_unique<NetRulesOn>(policy_, p);
      auto e = netCounterexample(policy_, *mine.net, a.host, a.expected);
      if (!e)
        return std::optional<Failure>();
      f.net = pp.ev->decide(e->host, e->port);
      bool against = a.expected == ir::Effect::Deny ? f.net.outcome != eval::NetDecision::Outcome::Deny
                                                    : f.net.outcome != eval::NetDecision::Outcome::Allow;
      if (!against) {
        error = "internal error: the verifier and the evaluator disagree about " + endpointText(*e) +
                " for " + assertionText(a);
        return std::nullopt;
      }
      f.endpoint = e;
      return std::optional<Failure>(std::move(f));
    }
    ir::Access access = a.subject == ir::AssertSubject::Read ? ir::Access::Read : ir::Access::Write;
    auto subject = eval::bindPatternParts(policy_, bindings_, a.path, error);
    if (!subject)
      return std::nullopt;
    std::optional<std::string> w;
    SearchBudget budget;
    if (filesystemOff(policy_)) {
      if (a.expected == ir::Effect::Deny)
        w = findPath({&*subject}, {}, budget);
    } else {
      ir::Effect def = access == ir::Access::Read ? policy_.defaults.read : policy_.defaults.write;
      w = fsCounterexample(pp.rules[static_cast<size_t>(access)], *pp.index[static_cast<size_t>(access)], *subject,
                           a.expected, def, budget);
    }
    if (budget.exhausted) {
      // Never a pass by default: an assert that cannot be decided is an error.
      error = "cannot decide " + assertionText(a) +
              ": its patterns are too complex to search exhaustively (a glob with many '?' or classes "
              "after a '*' grows exponentially); simplify the glob";
      return std::nullopt;
    }
    if (!w)
      return std::optional<Failure>();
    f.fs = pp.ev->decide(*w, access);
    if (f.fs.effect == a.expected) {
      error = "internal error: the verifier and the evaluator disagree about " + *w + " for " + assertionText(a);
      return std::nullopt;
    }
    f.path = *w;
    return std::optional<Failure>(std::move(f));
  }

private:
  struct PerPlatform {
    std::unique_ptr<eval::Evaluator> ev;
    std::vector<BoundFsRule> rules[2]; // by ir::Access
    std::unique_ptr<PrefixIndex> index[2];
    std::unique_ptr<NetRulesOn> net; // built at the first connect assert
  };
  const ir::Policy &policy_;
  const eval::Bindings &bindings_;
  PerPlatform platforms_[2]; // Linux, macOS
};

} // namespace

std::optional<std::vector<AssertOutcome>> checkAsserts(const ir::Policy &policy,
                                                       const eval::Bindings &bindings,
                                                       std::string &error) {
  bool neutral = true;
  for (const ir::FsRule &r : policy.fsRules)
    neutral &= r.platform == ir::Platform::Any;
  for (const ir::NetRule &r : policy.netRules)
    neutral &= r.platform == ir::Platform::Any;
  for (const ir::Assertion &a : policy.asserts)
    neutral &= a.platform == ir::Platform::Any; // a macOS-only assert is decided on macOS
  Checker checker(policy, bindings);
  if (!checker.prepare(neutral, error))
    return std::nullopt;
  std::vector<AssertOutcome> out;
  for (const ir::Assertion &a : policy.asserts) {
    AssertOutcome o;
    o.assertion = &a;
    bool any = false;
    std::optional<std::optional<Failure>> onLinux;
    for (ir::Platform p : {ir::Platform::Linux, ir::Platform::MacOS}) {
      if (a.platform != ir::Platform::Any && a.platform != p)
        continue;
      // Without platform blocks both platforms see the same rules: the
      // second answer is the first.
      auto verdict = p == ir::Platform::MacOS && onLinux && neutral ? onLinux : checker.decide(a, p, error);
      if (p == ir::Platform::Linux)
        onLinux = verdict;
      if (!verdict)
        return std::nullopt;
      if (!*verdict) {
        o.everyPlatform = false;
        continue;
      }
      if (any)
        continue; // the first platform's counterexample is the one reported
      any = true;
      o.holds = false;
      o.platform = p;
      o.path = (*verdict)->path;
      o.endpoint = (*verdict)->endpoint;
      o.fs = (*verdict)->fs;
      o.net = (*verdict)->net;
    }
    // An assert for one platform fails "everywhere it applies".
    if (a.platform != ir::Platform::Any)
      o.everyPlatform = true;
    out.push_back(std::move(o));
  }
  return out;
}

std::string assertionText(const ir::Assertion &a) {
  const char *subject = a.subject == ir::AssertSubject::Read    ? "read"
                        : a.subject == ir::AssertSubject::Write ? "write"
                                                                : "connect";
  return fmt::format("{} {} {}", ir::effectName(a.expected), subject, ir::quoted(a.text));
}

std::string displayPath(const eval::Bindings &bindings, const std::string &absPath) {
  auto under = [&](const std::string &root) {
    if (root == "/")
      return false;
    return absPath.compare(0, root.size(), root) == 0 &&
           (absPath.size() == root.size() || absPath[root.size()] == '/');
  };
  if (auto cwd = bindings.lookup("CWD"); cwd && under(*cwd))
    return "$CWD" + absPath.substr(cwd->size());
  if (auto home = bindings.lookup("HOME"); home && under(*home))
    return "~" + absPath.substr(home->size());
  return absPath;
}

std::string counterexampleText(const eval::Bindings &bindings, const AssertOutcome &o) {
  const ir::Assertion &a = *o.assertion;
  std::string text;
  bool deny = a.expected == ir::Effect::Deny;
  if (o.endpoint) {
    std::string ep = endpointText(*o.endpoint);
    if (o.net.outcome == eval::NetDecision::Outcome::Ask)
      text = ep + (deny ? " is asked about, not denied" : " is only asked about, not allowed");
    else
      text = ep + (deny ? " is reachable" : " is not reachable");
  } else {
    const char *access = a.subject == ir::AssertSubject::Read ? "readable" : "writable";
    text = displayPath(bindings, o.path) + (deny ? " is " : " is not ") + access;
  }
  if (!o.everyPlatform)
    text += fmt::format(" (on {})", platformLabel(o.platform));
  return text;
}

std::string decidedByText(const ir::Policy &policy, const AssertOutcome &o) {
  auto byRule = [](ir::Effect e, const ir::Provenance &prov, const std::string &ruleText) {
    if (!prov.loc.valid())
      return fmt::format("{} by the built-in protection '{}'", e == ir::Effect::Allow ? "allowed" : "denied",
                         ruleText);
    return fmt::format("{} by this rule", e == ir::Effect::Allow ? "allowed" : "denied");
  };
  if (o.endpoint) {
    switch (o.net.by) {
    case eval::DecidedBy::Rule:
      return byRule(o.net.rule->effect, o.net.rule->prov, ir::ruleText(*o.net.rule));
    case eval::DecidedBy::Disabled:
      return "the sandbox is disabled by this option";
    case eval::DecidedBy::Default:
      break;
    }
    const char *value = policy.defaults.connect == ir::NetDefault::Ask     ? "ask"
                        : policy.defaults.connect == ir::NetDefault::Allow ? "allow"
                                                                           : "deny";
    return fmt::format("the default connect {} decides it", value);
  }
  switch (o.fs.by) {
  case eval::DecidedBy::Rule:
    return byRule(o.fs.rule->effect, o.fs.rule->prov, ir::ruleText(*o.fs.rule));
  case eval::DecidedBy::Disabled:
    return policy.options.flag(ir::OptionId::SandboxDisabled) ? "the sandbox is disabled by this option"
                                                              : "filesystem confinement is disabled by this option";
  case eval::DecidedBy::Default:
    break;
  }
  bool read = o.assertion->subject == ir::AssertSubject::Read;
  return fmt::format("the default {} {} decides it", read ? "read" : "write", ir::effectName(o.fs.effect));
}

namespace {

SourceLoc decidedAt(const ir::Policy &policy, const AssertOutcome &o) {
  auto optionAt = [&](ir::OptionId id) {
    const auto &s = policy.options.get(id);
    return s ? s->loc : SourceLoc{};
  };
  if (o.endpoint) {
    switch (o.net.by) {
    case eval::DecidedBy::Rule:
      return o.net.rule->prov.loc;
    case eval::DecidedBy::Disabled:
      return optionAt(ir::OptionId::SandboxDisabled);
    case eval::DecidedBy::Default:
      return policy.defaults.connectLoc;
    }
    return {};
  }
  switch (o.fs.by) {
  case eval::DecidedBy::Rule:
    return o.fs.rule->prov.loc;
  case eval::DecidedBy::Disabled:
    return optionAt(policy.options.flag(ir::OptionId::SandboxDisabled) ? ir::OptionId::SandboxDisabled
                                                                       : ir::OptionId::FilesystemDisabled);
  case eval::DecidedBy::Default:
    break;
  }
  return o.assertion->subject == ir::AssertSubject::Read ? policy.defaults.readLoc : policy.defaults.writeLoc;
}

} // namespace

Diagnostic assertFailure(const ir::Policy &policy, const eval::Bindings &bindings, const AssertOutcome &o) {
  Diagnostic d{DiagKind::Finding, Severity::Error, kAssertFailedId, o.assertion->prov.loc,
               fmt::format("assertion '{}' fails: {}", assertionText(*o.assertion), counterexampleText(bindings, o)),
               {}};
  d.notes.push_back(Diagnostic{DiagKind::Finding, Severity::Note, kAssertFailedId, decidedAt(policy, o),
                               decidedByText(policy, o), {}});
  return d;
}

} // namespace moat::verify
