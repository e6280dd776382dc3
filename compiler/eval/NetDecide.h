// The network decision rule (docs/semantics.md, "Network"): any matching deny
// decides, else the first matching allow, else the default. It lives apart
// from the evaluator so that the reference evaluator and the proxy allowlist
// loader (backends/proxy) decide with the same code, not with two copies that
// could drift apart.
#pragma once
#include "compiler/ir/Policy.h"
#include "compiler/net/Host.h"

#include <llvm/ADT/STLFunctionalExtras.h>

#include <cstddef>
#include <optional>

namespace moat::eval {

// One rule as the decision sees it: its effect and its host pattern.
struct NetRuleView {
  ir::Effect effect = ir::Effect::Deny;
  const net::HostPattern *host = nullptr;
};

// The index of the deciding rule among rules [0, count): the first matching
// deny, else the first matching allow; nullopt when no rule matches (the
// default decides). `rule(i)` gives rule i, or nullopt when it does not take
// part (a rule for another platform).
std::optional<size_t> decidingNetRule(size_t count,
                                      llvm::function_ref<std::optional<NetRuleView>(size_t)> rule,
                                      const net::CanonicalHost &host, uint16_t port);

} // namespace moat::eval
