// The policy decision and address vetting behind every tunnel (see
// Destination.h for why resolved addresses are vetted at all). The internal
// ranges are the IANA special-purpose registries' entries that reach the
// host itself, its networks or its cloud provider (RFC 6890 and updates).
#include "runtime/proxy/Destination.h"

#include <algorithm>

namespace moat::runtime::proxy {

namespace {

using Outcome = eval::NetDecision::Outcome;

bool inPrefix(const uint8_t *bytes, std::initializer_list<uint8_t> prefix, unsigned bits) {
  unsigned full = bits / 8;
  auto it = prefix.begin();
  for (unsigned i = 0; i < full; ++i, ++it)
    if (bytes[i] != *it)
      return false;
  unsigned rest = bits % 8;
  if (rest == 0)
    return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (bytes[full] & mask) == (*it & mask);
}

const char *internalIpv4Kind(const uint8_t *b) {
  if (inPrefix(b, {0}, 8))
    return "an unspecified (this-network)";
  if (inPrefix(b, {127}, 8))
    return "a loopback";
  if (inPrefix(b, {10}, 8) || inPrefix(b, {172, 16}, 12) || inPrefix(b, {192, 168}, 16))
    return "a private";
  if (inPrefix(b, {169, 254}, 16))
    return "a link-local (cloud metadata)";
  if (inPrefix(b, {100, 64}, 10))
    return "a carrier-grade NAT";
  if (inPrefix(b, {192, 0, 0}, 24) || inPrefix(b, {198, 18}, 15))
    return "a reserved";
  if (inPrefix(b, {224}, 4))
    return "a multicast";
  if (inPrefix(b, {240}, 4))
    return "a reserved or broadcast";
  return nullptr;
}

constexpr ir::Platform kThisPlatform =
#ifdef __APPLE__
    ir::Platform::MacOS;
#else
    ir::Platform::Linux;
#endif

// Is there an allow rule for this platform that names the address (an
// address or a range, not `*`)? The decision itself reports only the
// first matching allow, which may be `*`, so the rules are asked directly;
// deny rules were already applied by the decision.
bool someRuleNames(const eval::Evaluator &evaluator, const net::CanonicalHost &host, uint16_t port) {
  for (const ir::NetRule &rule : evaluator.policy().netRules)
    if (rule.effect == ir::Effect::Allow && rule.host.kind != net::HostPattern::Kind::Any &&
        (rule.platform == ir::Platform::Any || rule.platform == kThisPlatform) && rule.host.matches(host, port))
      return true;
  return false;
}

std::string refusalFor(const eval::NetDecision &d) {
  if (d.outcome == Outcome::Deny)
    return d.by == eval::DecidedBy::Rule ? "a deny rule matches" : "no rule allows it";
  return "no rule allows it and there is no one to ask";
}

} // namespace

Verdict decideHost(const eval::Evaluator &evaluator, const net::CanonicalHost &host, uint16_t port) {
  eval::NetDecision d = evaluator.decide(host, port);
  Verdict v;
  v.rule = d.rule;
  v.allowed = d.outcome == Outcome::Allow;
  v.ask = d.outcome == Outcome::Ask;
  v.namedByRule = v.allowed && someRuleNames(evaluator, host, port);
  if (!v.allowed)
    v.reason = refusalFor(d);
  return v;
}

const char *internalAddressKind(const net::IpAddress &ip) {
  const uint8_t *b = ip.bytes.data();
  if (!ip.v6)
    return internalIpv4Kind(b);
  static const uint8_t zero[16] = {};
  if (std::equal(b, b + 15, zero) && (b[15] == 0 || b[15] == 1))
    return b[15] == 0 ? "an unspecified" : "a loopback";
  // Forms that carry an IPv4 address: IPv4-mapped (::ffff:0:0/96), NAT64
  // (64:ff9b::/96) and 6to4 (2002::/16, the address in bytes 2-5).
  if (inPrefix(b, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96) ||
      inPrefix(b, {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0}, 96))
    return internalIpv4Kind(b + 12);
  if (inPrefix(b, {0x20, 0x02}, 16))
    return internalIpv4Kind(b + 2);
  if (inPrefix(b, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 96))
    return "an IPv4-compatible (deprecated)";
  if (inPrefix(b, {0, 0x64, 0xff, 0x9b, 0, 1}, 48))
    return "a local-use NAT64";
  if (inPrefix(b, {0xfc}, 7))
    return "a unique-local (private)";
  if (inPrefix(b, {0xfe, 0x80}, 10))
    return "a link-local";
  if (inPrefix(b, {0xfe, 0xc0}, 10))
    return "a site-local";
  if (inPrefix(b, {0xff}, 8))
    return "a multicast";
  return nullptr;
}

Verdict vetAddress(const eval::Evaluator &evaluator, const net::IpAddress &ip, uint16_t port,
                   bool internalAllowedByName) {
  net::CanonicalHost host;
  host.kind = ip.v6 ? net::CanonicalHost::Kind::IPv6 : net::CanonicalHost::Kind::IPv4;
  host.ip = ip;
  eval::NetDecision d = evaluator.decide(host, port);
  Verdict v;
  v.rule = d.rule;
  if (d.by == eval::DecidedBy::Rule && d.outcome != Outcome::Allow) {
    v.reason = ip.text() + ": a deny rule matches the address";
    return v;
  }
  const char *kind = internalAddressKind(ip);
  if (!kind || internalAllowedByName || someRuleNames(evaluator, host, port)) {
    v.allowed = true;
    return v;
  }
  v.builtin = true;
  v.reason = ip.text() + " is " + kind + " address and no rule names it";
  return v;
}

VettedAddresses vetAddresses(const eval::Evaluator &evaluator, const std::string &hostText,
                             const std::vector<asio::ip::address> &resolved, uint16_t port,
                             bool internalAllowedByName) {
  VettedAddresses out;
  for (const asio::ip::address &address : resolved) {
    net::IpAddress ip = toIpAddress(address);
    asio::ip::address normal = toAsioAddress(ip);
    if (std::find(out.usable.begin(), out.usable.end(), normal) != out.usable.end())
      continue;
    Verdict v = vetAddress(evaluator, ip, port, internalAllowedByName);
    if (v.allowed) {
      out.usable.push_back(normal);
    } else if (out.firstRefusal.reason.empty()) {
      out.firstRefusal = v;
      out.firstRefusal.reason = hostText + " resolves to " + v.reason;
    }
  }
  if (out.usable.empty() && out.firstRefusal.reason.empty()) {
    out.firstRefusal.builtin = true;
    out.firstRefusal.reason = hostText + " resolves to no address";
  }
  return out;
}

net::IpAddress toIpAddress(const asio::ip::address &address) {
  net::IpAddress ip;
  if (address.is_v6() && !address.to_v6().is_v4_mapped()) {
    ip.v6 = true;
    asio::ip::address_v6::bytes_type b = address.to_v6().to_bytes();
    std::copy(b.begin(), b.end(), ip.bytes.begin());
    return ip;
  }
  asio::ip::address_v4 v4 = address.is_v4() ? address.to_v4()
                                            : asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  asio::ip::address_v4::bytes_type b = v4.to_bytes();
  std::copy(b.begin(), b.end(), ip.bytes.begin());
  return ip;
}

asio::ip::address toAsioAddress(const net::IpAddress &ip) {
  if (ip.v6) {
    asio::ip::address_v6::bytes_type b;
    std::copy(ip.bytes.begin(), ip.bytes.end(), b.begin());
    return asio::ip::address_v6(b);
  }
  asio::ip::address_v4::bytes_type b;
  std::copy(ip.bytes.begin(), ip.bytes.begin() + 4, b.begin());
  return asio::ip::address_v4(b);
}

} // namespace moat::runtime::proxy
