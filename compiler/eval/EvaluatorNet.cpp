// The network decision of the reference evaluator, kept apart from the
// filesystem half: any matching deny, else any matching allow, else the
// default (docs/semantics.md, "Network").
#include "compiler/eval/Evaluator.h"

namespace moat::eval {

NetDecision Evaluator::decide(const net::CanonicalHost &host, uint16_t port) const {
  NetDecision d;
  if (policy_.options.flag(ir::OptionId::SandboxDisabled)) {
    d.outcome = NetDecision::Outcome::Allow;
    d.by = DecidedBy::Disabled;
    return d;
  }
  const ir::NetRule *firstAllow = nullptr;
  for (const ir::NetRule &rule : policy_.netRules) {
    if (rule.platform != ir::Platform::Any && rule.platform != platform_)
      continue;
    if (!rule.host.matches(host, port))
      continue;
    if (rule.effect == ir::Effect::Deny) {
      d.outcome = NetDecision::Outcome::Deny;
      d.by = DecidedBy::Rule;
      d.rule = &rule;
      return d;
    }
    if (!firstAllow)
      firstAllow = &rule;
  }
  if (firstAllow) {
    d.outcome = NetDecision::Outcome::Allow;
    d.by = DecidedBy::Rule;
    d.rule = firstAllow;
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
