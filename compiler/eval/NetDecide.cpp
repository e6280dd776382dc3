#include "compiler/eval/NetDecide.h"

#include "compiler/net/NameAddresses.h"

namespace moat::eval {

namespace {

net::HostIndex indexOf(const std::vector<NetRuleView> &rules, std::vector<size_t> &ruleAt) {
  std::vector<const net::HostPattern *> hosts;
  for (size_t i = 0; i < rules.size(); ++i)
    if (rules[i].host) {
      hosts.push_back(rules[i].host);
      ruleAt.push_back(i);
    }
  return net::HostIndex(hosts);
}

} // namespace

NetDecider::NetDecider(std::vector<NetRuleView> rules) : rules_(std::move(rules)) {
  index_ = indexOf(rules_, ruleAt_);
}

std::optional<size_t> NetDecider::decide(const net::CanonicalHost &host, uint16_t port) const {
  std::vector<size_t> matching;
  index_.matching(host, port, matching); // ascending, so in rule order
  std::optional<size_t> firstAllow, byAddress;
  for (size_t position : matching) {
    size_t i = ruleAt_[position];
    if (rules_[i].effect == ir::Effect::Deny) {
      byAddress = i; // a deny anywhere wins, whatever the order
      break;
    }
    if (!firstAllow)
      firstAllow = i;
  }
  // A name that IS an address (`localhost`) is denied by a deny on that
  // address too (net/NameAddresses.h); the first deny of either kind decides.
  for (const net::CanonicalHost &address : net::knownAddressesOf(host)) {
    matching.clear();
    index_.matching(address, port, matching);
    for (size_t position : matching) {
      size_t i = ruleAt_[position];
      if (rules_[i].effect == ir::Effect::Deny && (!byAddress || i < *byAddress))
        byAddress = i;
    }
  }
  if (byAddress)
    return byAddress;
  return firstAllow;
}

} // namespace moat::eval
