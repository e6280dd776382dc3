#include "compiler/net/HostIndex.h"

#include <algorithm>

namespace moat::net {

namespace {

constexpr u128 kAll = ~static_cast<u128>(0);

using Kind = HostPattern::Kind;

u128 maskTo(u128 a, unsigned length) {
  if (length == 0)
    return 0;
  if (length >= 128)
    return a;
  return a & ~(kAll >> length);
}

uint64_t hashOf(std::string_view s) { return std::hash<std::string_view>()(s); }

bool isName(const HostPattern &p) { return p.kind == Kind::Exact || p.kind == Kind::Subdomains; }

bool portsMeet(const PortRange &a, const PortRange &b) { return a.lo <= b.hi && b.lo <= a.hi; }

void sortUnique(std::vector<size_t> &out, size_t from) {
  auto begin = out.begin() + static_cast<std::ptrdiff_t>(from);
  std::sort(begin, out.end());
  out.erase(std::unique(begin, out.end()), out.end());
}

// Calls f(ancestor) for every proper ancestor of `domain`: "b.c", "c" for "a.b.c".
template <typename F> void forEachProperAncestor(std::string_view domain, F f) {
  for (size_t dot = domain.find('.'); dot != std::string_view::npos; dot = domain.find('.', dot + 1))
    f(domain.substr(dot + 1));
}

} // namespace

u128 unifiedAddress(const IpAddress &ip) {
  u128 a = 0;
  if (ip.v6) {
    for (int i = 0; i < 16; ++i)
      a = (a << 8) | ip.bytes[i];
    return a;
  }
  a = static_cast<u128>(0xffff) << 32;
  for (int i = 0; i < 4; ++i)
    a |= static_cast<u128>(ip.bytes[i]) << (8 * (3 - i));
  return a;
}

unsigned unifiedPrefixLength(const HostPattern &cidr) {
  unsigned len = cidr.prefixLen + (cidr.network.v6 ? 0 : 96);
  return std::min(len, 128u);
}

AddressInterval addressRange(const HostPattern &cidr) {
  unsigned len = unifiedPrefixLength(cidr);
  u128 base = maskTo(unifiedAddress(cidr.network), len);
  u128 span = len == 0 ? kAll : len == 128 ? 0 : (kAll >> len);
  return AddressInterval{base, base | span};
}

std::string reversedLabels(std::string_view domain) {
  std::string out;
  out.reserve(domain.size());
  size_t end = domain.size();
  while (true) {
    size_t dot = end == 0 ? std::string_view::npos : domain.rfind('.', end - 1);
    size_t begin = dot == std::string_view::npos ? 0 : dot + 1;
    if (!out.empty())
      out += '.';
    out.append(domain.substr(begin, end - begin));
    if (begin == 0)
      break;
    end = begin - 1;
  }
  return out;
}

bool nameIsUnder(std::string_view name, std::string_view domain) {
  return name.size() > domain.size() + 1 && name[name.size() - domain.size() - 1] == '.' &&
         name.compare(name.size() - domain.size(), domain.size(), domain) == 0;
}

bool patternsMeet(const HostPattern &a, const HostPattern &b) {
  if (!portsMeet(a.ports, b.ports))
    return false;
  if (a.kind == Kind::Any || b.kind == Kind::Any)
    return true;
  if (isName(a) != isName(b))
    return false; // a name never matches an address pattern
  if (!isName(a)) {
    AddressInterval x = addressRange(a), y = addressRange(b);
    return x.lo <= y.hi && y.lo <= x.hi;
  }
  if (a.kind == Kind::Exact && b.kind == Kind::Exact)
    return a.domain == b.domain;
  if (a.kind == Kind::Exact)
    return nameIsUnder(a.domain, b.domain);
  if (b.kind == Kind::Exact)
    return nameIsUnder(b.domain, a.domain);
  // Two wildcards share "x.<the longer domain>" when one domain is at or under the other.
  return a.domain == b.domain || nameIsUnder(a.domain, b.domain) || nameIsUnder(b.domain, a.domain);
}

HostIndex::HostIndex(llvm::ArrayRef<const HostPattern *> patterns) : patterns_(patterns.begin(), patterns.end()) {
  for (size_t i = 0; i < patterns_.size(); ++i) {
    const HostPattern &p = *patterns_[i];
    auto position = static_cast<uint32_t>(i);
    switch (p.kind) {
    case Kind::Any:
      any_.push_back(i);
      break;
    case Kind::Exact:
    case Kind::Subdomains:
      names_.push_back(Name{hashOf(p.domain), p.domain, position, p.kind == Kind::Subdomains});
      break;
    case Kind::Cidr: {
      Cidr c{unifiedPrefixLength(p), addressRange(p).lo, position};
      cidrs_.push_back(c);
      cidrsByLo_.push_back(c);
      lengths_.push_back(c.length);
      break;
    }
    }
  }
  std::sort(names_.begin(), names_.end(), [](const Name &a, const Name &b) {
    if (a.hash != b.hash)
      return a.hash < b.hash;
    return a.domain < b.domain || (a.domain == b.domain && a.position < b.position);
  });
  std::sort(cidrs_.begin(), cidrs_.end(), [](const Cidr &a, const Cidr &b) {
    return a.length < b.length || (a.length == b.length && (a.lo < b.lo || (a.lo == b.lo && a.position < b.position)));
  });
  std::sort(cidrsByLo_.begin(), cidrsByLo_.end(),
            [](const Cidr &a, const Cidr &b) { return a.lo < b.lo || (a.lo == b.lo && a.position < b.position); });
  std::sort(lengths_.begin(), lengths_.end());
  lengths_.erase(std::unique(lengths_.begin(), lengths_.end()), lengths_.end());
}

const std::vector<HostIndex::Under> &HostIndex::underTable() const {
  UnderTable &t = *under_;
  std::call_once(t.built, [&] {
    for (size_t i = 0; i < names_.size(); ++i)
      forEachProperAncestor(names_[i].domain,
                            [&](std::string_view d) { t.pairs.push_back(Under{hashOf(d), static_cast<uint32_t>(i)}); });
    // By hash, then by entry (not by rule position: meeting() sorts what it
    // returns, and the integer tie-break keeps this sort cheap when
    // thousands of names share an ancestor).
    std::sort(t.pairs.begin(), t.pairs.end(), [](const Under &a, const Under &b) {
      return a.ancestorHash < b.ancestorHash || (a.ancestorHash == b.ancestorHash && a.name < b.name);
    });
  });
  return t.pairs;
}

// Calls f(entry) for every name pattern (exact or wildcard) at `domain`.
template <typename F> void HostIndex::namesAt(std::string_view domain, F f) const {
  uint64_t hash = hashOf(domain);
  auto it = std::lower_bound(names_.begin(), names_.end(), std::make_pair(hash, domain),
                             [](const Name &n, const std::pair<uint64_t, std::string_view> &k) {
                               return n.hash < k.first || (n.hash == k.first && n.domain < k.second);
                             });
  for (; it != names_.end() && it->hash == hash && it->domain == domain; ++it)
    f(*it);
}

// The CIDR patterns whose interval contains `address`, among those of
// prefix length at most `maxLength`.
void HostIndex::containing(u128 address, unsigned maxLength, std::vector<size_t> &out) const {
  for (unsigned len : lengths_) {
    if (len > maxLength)
      break;
    u128 network = maskTo(address, len);
    auto it = std::lower_bound(cidrs_.begin(), cidrs_.end(), std::make_pair(len, network),
                               [](const Cidr &c, const std::pair<unsigned, u128> &k) {
                                 return c.length < k.first || (c.length == k.first && c.lo < k.second);
                               });
    for (; it != cidrs_.end() && it->length == len && it->lo == network; ++it)
      out.push_back(it->position);
  }
}

// Every pattern whose host part matches `host` (ports not looked at).
void HostIndex::hostCandidates(const CanonicalHost &host, std::vector<size_t> &out) const {
  out.insert(out.end(), any_.begin(), any_.end());
  if (host.kind == CanonicalHost::Kind::Name) {
    namesAt(host.name, [&](const Name &n) {
      if (!n.wildcard)
        out.push_back(n.position);
    });
    forEachProperAncestor(host.name, [&](std::string_view d) {
      namesAt(d, [&](const Name &n) {
        if (n.wildcard)
          out.push_back(n.position);
      });
    });
    return;
  }
  // IPv6 hosts never fall in ::ffff:0:0/96 (canonicalisation maps those to
  // IPv4), so containment in the unified space is exactly `matches`.
  containing(unifiedAddress(host.ip), 128, out);
}

void HostIndex::matchingHost(const CanonicalHost &host, std::vector<size_t> &out) const {
  size_t from = out.size();
  hostCandidates(host, out);
  sortUnique(out, from);
}

void HostIndex::matching(const CanonicalHost &host, uint16_t port, std::vector<size_t> &out) const {
  size_t from = out.size();
  hostCandidates(host, out);
  out.erase(std::remove_if(out.begin() + static_cast<std::ptrdiff_t>(from), out.end(),
                           [&](size_t i) { return !patterns_[i]->ports.contains(port); }),
            out.end());
  sortUnique(out, from);
}

void HostIndex::meeting(const HostPattern &q, std::vector<size_t> &out) const {
  size_t from = out.size();
  switch (q.kind) {
  case Kind::Any:
    for (size_t i = 0; i < patterns_.size(); ++i)
      out.push_back(i);
    break;
  case Kind::Exact:
    out.insert(out.end(), any_.begin(), any_.end());
    namesAt(q.domain, [&](const Name &n) {
      if (!n.wildcard)
        out.push_back(n.position);
    });
    forEachProperAncestor(q.domain, [&](std::string_view d) {
      namesAt(d, [&](const Name &n) {
        if (n.wildcard)
          out.push_back(n.position);
      });
    });
    break;
  case Kind::Subdomains: {
    out.insert(out.end(), any_.begin(), any_.end());
    auto wildcardsAt = [&](std::string_view d) {
      namesAt(d, [&](const Name &n) {
        if (n.wildcard)
          out.push_back(n.position);
      });
    };
    wildcardsAt(q.domain);
    forEachProperAncestor(q.domain, wildcardsAt);
    // Every name pattern strictly under the domain meets the wildcard.
    const std::vector<Under> &pairs = underTable();
    uint64_t hash = hashOf(q.domain);
    auto it = std::lower_bound(pairs.begin(), pairs.end(), hash,
                               [](const Under &u, uint64_t h) { return u.ancestorHash < h; });
    for (; it != pairs.end() && it->ancestorHash == hash; ++it)
      if (nameIsUnder(names_[it->name].domain, q.domain)) // not a hash collision
        out.push_back(names_[it->name].position);
    break;
  }
  case Kind::Cidr: {
    out.insert(out.end(), any_.begin(), any_.end());
    AddressInterval r = addressRange(q);
    // Nested or disjoint: the ranges around q contain its start; the ranges
    // inside q start within it.
    containing(r.lo, unifiedPrefixLength(q), out);
    auto first = std::lower_bound(cidrsByLo_.begin(), cidrsByLo_.end(), r.lo,
                                  [](const Cidr &a, u128 lo) { return a.lo < lo; });
    for (auto it = first; it != cidrsByLo_.end() && it->lo <= r.hi; ++it)
      out.push_back(it->position);
    break;
  }
  }
  out.erase(std::remove_if(out.begin() + static_cast<std::ptrdiff_t>(from), out.end(),
                           [&](size_t i) { return !portsMeet(patterns_[i]->ports, q.ports); }),
            out.end());
  sortUnique(out, from);
}

} // namespace moat::net
