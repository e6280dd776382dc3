// findEndpoint: exact emptiness of (∩ include) \ (∪ exclude) over endpoints
// (canonical host, port 1-65535), with a readable witness.
//
// Hosts split into names and addresses, which no pattern mixes except `*`.
//  * Names: the predicates are "equals D" (exact) and "strictly under D"
//    (`*.D`). Every combination some name realises is realised by one of:
//    a domain the patterns mention, a fresh label under a wildcard's domain
//    ("x.D", a label no mentioned name uses there), or a fresh name under no
//    wildcard. (A name that is not mentioned behaves like "x.D" for the
//    longest wildcard domain D above it, or like the fresh name if none.)
//  * Addresses: one 128-bit space, IPv4 a.b.c.d as ::ffff:a.b.c.d, exactly
//    as the matcher compares an IPv4 host with an IPv6 range; every range is
//    an interval, so a gap is found by a sweep.
//  * Ports: for a fixed host the excluded ports are a union of intervals;
//    for addresses, the port line is cut at every range boundary and each
//    piece is searched separately.
// Nothing is sampled: "no witness" is a proof.
#include "compiler/verify/Witness.h"

#include "compiler/net/HostIndex.h"

#include <algorithm>
#include <set>

namespace moat::verify {

namespace {

using net::u128;
constexpr u128 kAll = ~static_cast<u128>(0);

struct Interval {
  u128 lo = 0, hi = 0;
};

Interval rangeOf(const net::HostPattern &p) {
  net::AddressInterval r = net::addressRange(p);
  return Interval{r.lo, r.hi};
}

net::CanonicalHost hostOf(u128 a) {
  net::CanonicalHost h;
  if ((a >> 32) == 0xffff) { // ::ffff:a.b.c.d is how IPv4 hosts appear here
    h.kind = net::CanonicalHost::Kind::IPv4;
    h.ip.v6 = false;
    for (int i = 0; i < 4; ++i)
      h.ip.bytes[i] = static_cast<uint8_t>(a >> (8 * (3 - i)));
  } else {
    h.kind = net::CanonicalHost::Kind::IPv6;
    h.ip.v6 = true;
    for (int i = 0; i < 16; ++i)
      h.ip.bytes[i] = static_cast<uint8_t>(a >> (8 * (15 - i)));
  }
  return h;
}

// The lowest point of [lo, hi] outside every interval of `cover`.
std::optional<u128> gap(u128 lo, u128 hi, std::vector<Interval> cover) {
  std::sort(cover.begin(), cover.end(), [](const Interval &a, const Interval &b) { return a.lo < b.lo; });
  u128 cursor = lo;
  for (const Interval &c : cover) {
    if (c.hi < cursor)
      continue;
    if (c.lo > cursor)
      break;
    if (c.hi >= hi)
      return std::nullopt;
    cursor = c.hi + 1;
  }
  if (cursor > hi)
    return std::nullopt;
  return cursor;
}

// A port in [lo, hi] outside every range of `cover`: 443 if possible (the
// port a reader expects), else the lowest.
std::optional<uint16_t> freePort(unsigned lo, unsigned hi, const std::vector<net::PortRange> &cover) {
  if (lo > hi)
    return std::nullopt;
  auto covered = [&](unsigned p) {
    for (const net::PortRange &r : cover)
      if (p >= r.lo && p <= r.hi)
        return true;
    return false;
  };
  if (lo <= 443 && 443 <= hi && !covered(443))
    return 443;
  std::vector<Interval> iv;
  for (const net::PortRange &r : cover)
    iv.push_back(Interval{r.lo, r.hi});
  auto g = gap(lo, hi, std::move(iv));
  if (!g)
    return std::nullopt;
  return static_cast<uint16_t>(*g);
}

// The host part of a pattern matches (ports aside).
bool hostMatches(const net::HostPattern &p, const net::CanonicalHost &h) {
  return p.matches(h, p.ports.lo);
}

bool isName(const net::HostPattern &p) {
  return p.kind == net::HostPattern::Kind::Exact || p.kind == net::HostPattern::Kind::Subdomains;
}

// Labels for invented names, most readable first, shortest first.
std::string freshLabel(size_t i) {
  static const std::string_view chars = "xyzabcdefghijklmnopqrstuvw0123456789-_";
  std::string out;
  size_t n = chars.size();
  if (i < n)
    return std::string(1, chars[i]);
  i -= n;
  for (size_t len = 2;; ++len) {
    size_t count = 1;
    for (size_t k = 0; k < len; ++k)
      count *= n;
    if (i < count) {
      out.assign(len, ' ');
      for (size_t k = len; k-- > 0;) {
        out[k] = chars[i % n];
        i /= n;
      }
      return out;
    }
    i -= count;
  }
}

std::optional<net::CanonicalHost> nameHost(const std::string &name) {
  std::string error;
  auto h = net::canonicaliseHost(name, error);
  if (!h || h->kind != net::CanonicalHost::Kind::Name || h->name != name)
    return std::nullopt;
  return h;
}

class EndpointSearch {
public:
  EndpointSearch(llvm::ArrayRef<const net::HostPattern *> include,
                 llvm::ArrayRef<const net::HostPattern *> exclude)
      : include_(include), exclude_(exclude) {
    // Every candidate name asks which excludes match it: past a handful,
    // an index beats the scan (the candidates grow with the excludes).
    if (exclude.size() > 16)
      excluded_.emplace(exclude);
  }

  std::optional<net::Endpoint> run() {
    unsigned lo = 1, hi = 65535;
    bool names = true, addresses = true;
    for (const net::HostPattern *p : include_) {
      lo = std::max<unsigned>(lo, p->ports.lo);
      hi = std::min<unsigned>(hi, p->ports.hi);
      names &= p->kind != net::HostPattern::Kind::Cidr;
      addresses &= !isName(*p);
    }
    if (lo > hi)
      return std::nullopt;
    lo_ = lo;
    hi_ = hi;
    if (names)
      if (auto e = searchNames())
        return e;
    if (addresses)
      return searchAddresses();
    return std::nullopt;
  }

private:
  // Tries one host: it must lie in every include; the excludes that match
  // it take their ports away.
  std::optional<net::Endpoint> tryHost(const net::CanonicalHost &h) const {
    for (const net::HostPattern *p : include_)
      if (!hostMatches(*p, h))
        return std::nullopt;
    std::vector<net::PortRange> cover;
    if (excluded_) {
      std::vector<size_t> hits;
      excluded_->matchingHost(h, hits);
      for (size_t i : hits)
        cover.push_back(exclude_[i]->ports);
    } else {
      for (const net::HostPattern *p : exclude_)
        if (hostMatches(*p, h))
          cover.push_back(p->ports);
    }
    auto port = freePort(lo_, hi_, cover);
    if (!port)
      return std::nullopt;
    return net::Endpoint{h, *port};
  }

  std::optional<net::Endpoint> searchNames() const {
    std::vector<std::string> candidates;
    std::set<std::string> mentioned, wildcards;
    std::vector<std::string> wildcardOrder;
    auto collect = [&](llvm::ArrayRef<const net::HostPattern *> list) {
      for (const net::HostPattern *p : list) {
        if (!isName(*p))
          continue;
        if (mentioned.insert(p->domain).second)
          candidates.push_back(p->domain);
        if (p->kind == net::HostPattern::Kind::Subdomains && wildcards.insert(p->domain).second)
          wildcardOrder.push_back(p->domain);
      }
    };
    collect(include_);
    collect(exclude_);
    auto underWildcard = [&](const std::string &n) {
      for (size_t dot = n.find('.'); dot != std::string::npos; dot = n.find('.', dot + 1))
        if (wildcards.count(n.substr(dot + 1)))
          return true;
      return false;
    };
    // A fresh label under each wildcard domain: one no mentioned name uses
    // directly under it (so the name is mentioned nowhere).
    for (const std::string &d : wildcardOrder)
      for (size_t i = 0; i < 4096; ++i) {
        std::string n = freshLabel(i) + "." + d;
        if (mentioned.count(n))
          continue;
        if (nameHost(n)) {
          candidates.push_back(n);
          break;
        }
        if (n.size() > 253)
          break; // every name under d not mentioned is at least this long
      }
    // A name under no wildcard and mentioned nowhere.
    for (size_t i = 0; i < 4096; ++i) {
      std::string label = freshLabel(i);
      std::string n = label + ".invalid";
      if (!mentioned.count(n) && !underWildcard(n)) {
        candidates.push_back(n);
        break;
      }
      if (!mentioned.count(label) && !underWildcard(label) && nameHost(label)) {
        candidates.push_back(label);
        break;
      }
    }
    for (const std::string &n : candidates) {
      auto h = nameHost(n);
      if (!h)
        continue;
      if (auto e = tryHost(*h))
        return e;
    }
    return std::nullopt;
  }

  std::optional<net::Endpoint> searchAddresses() const {
    Interval space{0, kAll};
    for (const net::HostPattern *p : include_) {
      if (p->kind != net::HostPattern::Kind::Cidr)
        continue; // `*`
      Interval r = rangeOf(*p);
      // Two CIDR ranges are nested or disjoint.
      space.lo = std::max(space.lo, r.lo);
      space.hi = std::min(space.hi, r.hi);
      if (space.lo > space.hi)
        return std::nullopt;
    }
    struct Cut {
      Interval addr;
      net::PortRange ports;
    };
    std::vector<Cut> cuts;
    std::set<unsigned> bounds{lo_, hi_ + 1};
    for (const net::HostPattern *p : exclude_) {
      if (isName(*p))
        continue;
      Interval r = p->kind == net::HostPattern::Kind::Any ? Interval{0, kAll} : rangeOf(*p);
      if (r.hi < space.lo || r.lo > space.hi || p->ports.hi < lo_ || p->ports.lo > hi_)
        continue;
      cuts.push_back(Cut{r, p->ports});
      bounds.insert(std::max<unsigned>(p->ports.lo, lo_));
      bounds.insert(std::min<unsigned>(p->ports.hi, hi_) + 1);
    }
    // The port line in pieces no range boundary crosses; the piece holding
    // 443 first.
    std::vector<std::pair<unsigned, unsigned>> pieces;
    for (auto it = bounds.begin(); std::next(it) != bounds.end(); ++it)
      pieces.emplace_back(*it, *std::next(it) - 1);
    std::stable_partition(pieces.begin(), pieces.end(),
                          [](const auto &pc) { return pc.first <= 443 && 443 <= pc.second; });
    for (const auto &[plo, phi] : pieces) {
      std::vector<Interval> cover;
      for (const Cut &c : cuts)
        if (c.ports.lo <= plo && plo <= c.ports.hi)
          cover.push_back(c.addr);
      if (auto a = gap(space.lo, space.hi, std::move(cover))) {
        uint16_t port = plo <= 443 && 443 <= phi ? 443 : static_cast<uint16_t>(plo);
        return net::Endpoint{hostOf(*a), port};
      }
    }
    return std::nullopt;
  }

  llvm::ArrayRef<const net::HostPattern *> include_, exclude_;
  std::optional<net::HostIndex> excluded_;
  unsigned lo_ = 1, hi_ = 65535;
};

} // namespace

std::optional<net::Endpoint> findEndpoint(llvm::ArrayRef<const net::HostPattern *> include,
                                          llvm::ArrayRef<const net::HostPattern *> exclude) {
  return EndpointSearch(include, exclude).run();
}

} // namespace moat::verify
