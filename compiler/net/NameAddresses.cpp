// The fixed name-to-address table of NameAddresses.h.
#include "compiler/net/NameAddresses.h"

namespace moat::net {

namespace {

CanonicalHost loopbackV4() {
  CanonicalHost h;
  h.kind = CanonicalHost::Kind::IPv4;
  h.ip.v6 = false;
  h.ip.bytes = {127, 0, 0, 1};
  return h;
}

CanonicalHost loopbackV6() {
  CanonicalHost h;
  h.kind = CanonicalHost::Kind::IPv6;
  h.ip.v6 = true;
  h.ip.bytes = {};
  h.ip.bytes[15] = 1;
  return h;
}

} // namespace

bool isLoopbackName(const CanonicalHost &host) {
  if (host.kind != CanonicalHost::Kind::Name)
    return false;
  static constexpr std::string_view kName = "localhost", kSuffix = ".localhost";
  const std::string &n = host.name;
  return n == kName ||
         (n.size() > kSuffix.size() && n.compare(n.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0);
}

std::vector<CanonicalHost> knownAddressesOf(const CanonicalHost &host) {
  if (!isLoopbackName(host))
    return {};
  return {loopbackV4(), loopbackV6()};
}

bool coversLoopbackNameAddress(const HostPattern &pattern) {
  if (pattern.kind != HostPattern::Kind::Cidr)
    return false; // `*` covers the names themselves; names never cover addresses
  for (const CanonicalHost &a : {loopbackV4(), loopbackV6()})
    if (pattern.matches(a, pattern.ports.lo))
      return true;
  return false;
}

std::vector<HostPattern> namesDeniedWith(const HostPattern &pattern) {
  if (!coversLoopbackNameAddress(pattern))
    return {};
  std::vector<HostPattern> out;
  for (auto kind : {HostPattern::Kind::Exact, HostPattern::Kind::Subdomains}) {
    HostPattern name;
    name.kind = kind;
    name.domain = "localhost";
    name.ports = pattern.ports;
    out.push_back(std::move(name));
  }
  return out;
}

} // namespace moat::net
