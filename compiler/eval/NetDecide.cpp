#include "compiler/eval/NetDecide.h"

namespace moat::eval {

std::optional<size_t> decidingNetRule(size_t count,
                                      llvm::function_ref<std::optional<NetRuleView>(size_t)> rule,
                                      const net::CanonicalHost &host, uint16_t port) {
  std::optional<size_t> firstAllow;
  for (size_t i = 0; i < count; ++i) {
    std::optional<NetRuleView> r = rule(i);
    if (!r || !r->host || !r->host->matches(host, port))
      continue;
    if (r->effect == ir::Effect::Deny)
      return i; // a deny anywhere wins, whatever the order
    if (!firstAllow)
      firstAllow = i;
  }
  return firstAllow;
}

} // namespace moat::eval
