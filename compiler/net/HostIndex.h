// An index over a list of host patterns, so that "which rules match this
// endpoint" and "which rules share an endpoint with this pattern" cost a few
// lookups instead of a scan of every rule. Policies with 100,000 domain
// rules are checked, verified and diffed through it; the evaluator decides
// each connection through it.
//
// Names are keyed by domain: an exact name X is matched by the exact
// patterns at X and the wildcards at X's proper ancestors; a wildcard *.D
// also meets every name pattern strictly under D, found through a table
// of (ancestor, pattern) pairs.
// Addresses live in one 128-bit space (IPv4 a.b.c.d as ::ffff:a.b.c.d, as
// HostPattern::matches compares an IPv4 host with an IPv6 range), where
// every CIDR pattern is an interval and two of them are nested or disjoint:
// the ranges containing a point are found by one lookup per prefix length
// in use, the ranges inside an interval by a binary search.
//
// Both queries are exact (never a superset), so callers may use them as the
// definition of "matches" and "meets".
#pragma once
#include "compiler/net/Host.h"

#include <llvm/ADT/ArrayRef.h>

#include <memory>
#include <mutex>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moat::net {

using u128 = unsigned __int128;

// An interval [lo, hi] of the unified address space.
struct AddressInterval {
  u128 lo = 0, hi = 0;
};

// A host address in the unified space (IPv4 mapped to ::ffff:a.b.c.d).
u128 unifiedAddress(const IpAddress &ip);
// The unified interval and prefix length of a Kind::Cidr pattern.
AddressInterval addressRange(const HostPattern &cidr);
unsigned unifiedPrefixLength(const HostPattern &cidr);

// "api.example.com" -> "com.example.api": a domain and every name under it
// then share a key prefix that ends at a dot.
std::string reversedLabels(std::string_view domain);

// `name` lies strictly under `domain` ("a.b.c" under "b.c", not "b.c").
bool nameIsUnder(std::string_view name, std::string_view domain);

// Whether two patterns share at least one endpoint (host and port). Exact.
bool patternsMeet(const HostPattern &a, const HostPattern &b);

class HostIndex {
public:
  HostIndex() = default;
  // Positions in `patterns` are what the queries return. The patterns must
  // outlive the index.
  explicit HostIndex(llvm::ArrayRef<const HostPattern *> patterns);

  size_t size() const { return patterns_.size(); }

  // Appends the positions, ascending, of exactly the patterns matching the
  // endpoint (HostPattern::matches(host, port)).
  void matching(const CanonicalHost &host, uint16_t port, std::vector<size_t> &out) const;
  // The same ignoring ports: the patterns whose host part matches `host`.
  void matchingHost(const CanonicalHost &host, std::vector<size_t> &out) const;
  // Appends the positions, ascending, of exactly the patterns that share an
  // endpoint with `q` (patternsMeet).
  void meeting(const HostPattern &q, std::vector<size_t> &out) const;

private:
  // Flat sorted arrays rather than hash maps: an index over 100k rules is
  // built several times per run (per platform, per evaluator), and a few
  // sorts cost far less than 100k node allocations.
  struct Name {
    uint64_t hash = 0;       // of domain: sorting and lookups compare this first
    std::string_view domain; // the pattern's own string
    uint32_t position = 0;
    bool wildcard = false;
  };
  struct Cidr {
    unsigned length = 0; // unified prefix length
    u128 lo = 0;
    uint32_t position = 0;
  };

  template <typename F> void namesAt(std::string_view domain, F f) const;
  void hostCandidates(const CanonicalHost &host, std::vector<size_t> &out) const;
  void containing(u128 address, unsigned maxLength, std::vector<size_t> &out) const;

  std::vector<const HostPattern *> patterns_;
  std::vector<size_t> any_;
  std::vector<Name> names_;         // by (domain, position)
  // Every (proper ancestor of a name pattern's domain, pattern) pair, by
  // the ancestor's hash: the names under D are the pairs of D. Built at the
  // first wildcard query (many users of the index never ask one).
  struct Under {
    uint64_t ancestorHash = 0;
    uint32_t name = 0; // index into names_
  };
  struct UnderTable {
    std::once_flag built;
    std::vector<Under> pairs;
  };
  const std::vector<Under> &underTable() const;
  std::unique_ptr<UnderTable> under_ = std::make_unique<UnderTable>();
  std::vector<Cidr> cidrs_;         // by (length, lo, position)
  std::vector<unsigned> lengths_;   // unified prefix lengths in use, ascending
  std::vector<Cidr> cidrsByLo_;     // by (lo, position)
};

} // namespace moat::net
