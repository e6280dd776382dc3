// Host patterns as written in policies, endpoints as written in queries, and
// the matcher the evaluator and the proxy share. Parsing is strict where a
// human could mean two things (`::1:80`, `010.0.0.1`, `10.0.0.1/8`): the
// policy author gets an error naming both readings, never a silent choice.
#include "compiler/net/Host.h"
#include "compiler/net/HostDetail.h"

#include <fmt/format.h>

#include <cstring>

namespace moat::net {

namespace {

using detail::V4Bytes;
using detail::V6Bytes;

bool allDigits(std::string_view s) {
  if (s.empty())
    return false;
  for (char c : s)
    if (c < '0' || c > '9')
      return false;
  return true;
}

// A decimal number without sign or leading zero, at most `maxDigits` long.
// Returns false for anything else; never overflows.
bool parseDecimal(std::string_view s, size_t maxDigits, unsigned &out) {
  if (!allDigits(s) || s.size() > maxDigits || (s.size() > 1 && s[0] == '0'))
    return false;
  unsigned v = 0;
  for (char c : s)
    v = v * 10 + static_cast<unsigned>(c - '0');
  out = v;
  return true;
}

bool parsePort(std::string_view s, uint16_t &out, std::string &error) {
  if (s.empty()) {
    error = "empty port";
    return false;
  }
  if (!allDigits(s)) {
    error = fmt::format("port '{}' is not a number", displayHost(s));
    return false;
  }
  if (s.size() > 1 && s[0] == '0') {
    error = fmt::format("port '{}' has a leading zero", s);
    return false;
  }
  unsigned v = 0;
  if (!parseDecimal(s, 5, v) || v > 65535) {
    error = fmt::format("port {} is out of range (1-65535)", s);
    return false;
  }
  if (v == 0) {
    error = "port 0 is not allowed (ports are 1-65535)";
    return false;
  }
  out = static_cast<uint16_t>(v);
  return true;
}

// A CIDR prefix length: decimal, no leading zero, at most `max`.
bool parsePrefix(std::string_view s, unsigned max, unsigned &out, std::string &error) {
  if (s.size() > 1 && s[0] == '0') {
    error = fmt::format("CIDR prefix /{} has a leading zero", s);
    return false;
  }
  if (!parseDecimal(s, 3, out) || out > max) {
    error = fmt::format("{} prefix /{} is longer than {}", max == 32 ? "IPv4" : "IPv6", s, max);
    return false;
  }
  return true;
}

bool parsePortRange(std::string_view s, PortRange &out, std::string &error) {
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) {
    uint16_t p;
    if (!parsePort(s, p, error))
      return false;
    out.lo = out.hi = p;
    return true;
  }
  uint16_t lo, hi;
  if (!parsePort(s.substr(0, dash), lo, error) || !parsePort(s.substr(dash + 1), hi, error))
    return false;
  if (lo > hi) {
    error = fmt::format("port range {}-{} is reversed (write {}-{})", lo, hi, hi, lo);
    return false;
  }
  out.lo = lo;
  out.hi = hi;
  return true;
}

// An unbracketed IPv6 address whose last group is a decimal number could
// also be read as ADDRESS:PORT (`::1:80`). When both readings parse, or only
// the ADDRESS:PORT one does, refuse and show the bracketed spellings.
bool checkBareV6(std::string_view s, std::string &error) {
  size_t lastColon = s.rfind(':');
  std::string_view head = s.substr(0, lastColon);
  std::string_view tail = s.substr(lastColon + 1);
  if (!allDigits(tail) || tail.size() > 5)
    return true;
  V6Bytes b;
  std::string ignored;
  if (!detail::parseIpv6(head, b, ignored))
    return true;
  if (detail::parseIpv6(s, b, ignored))
    error = fmt::format("'{}' is ambiguous: write [{}]:{} for port {} of {}, or [{}] for the "
                        "address itself",
                        s, head, tail, tail, head, s);
  else
    error = fmt::format("an IPv6 address with a port must be in brackets: [{}]:{}", head, tail);
  return false;
}

bool prefixEqual(const uint8_t *a, const uint8_t *b, unsigned bits) {
  unsigned full = bits / 8;
  if (std::memcmp(a, b, full) != 0)
    return false;
  unsigned rem = bits % 8;
  if (rem == 0)
    return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rem));
  return ((a[full] ^ b[full]) & mask) == 0;
}

// Clears every bit after the first `bits`; returns true if any was set.
bool clearHostBits(uint8_t *bytes, unsigned size, unsigned bits) {
  bool changed = false;
  for (unsigned i = 0; i < size; ++i) {
    unsigned keep = bits >= 8 * (i + 1) ? 8 : (bits > 8 * i ? bits - 8 * i : 0);
    uint8_t mask = keep == 0 ? 0 : static_cast<uint8_t>(0xff << (8 - keep));
    if (bytes[i] & ~mask) {
      bytes[i] &= mask;
      changed = true;
    }
  }
  return changed;
}

std::optional<HostPattern> fail(std::string &error, std::string reason) {
  error = std::move(reason);
  return std::nullopt;
}

std::string cidrText(const IpAddress &ip, unsigned prefix) {
  std::string s = ip.v6 ? "[" + ip.text() + "]" : ip.text();
  if (prefix != (ip.v6 ? 128u : 32u))
    s += "/" + std::to_string(prefix);
  return s;
}

// Fills `p` as a CIDR range from parsed IPv6 bytes. A range inside
// ::ffff:0:0/96 is the IPv4 range it maps to, since hosts are folded the
// same way.
std::optional<HostPattern> v6Cidr(HostPattern p, const V6Bytes &b, bool hasPrefix,
                                  std::string_view prefixText, std::string &error) {
  unsigned prefix = 128;
  if (hasPrefix && !parsePrefix(prefixText, 128, prefix, error))
    return std::nullopt;
  p.kind = HostPattern::Kind::Cidr;
  if (detail::isV4Mapped(b) && prefix >= 96) {
    p.network.v6 = false;
    std::memcpy(p.network.bytes.data(), b.data() + 12, 4);
    p.prefixLen = prefix - 96;
  } else {
    p.network.v6 = true;
    p.network.bytes = b;
    p.prefixLen = prefix;
  }
  IpAddress net = p.network;
  if (clearHostBits(net.bytes.data(), net.v6 ? 16 : 4, p.prefixLen))
    return fail(error, fmt::format("host bits are set after /{}; the network is {}", prefix,
                                   cidrText(net, p.prefixLen)));
  return p;
}

std::optional<HostPattern> v4Cidr(HostPattern p, std::string_view addrText, bool hasPrefix,
                                  std::string_view prefixText, std::string &error) {
  std::string_view quad = addrText;
  if (!quad.empty() && quad.back() == '.')
    quad.remove_suffix(1);
  V4Bytes b;
  if (!detail::parseDottedQuad(quad, b)) {
    // canonicaliseHost accepted it, so it is an inet_aton spelling such as
    // 127.1 or 0177.0.0.1: fine from a client, too easy to misread in a
    // rule (010.0.0.1 is 8.0.0.1).
    std::string why;
    detail::parseIpv4Any(quad, b, why);
    char buf[16];
    std::string canon(buf, detail::formatIpv4(b.data(), buf));
    if (hasPrefix)
      return fail(error, fmt::format("'{}' means {}; write the network of a CIDR range as four "
                                     "decimal numbers, as in 10.0.0.0/8",
                                     addrText, canon));
    return fail(error, fmt::format("'{}' means {}; write IPv4 addresses in policies as four "
                                   "decimal numbers ({})",
                                   addrText, canon, canon));
  }
  unsigned prefix = 32;
  if (hasPrefix && !parsePrefix(prefixText, 32, prefix, error))
    return std::nullopt;
  p.kind = HostPattern::Kind::Cidr;
  p.network.v6 = false;
  std::memcpy(p.network.bytes.data(), b.data(), 4);
  p.prefixLen = prefix;
  IpAddress net = p.network;
  if (clearHostBits(net.bytes.data(), 4, prefix))
    return fail(error, fmt::format("host bits are set after /{}; the network is {}", prefix,
                                   cidrText(net, prefix)));
  return p;
}

} // namespace

std::string PortRange::text() const {
  if (any())
    return "";
  if (lo == hi)
    return std::to_string(lo);
  return std::to_string(lo) + "-" + std::to_string(hi);
}

std::string HostPattern::text() const {
  std::string out;
  switch (kind) {
  case Kind::Any:
    out = "*";
    break;
  case Kind::Exact:
    out = domain;
    break;
  case Kind::Subdomains:
    out = "*." + domain;
    break;
  case Kind::Cidr:
    out = cidrText(network, prefixLen);
    break;
  }
  if (!ports.any())
    out += ":" + ports.text();
  return out;
}

bool HostPattern::matches(const CanonicalHost &host, uint16_t port) const {
  if (!ports.contains(port))
    return false;
  switch (kind) {
  case Kind::Any:
    return true;
  case Kind::Exact:
    return host.kind == CanonicalHost::Kind::Name && host.name == domain;
  case Kind::Subdomains: {
    if (host.kind != CanonicalHost::Kind::Name)
      return false;
    const std::string &n = host.name;
    return n.size() > domain.size() + 1 && n[n.size() - domain.size() - 1] == '.' &&
           n.compare(n.size() - domain.size(), domain.size(), domain) == 0;
  }
  case Kind::Cidr:
    if (host.kind == CanonicalHost::Kind::Name)
      return false;
    if (host.kind == CanonicalHost::Kind::IPv6)
      return network.v6 && prefixEqual(host.ip.bytes.data(), network.bytes.data(), prefixLen);
    if (!network.v6)
      return prefixEqual(host.ip.bytes.data(), network.bytes.data(), prefixLen);
    // An IPv4 host against an IPv6 range: the host is ::ffff:a.b.c.d, which
    // a range such as [::]/64 contains.
    {
      uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
      std::memcpy(mapped + 12, host.ip.bytes.data(), 4);
      return prefixEqual(mapped, network.bytes.data(), prefixLen);
    }
  }
  return false;
}

std::optional<HostPattern> parseHostPattern(std::string_view text, std::string &error) {
  if (text.empty())
    return fail(error, "empty host pattern");
  if (text.find("://") != std::string_view::npos)
    return fail(error, "this is a URL; write only the host, as in 'example.com' for "
                       "'https://example.com/'");
  if (!detail::checkHostBytes(text, "*/", error))
    return std::nullopt;

  // Split TEXT into HOST [/PREFIX] [:PORTS].
  std::string_view hostPart, prefixText, portText;
  bool bracketed = false, hasPrefix = false, hasPort = false;
  if (text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos)
      return fail(error, "'[' without a closing ']'");
    bracketed = true;
    hostPart = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() == '/') {
      size_t colon = rest.find(':');
      hasPrefix = true;
      prefixText = rest.substr(1, colon == std::string_view::npos ? std::string_view::npos
                                                                  : colon - 1);
      rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon);
    }
    if (!rest.empty()) {
      if (rest.front() != ':')
        return fail(error, "unexpected text after ']'");
      hasPort = true;
      portText = rest.substr(1);
    }
  } else {
    size_t colon = text.find(':');
    bool bareV6 = colon != std::string_view::npos &&
                  text.find(':', colon + 1) != std::string_view::npos;
    std::string_view hostAndPrefix = text;
    if (!bareV6 && colon != std::string_view::npos) {
      hostAndPrefix = text.substr(0, colon);
      hasPort = true;
      portText = text.substr(colon + 1);
    }
    size_t slash = hostAndPrefix.find('/');
    hostPart = hostAndPrefix.substr(0, slash);
    if (slash != std::string_view::npos) {
      hasPrefix = true;
      prefixText = hostAndPrefix.substr(slash + 1);
      if (bareV6 && prefixText.find(':') != std::string_view::npos)
        return fail(error, fmt::format("an IPv6 range with a port must be in brackets, as in "
                                       "[{}]/{}",
                                       hostPart, prefixText));
    } else if (bareV6 && !checkBareV6(text, error)) {
      return std::nullopt;
    }
  }
  if (hasPrefix && !allDigits(prefixText)) {
    if (prefixText.empty())
      return fail(error, "nothing after '/'; a host pattern has no path, and a CIDR prefix is a "
                         "number such as /8");
    return fail(error, "a host pattern has no path; '/' may only introduce a CIDR prefix "
                       "such as /8");
  }
  if (bracketed && hostPart.find('/') != std::string_view::npos) {
    size_t slash = hostPart.find('/');
    return fail(error, fmt::format("a CIDR prefix goes after the brackets: [{}]{}",
                                   hostPart.substr(0, slash), hostPart.substr(slash)));
  }
  if (hostPart.find('/') != std::string_view::npos ||
      portText.find('/') != std::string_view::npos)
    return fail(error, "a host pattern has no path; '/' may only introduce a CIDR prefix such "
                       "as /8");
  if (hostPart.empty())
    return fail(error, "empty host");

  HostPattern p;
  if (hasPort) {
    if (portText.find('*') != std::string_view::npos)
      return fail(error, "'*' is not a port; leave the port out to match every port");
    if (!parsePortRange(portText, p.ports, error))
      return std::nullopt;
  }

  // IPv6, bracketed or bare.
  if (bracketed || hostPart.find(':') != std::string_view::npos) {
    if (hostPart.find(':') == std::string_view::npos)
      return fail(error, "brackets are only for IPv6 addresses");
    V6Bytes b;
    std::string why;
    if (!detail::parseIpv6(hostPart, b, why)) {
      if (hostPart.find('*') != std::string_view::npos)
        return fail(error, "'*' cannot appear in an IP address; use a CIDR range");
      return fail(error, "invalid IPv6 address: " + why);
    }
    return v6Cidr(p, b, hasPrefix, prefixText, error);
  }

  // Wildcards: `*` alone, or `*.` followed by a domain.
  if (hostPart.find('*') != std::string_view::npos) {
    bool leading = hostPart.size() >= 2 && hostPart[0] == '*' && hostPart[1] == '.';
    if (hostPart == "*") {
      if (hasPrefix)
        return fail(error, "'*' cannot take a CIDR prefix");
      p.kind = HostPattern::Kind::Any;
      return p;
    }
    if (!leading || hostPart.find('*', 1) != std::string_view::npos)
      return fail(error, "'*' may only be a whole leading label, as in '*.example.com' (or "
                         "'*' alone for any host)");
    std::string_view rest = hostPart.substr(2);
    if (rest.empty() || rest == ".")
      return fail(error, "'*.' must be followed by a domain, as in '*.example.com'");
    std::string why;
    std::optional<CanonicalHost> h = canonicaliseHost(rest, why);
    if (!h)
      return fail(error, why);
    if (h->kind != CanonicalHost::Kind::Name)
      return fail(error, "a wildcard cannot cover an IP address; use a CIDR range such as "
                         "10.0.0.0/8");
    if (hasPrefix)
      return fail(error, "a CIDR prefix needs an IP address, not a name");
    p.kind = HostPattern::Kind::Subdomains;
    p.domain = std::move(h->name);
    return p;
  }

  std::string why;
  std::optional<CanonicalHost> h = canonicaliseHost(hostPart, why);
  if (!h)
    return fail(error, why);
  if (h->kind == CanonicalHost::Kind::Name) {
    if (hasPrefix)
      return fail(error, "a CIDR prefix needs an IP address, not a name");
    p.kind = HostPattern::Kind::Exact;
    p.domain = std::move(h->name);
    return p;
  }
  return v4Cidr(p, hostPart, hasPrefix, prefixText, error);
}

std::optional<Endpoint> parseEndpoint(std::string_view text, uint16_t defaultPort,
                                      std::string &error) {
  if (text.empty()) {
    error = "empty endpoint";
    return std::nullopt;
  }
  if (!detail::checkHostBytes(text, "", error))
    return std::nullopt;

  std::string_view host = text, portText;
  bool hasPort = false;
  if (text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) {
      error = "'[' without a closing ']'";
      return std::nullopt;
    }
    host = text.substr(0, close + 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        error = "unexpected text after ']'";
        return std::nullopt;
      }
      hasPort = true;
      portText = rest.substr(1);
    }
  } else {
    size_t colon = text.find(':');
    if (colon != std::string_view::npos) {
      if (text.find(':', colon + 1) == std::string_view::npos) {
        host = text.substr(0, colon);
        hasPort = true;
        portText = text.substr(colon + 1);
      } else if (!checkBareV6(text, error)) {
        return std::nullopt;
      }
    }
  }

  Endpoint ep;
  std::optional<CanonicalHost> h = canonicaliseHost(host, error);
  if (!h)
    return std::nullopt;
  ep.host = std::move(*h);
  ep.port = defaultPort;
  if (hasPort && !parsePort(portText, ep.port, error))
    return std::nullopt;
  return ep;
}

} // namespace moat::net
