// Host canonicalisation: the one place that decides what a host string a
// client sends (URL host, CONNECT target, SOCKS name) means. Everything that
// compares hosts (evaluator, lint, proxy) goes through here, so two spellings
// of one destination can never be told apart by a rule.
#include "compiler/net/Host.h"
#include "compiler/net/HostDetail.h"

#include <fmt/format.h>

#include <algorithm>

namespace moat::net {

namespace detail {

bool checkHostBytes(std::string_view s, std::string_view extra, std::string &error) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == ':' || c == '[' || c == ']')
      continue;
    if (c != 0 && extra.find(static_cast<char>(c)) != std::string_view::npos)
      continue;
    std::string b = describeByte(c);
    if (c == 0)
      error = fmt::format("NUL byte '{}' at offset {}", b, i);
    else if (c < 0x20 || c == 0x7f)
      error = fmt::format("control character '{}' at offset {}", b, i);
    else if (c == ' ')
      error = fmt::format("space '{}' at offset {}", b, i);
    else if (c >= 0x80)
      error = fmt::format("non-ASCII byte '{}' at offset {}; write internationalised names in "
                          "punycode (xn--...)",
                          b, i);
    else if (c == '/')
      error = fmt::format("'/' at offset {}; a host has no scheme or path", i);
    else if (c == '@')
      error = fmt::format("'@' at offset {}; user information (user@host) is not allowed", i);
    else if (c == '%')
      error = fmt::format("'%' at offset {}; percent-encoding and IPv6 zone identifiers "
                          "(fe80::1%eth0) are not allowed",
                          i);
    else if (c == '\\')
      error = fmt::format("backslash '\\x5c' at offset {}", i);
    else if (c == '*')
      error = fmt::format("'*' at offset {}; a host cannot contain wildcards", i);
    else
      error = fmt::format("'{}' at offset {}; a host name may only contain letters, digits, "
                          "'-', '_' and '.'",
                          b, i);
    return false;
  }
  return true;
}

} // namespace detail

namespace {

using detail::V4Bytes;
using detail::V6Bytes;

std::optional<CanonicalHost> fail(std::string &error, std::string reason) {
  error = std::move(reason);
  return std::nullopt;
}

CanonicalHost makeV4(const uint8_t *b) {
  CanonicalHost h;
  h.kind = CanonicalHost::Kind::IPv4;
  h.ip.v6 = false;
  for (int i = 0; i < 4; ++i)
    h.ip.bytes[i] = b[i];
  return h;
}

// Parses a bare IPv6 address (no brackets) and folds IPv4-mapped addresses
// to IPv4: ::ffff:127.0.0.1 reaches 127.0.0.1 and must be decided like it.
std::optional<CanonicalHost> canonicaliseV6(std::string_view s, std::string &error) {
  V6Bytes b;
  std::string why;
  if (!detail::parseIpv6(s, b, why))
    return fail(error, "invalid IPv6 address: " + why);
  if (detail::isV4Mapped(b))
    return makeV4(b.data() + 12);
  CanonicalHost h;
  h.kind = CanonicalHost::Kind::IPv6;
  h.ip.v6 = true;
  h.ip.bytes = b;
  return h;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::optional<CanonicalHost> canonicaliseName(std::string_view s, std::string &error) {
  // One trailing dot is the DNS root ("github.com." is github.com); a
  // second would leave an empty label and is rejected below.
  if (!s.empty() && s.back() == '.')
    s.remove_suffix(1);
  if (s.empty())
    return fail(error, "empty host");
  if (s.size() > 253)
    return fail(error, fmt::format("the host is {} bytes long; the limit is 253", s.size()));

  // WHATWG URL rule: if the last label is a number the host is an IPv4
  // address, whatever the other labels are. "foo.123" is neither a name nor
  // an address, so it is an error rather than a guess.
  size_t lastDot = s.rfind('.');
  std::string_view last = lastDot == std::string_view::npos ? s : s.substr(lastDot + 1);
  if (detail::isNumericLabel(last)) {
    V4Bytes b;
    std::string why;
    if (!detail::parseIpv4Any(s, b, why))
      return fail(error, "the last label is numeric, so this must be an IPv4 address, but " + why);
    return makeV4(b.data());
  }

  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    size_t end = dot == std::string_view::npos ? s.size() : dot;
    size_t len = end - start;
    if (len == 0)
      return fail(error, "empty label (two dots in a row, or a leading dot)");
    if (len > 63)
      return fail(error, fmt::format("a label is {} bytes long; the limit is 63", len));
    if (s[start] == '-' || s[end - 1] == '-')
      return fail(error, "a label cannot start or end with '-'");
    if (dot == std::string_view::npos)
      break;
    start = dot + 1;
  }

  CanonicalHost h;
  h.kind = CanonicalHost::Kind::Name;
  h.name.resize(s.size());
  for (size_t i = 0; i < s.size(); ++i)
    h.name[i] = lower(s[i]);
  return h;
}

} // namespace

std::optional<CanonicalHost> canonicaliseHost(std::string_view host, std::string &error) {
  if (host.empty())
    return fail(error, "empty host");
  if (!detail::checkHostBytes(host, "", error))
    return std::nullopt;

  if (host.front() == '[') {
    size_t close = host.find(']');
    if (close == std::string_view::npos)
      return fail(error, "'[' without a closing ']'");
    if (close + 1 != host.size()) {
      if (host[close + 1] == ':')
        return fail(error, "a port is not part of a host here");
      return fail(error, "unexpected text after ']'");
    }
    return canonicaliseV6(host.substr(1, close - 1), error);
  }

  if (host.find_first_of("[]") != std::string_view::npos)
    return fail(error, "'[' and ']' may only enclose a whole IPv6 address");

  size_t colon = host.find(':');
  if (colon != std::string_view::npos) {
    // Two or more colons: a bare IPv6 address. One colon can only be
    // HOST:PORT, which is not a host.
    if (host.find(':', colon + 1) == std::string_view::npos)
      return fail(error, fmt::format("':' at offset {}; a port is not part of a host here", colon));
    return canonicaliseV6(host, error);
  }
  return canonicaliseName(host, error);
}

std::string IpAddress::text() const {
  char buf[48];
  size_t n = v6 ? detail::formatIpv6(bytes, buf) : detail::formatIpv4(bytes.data(), buf);
  return std::string(buf, n);
}

std::string CanonicalHost::text() const {
  switch (kind) {
  case Kind::Name:
    return name;
  case Kind::IPv4:
    return ip.text();
  case Kind::IPv6:
    return "[" + ip.text() + "]";
  }
  return name;
}

std::string displayHost(std::string_view raw) {
  constexpr size_t kMax = 256;
  std::string out;
  out.reserve(std::min(raw.size(), kMax) + 8);
  for (size_t i = 0; i < raw.size() && i < kMax; ++i) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\')
      out.push_back(static_cast<char>(c));
    else
      out += fmt::format("\\x{:02x}", c);
  }
  if (raw.size() > kMax)
    out += "...";
  return out;
}

} // namespace moat::net
