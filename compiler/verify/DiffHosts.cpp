// The endpoint space of `moat diff`: network decision lists ("any deny, else
// any allow, else the default" is the list denies, allows, default), the
// host index (net::HostIndex), and the bridge to the exact procedure
// (Witness.h findEndpoint).
#include "compiler/verify/DiffSpaces.h"

#include "compiler/net/NameAddresses.h"

#include "compiler/verify/Witness.h"

#include <fmt/format.h>

#include <algorithm>

namespace moat::verify::detail {

namespace {

using Kind = net::HostPattern::Kind;

bool isName(const net::HostPattern &p) { return p.kind == Kind::Exact || p.kind == Kind::Subdomains; }

} // namespace

HostSpace::Index::Index(const HostSpace &, const std::vector<DecisionEntry<HostItem>> &entries) {
  std::vector<const net::HostPattern *> patterns;
  for (size_t k = 0; k < entries.size(); ++k)
    if (const HostItem *item = entries[k].item) {
      patterns.push_back(item->pattern);
      entryAt_.push_back(k);
    }
  hosts_ = net::HostIndex(patterns);
}

void HostSpace::Index::candidates(const HostItem &q, std::vector<size_t> &out) const {
  std::vector<size_t> positions;
  hosts_.meeting(*q.pattern, positions);
  for (size_t i : positions) // ascending, and entryAt_ is increasing
    out.push_back(entryAt_[i]);
}

bool HostSpace::mayOverlap(const HostItem &a, const HostItem &b) const {
  return net::patternsMeet(*a.pattern, *b.pattern);
}

bool HostSpace::subsumes(const HostItem &io, const HostItem &ii) const {
  const net::HostPattern &outer = *io.pattern, &inner = *ii.pattern;
  if (!(outer.ports.lo <= inner.ports.lo && inner.ports.hi <= outer.ports.hi))
    return false;
  switch (outer.kind) {
  case Kind::Any:
    return true;
  case Kind::Exact:
    return inner.kind == Kind::Exact && inner.domain == outer.domain;
  case Kind::Subdomains:
    return isName(inner) && (net::nameIsUnder(inner.domain, outer.domain) ||
                             (inner.kind == Kind::Subdomains && inner.domain == outer.domain));
  case Kind::Cidr:
    if (inner.kind != Kind::Cidr || inner.network.v6 != outer.network.v6)
      return false;
    net::AddressInterval o = net::addressRange(outer), i = net::addressRange(inner);
    return o.lo <= i.lo && i.hi <= o.hi;
  }
  return false;
}

unsigned HostSpace::selectivity(const HostItem &item) const {
  switch (item.pattern->kind) {
  case Kind::Any:
    return 0;
  case Kind::Cidr:
    return 1;
  case Kind::Subdomains:
    return 2;
  case Kind::Exact:
    return 3;
  }
  return 0;
}

std::optional<net::Endpoint> HostSpace::find(const std::vector<const HostItem *> &include,
                                             const std::vector<const HostItem *> &exclude) const {
  std::vector<const net::HostPattern *> in, out;
  for (const HostItem *i : include)
    in.push_back(i->pattern);
  out.reserve(exclude.size());
  for (const HostItem *e : exclude)
    out.push_back(e->pattern);
  return findEndpoint(in, out);
}

HostSide netSide(const ir::Policy &policy, ir::Platform platform) {
  HostSide side;
  if (policy.options.flag(ir::OptionId::SandboxDisabled)) {
    Decider d;
    d.kind = Decider::Kind::Option;
    d.outcome = Outcome::Allow;
    d.option = ir::OptionId::SandboxDisabled;
    side.entries.push_back({nullptr, d, std::string()});
    return side;
  }
  for (ir::Effect effect : {ir::Effect::Deny, ir::Effect::Allow}) {
    for (const ir::NetRule &rule : policy.netRules) {
      if (rule.effect != effect || (rule.platform != ir::Platform::Any && rule.platform != platform))
        continue;
      Decider d;
      d.kind = Decider::Kind::Rule;
      d.outcome = effect == ir::Effect::Allow ? Outcome::Allow : Outcome::Deny;
      d.netRule = &rule;
      // The network decision ignores tiers and order: effect and pattern are all.
      std::string key = fmt::format("{}|{}", ir::effectName(effect), rule.host.text());
      side.items.push_back(HostItem{&rule.host});
      side.entries.push_back({&side.items.back(), d, std::move(key)});
      // A deny on a loopback address denies `localhost` too (net/NameAddresses.h).
      if (effect == ir::Effect::Deny)
        for (net::HostPattern &n : net::namesDeniedWith(rule.host)) {
          side.names.push_back(std::move(n));
          side.items.push_back(HostItem{&side.names.back()});
          side.entries.push_back({&side.items.back(), d, key + "|" + side.names.back().text()});
        }
    }
  }
  Decider def;
  switch (policy.defaults.connect) {
  case ir::NetDefault::Deny:
    def.outcome = Outcome::Deny;
    break;
  case ir::NetDefault::Ask:
    def.outcome = Outcome::Ask;
    break;
  case ir::NetDefault::Allow:
    def.outcome = Outcome::Allow;
    break;
  }
  side.entries.push_back({nullptr, def, std::string()});
  return side;
}

} // namespace moat::verify::detail
