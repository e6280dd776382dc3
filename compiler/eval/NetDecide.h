// The network decision rule (docs/semantics.md, "Network"): any matching deny
// decides, else the first matching allow, else the default. It lives apart
// from the evaluator so that the reference evaluator and the proxy allowlist
// loader (backends/proxy) decide with the same code, not with two copies that
// could drift apart. The rules are indexed by host (net::HostIndex), so a
// decision costs a few lookups whatever the number of rules.
#pragma once
#include "compiler/ir/Policy.h"
#include "compiler/net/Host.h"
#include "compiler/net/HostIndex.h"

#include <cstddef>
#include <optional>
#include <vector>

namespace moat::eval {

// One rule as the decision sees it: its effect and its host pattern.
struct NetRuleView {
  ir::Effect effect = ir::Effect::Deny;
  const net::HostPattern *host = nullptr; // nullptr: takes no part (another platform's rule)
};

class NetDecider {
public:
  NetDecider() = default;
  // Rule i is rules[i]; the host patterns must outlive the decider.
  explicit NetDecider(std::vector<NetRuleView> rules);

  // The index of the deciding rule: the first matching deny, else the first
  // deny on an address the host is known to be (`localhost` is 127.0.0.1
  // and ::1, net/NameAddresses.h), else the first matching allow; nullopt
  // when no rule matches (the default decides).
  std::optional<size_t> decide(const net::CanonicalHost &host, uint16_t port) const;

private:
  std::vector<NetRuleView> rules_;
  std::vector<size_t> ruleAt_; // index position -> rule index
  net::HostIndex index_;
};

} // namespace moat::eval
