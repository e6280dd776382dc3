// The network decision of the reference evaluator, kept apart from the
// filesystem half: any matching deny, else any matching allow, else the
// default (docs/semantics.md, "Network"). The rule itself is NetDecider
// (NetDecide.h), which the proxy allowlist loader shares.
#include "compiler/eval/Evaluator.h"

#include "compiler/eval/NetDecide.h"

namespace moat::eval {

NetDecision Evaluator::decide(const net::CanonicalHost &host, uint16_t port) const {
  NetDecision d;
  if (policy_.options.flag(ir::OptionId::SandboxDisabled)) {
    d.outcome = NetDecision::Outcome::Allow;
    d.by = DecidedBy::Disabled;
    return d;
  }
  const std::vector<ir::NetRule> &rules = policy_.netRules;
  std::optional<size_t> deciding = net_.decide(host, port);
  if (deciding) {
    const ir::NetRule &rule = rules[*deciding];
    d.outcome = rule.effect == ir::Effect::Deny ? NetDecision::Outcome::Deny
                                                : NetDecision::Outcome::Allow;
    d.by = DecidedBy::Rule;
    d.rule = &rule;
    return d;
  }
  d.by = DecidedBy::Default;
  switch (policy_.defaults.connect) {
  case ir::NetDefault::Allow:
    d.outcome = NetDecision::Outcome::Allow;
    break;
  case ir::NetDefault::Ask:
    d.outcome = NetDecision::Outcome::Ask;
    break;
  case ir::NetDefault::Deny:
    d.outcome = NetDecision::Outcome::Deny;
    break;
  }
  return d;
}

} // namespace moat::eval
