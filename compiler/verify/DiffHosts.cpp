// The endpoint space of `moat diff`: network decision lists ("any deny, else
// any allow, else the default" is the list denies, allows, default), an
// index of host patterns by reversed domain labels, and the bridge to the
// exact procedure (Witness.h findEndpoint).
#include "compiler/verify/DiffSpaces.h"

#include "compiler/verify/Witness.h"

#include <fmt/format.h>

#include <algorithm>

namespace moat::verify::detail {

namespace {

using Kind = net::HostPattern::Kind;

bool isName(const net::HostPattern &p) { return p.kind == Kind::Exact || p.kind == Kind::Subdomains; }

// "api.example.com" -> "com.example.api": a domain and everything under it
// then share a key prefix that ends at a dot.
std::string reversedLabels(const std::string &domain) {
  std::string out;
  size_t end = domain.size();
  while (true) {
    size_t dot = domain.rfind('.', end == 0 ? 0 : end - 1);
    size_t begin = (dot == std::string::npos || dot >= end) ? 0 : dot + 1;
    if (!out.empty())
      out += '.';
    out.append(domain, begin, end - begin);
    if (begin == 0)
      break;
    end = begin - 1;
  }
  return out;
}

// `name` lies strictly under `domain`.
bool under(const std::string &name, const std::string &domain) {
  return name.size() > domain.size() + 1 && name[name.size() - domain.size() - 1] == '.' &&
         name.compare(name.size() - domain.size(), domain.size(), domain) == 0;
}

bool samePrefixBits(const net::IpAddress &a, const net::IpAddress &b, unsigned bits) {
  for (unsigned i = 0; i < bits; ++i) {
    unsigned byte = i / 8, shift = 7 - i % 8;
    if (((a.bytes[byte] >> shift) & 1) != ((b.bytes[byte] >> shift) & 1))
      return false;
  }
  return true;
}

bool portsMeet(const net::PortRange &a, const net::PortRange &b) { return a.lo <= b.hi && b.lo <= a.hi; }

} // namespace

HostSpace::Index::Index(const HostSpace &, const std::vector<DecisionEntry<HostItem>> &entries) {
  for (size_t k = 0; k < entries.size(); ++k) {
    const HostItem *item = entries[k].item;
    if (!item)
      continue;
    all_.push_back(k);
    if (item->pattern->kind == Kind::Any)
      any_.push_back(k);
    else if (item->pattern->kind == Kind::Cidr)
      addresses_.push_back(k);
    else
      byKey_[item->key].push_back(k);
  }
}

void HostSpace::Index::candidates(const HostItem &q, std::vector<size_t> &out) const {
  const size_t start = out.size();
  switch (q.pattern->kind) {
  case Kind::Any:
    out.insert(out.end(), all_.begin(), all_.end());
    break;
  case Kind::Cidr:
    out.insert(out.end(), any_.begin(), any_.end());
    out.insert(out.end(), addresses_.begin(), addresses_.end());
    break;
  case Kind::Exact:
  case Kind::Subdomains: {
    out.insert(out.end(), any_.begin(), any_.end());
    // Patterns at q's domain or above it ("com", "com.example", ...).
    for (size_t dot = 0;; ++dot) {
      dot = q.key.find('.', dot);
      auto it = byKey_.find(dot == std::string::npos ? q.key : q.key.substr(0, dot));
      if (it != byKey_.end())
        out.insert(out.end(), it->second.begin(), it->second.end());
      if (dot == std::string::npos)
        break;
    }
    // Patterns strictly under q's domain meet only a wildcard.
    if (q.pattern->kind == Kind::Subdomains) {
      std::string below = q.key + ".";
      for (auto it = byKey_.lower_bound(below); it != byKey_.end() && it->first.compare(0, below.size(), below) == 0;
           ++it)
        out.insert(out.end(), it->second.begin(), it->second.end());
    }
    break;
  }
  }
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(start), out.end());
}

bool HostSpace::mayOverlap(const HostItem &ia, const HostItem &ib) const {
  const net::HostPattern &a = *ia.pattern, &b = *ib.pattern;
  if (!portsMeet(a.ports, b.ports))
    return false;
  if (a.kind == Kind::Any || b.kind == Kind::Any)
    return true;
  if (isName(a) != isName(b))
    return false; // names never match address patterns
  if (!isName(a)) {
    if (a.network.v6 != b.network.v6)
      return true; // an IPv4 host can match an IPv6 range through its mapped form: let findEndpoint decide
    return samePrefixBits(a.network, b.network, std::min(a.prefixLen, b.prefixLen));
  }
  if (a.kind == Kind::Exact && b.kind == Kind::Exact)
    return a.domain == b.domain;
  if (a.kind == Kind::Exact)
    return under(a.domain, b.domain);
  if (b.kind == Kind::Exact)
    return under(b.domain, a.domain);
  return a.domain == b.domain || under(a.domain, b.domain) || under(b.domain, a.domain);
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
    return isName(inner) && (under(inner.domain, outer.domain) ||
                             (inner.kind == Kind::Subdomains && inner.domain == outer.domain));
  case Kind::Cidr:
    return inner.kind == Kind::Cidr && inner.network.v6 == outer.network.v6 && inner.prefixLen >= outer.prefixLen &&
           samePrefixBits(inner.network, outer.network, outer.prefixLen);
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
      auto item = std::make_unique<HostItem>();
      item->pattern = &rule.host;
      if (isName(rule.host))
        item->key = reversedLabels(rule.host.domain);
      Decider d;
      d.kind = Decider::Kind::Rule;
      d.outcome = effect == ir::Effect::Allow ? Outcome::Allow : Outcome::Deny;
      d.netRule = &rule;
      // The network decision ignores tiers and order: effect and pattern are all.
      std::string key = fmt::format("{}|{}", ir::effectName(effect), rule.host.text());
      side.items.push_back(std::move(item));
      side.entries.push_back({side.items.back().get(), d, std::move(key)});
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
