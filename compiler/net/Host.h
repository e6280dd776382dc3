// Hosts and host patterns. Canonicalisation lives here, in one place, and is
// shared by the evaluator, the lint rules and the runtime proxy. The rules
// are written out for users in docs/hosts.md; keep the two in step.
//
// Everything here is safe on hostile bytes (embedded NULs, any length): it
// never reads outside the view, never throws, and allocates only for the
// result and for error text. Error strings are reasons meant to follow the
// caller's own "invalid host 'X': "; they quote pieces of the input only once
// its bytes are known to be plain host characters, and a bad byte they name
// is escaped (\xNN).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moat::net {

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{}; // IPv4 uses the first 4 bytes
  std::string text() const;        // "127.0.0.1", "2001:db8::1" (RFC 5952)
  friend bool operator==(const IpAddress &a, const IpAddress &b) {
    return a.v6 == b.v6 && a.bytes == b.bytes;
  }
};

struct CanonicalHost {
  enum class Kind { Name, IPv4, IPv6 } kind = Kind::Name;
  std::string name; // lowercase, no trailing dot (Kind::Name)
  IpAddress ip;     // Kind::IPv4 / Kind::IPv6
  std::string text() const; // name, dotted quad, or "[v6]"
  friend bool operator==(const CanonicalHost &a, const CanonicalHost &b) {
    return a.kind == b.kind && a.name == b.name && a.ip == b.ip;
  }
};

// Canonicalises a host as a client would send it (URL host, CONNECT target,
// SOCKS name): lowercases, strips one trailing dot, parses every IPv4 spelling
// inet_aton accepts (127.1, 0x7f000001, 2130706433, 0177.0.0.1), brackets
// or bare IPv6, maps ::ffff:a.b.c.d to IPv4, accepts punycode (xn--) labels.
// Rejects NUL, control characters, spaces, non-ASCII bytes, empty labels,
// labels over 63 bytes, names over 253 bytes, and any byte outside
// [a-z0-9-_.]. `error` says why (naming the bad byte and its offset).
// A host whose last label is numeric ("foo.123", "x.0x1f") must be a valid
// IPv4 address or it is an error (the WHATWG URL rule). IPv4 overflow is an
// error, never a wrap. IPv6 zone ids and ports ("[::1]:80") are errors.
std::optional<CanonicalHost> canonicaliseHost(std::string_view host, std::string &error);

struct PortRange {
  uint16_t lo = 0;
  uint16_t hi = 65535;
  bool any() const { return lo == 0 && hi == 65535; }
  bool contains(uint16_t p) const { return p >= lo && p <= hi; }
  std::string text() const; // "", "443", "8000-8100"
  friend bool operator==(const PortRange &a, const PortRange &b) {
    return a.lo == b.lo && a.hi == b.hi;
  }
};

// A network rule's target: `*` (any host), `example.com` (exactly),
// `*.example.com` (strict subdomains only, not example.com itself), an IPv4 or
// bracketed IPv6 literal, or a CIDR range (`10.0.0.0/8`, `[fd00::]/8` or
// `fd00::/8`), each with an optional `:PORT` or `:LO-HI`.
struct HostPattern {
  enum class Kind { Any, Exact, Subdomains, Cidr } kind = Kind::Exact;
  std::string domain; // Exact / Subdomains: canonical name without "*."
  IpAddress network;  // Cidr (a single address is a /32 or /128)
  unsigned prefixLen = 0;
  PortRange ports;

  std::string text() const; // canonical spelling, round-trips through parse
  bool matches(const CanonicalHost &host, uint16_t port) const;
  friend bool operator==(const HostPattern &a, const HostPattern &b) {
    return a.kind == b.kind && a.domain == b.domain && a.network == b.network &&
           a.prefixLen == b.prefixLen && a.ports == b.ports;
  }
};

// Parses a pattern as written in a policy. Rejects URLs (`https://`), paths,
// `*` anywhere but a whole leading label (`exa*mple.com`, `*.*.a`), empty
// labels, bad ports (0, >65535, lo>hi), unbracketed IPv6 with a port, host
// bits set in a CIDR, and everything canonicaliseHost rejects. Stricter than
// canonicaliseHost where a reader could misread the rule:
//  - IPv4 must be four decimal parts without leading zeros (`127.1` and
//    `010.0.0.1` are errors that name the address they stand for);
//  - a bare IPv6 address whose last group is decimal and could be a port
//    (`::1:80`, `fe80::1:443`) is an error showing both bracketed spellings;
//  - a wildcard over an IP (`*.1.2.3`) is an error.
// IPv4-mapped literals and ranges inside ::ffff:0:0/96 become the IPv4
// address or range they map to.
//
// matches(): Any matches every host; Exact the same name; Subdomains names
// ending in "." + domain; Cidr addresses of the same family inside the range,
// and also IPv4 hosts whose mapped form ::ffff:a.b.c.d lies inside an IPv6
// range (so `[::]/64` covers 127.0.0.1). Names never match IP patterns and IP
// hosts never match name patterns. The port must lie inside `ports`.
std::optional<HostPattern> parseHostPattern(std::string_view text, std::string &error);

// A concrete endpoint for queries: `HOST[:PORT]`, `[v6]`, `[v6]:PORT`, or a
// bare IPv6 address without a port (ambiguous ones such as `::1:80` are
// errors, as in patterns). Ports are 1-65535 in decimal without leading
// zeros. Without a port, `defaultPort` is used.
struct Endpoint {
  CanonicalHost host;
  uint16_t port = 443;
};
std::optional<Endpoint> parseEndpoint(std::string_view text, uint16_t defaultPort, std::string &error);

// `raw` made safe to print in a message or log line: printable ASCII kept,
// backslash and every other byte written \xNN, cut after 256 bytes ("...").
// Hosts arrive from hostile clients; never print them unescaped.
std::string displayHost(std::string_view raw);

} // namespace moat::net
