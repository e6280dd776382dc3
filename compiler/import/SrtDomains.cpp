#include "compiler/import/SrtDomains.h"

#include "compiler/net/Host.h"

namespace moat::import {

namespace {

// srt counts a suffix as a port only when it is 1-65535 written without a
// leading zero; anything else stays part of the host and fails there.
bool isPortSuffix(std::string_view s) {
  if (s.empty() || s.size() > 5 || s[0] < '1' || s[0] > '9')
    return false;
  unsigned value = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value <= 65535;
}

bool hasEmptyLabel(std::string_view name) {
  size_t start = 0;
  for (;;) {
    size_t dot = name.find('.', start);
    size_t end = dot == std::string_view::npos ? name.size() : dot;
    if (end == start)
      return true;
    if (dot == std::string_view::npos)
      return false;
    start = dot + 1;
  }
}

} // namespace

std::optional<std::string> srtDomainProblem(std::string_view entry, bool deniedList) {
  if (entry.empty())
    return "an empty entry";
  size_t firstColon = entry.find(':');
  bool manyColons = firstColon != std::string_view::npos &&
                    entry.find(':', firstColon + 1) != std::string_view::npos;
  if (manyColons && entry[0] != '[')
    return "an IPv6 address must be bracketed, as in [::1] or [::1]:443 (without brackets "
           "the last group could be read as a port)";

  if (entry[0] == '[') {
    size_t close = entry.find(']');
    if (close == std::string_view::npos)
      return "'[' without a closing ']'";
    std::string_view rest = entry.substr(close + 1);
    if (!rest.empty() && (rest[0] != ':' || !isPortSuffix(rest.substr(1))))
      return "only ':PORT' (1-65535) may follow ']'";
    std::string error;
    auto host = net::canonicaliseHost(entry.substr(1, close - 1), error);
    if (!host || host->kind != net::CanonicalHost::Kind::IPv6)
      return "brackets must hold an IPv6 address";
    return std::nullopt;
  }

  std::string_view host = entry;
  size_t lastColon = entry.rfind(':');
  if (lastColon != std::string_view::npos && isPortSuffix(entry.substr(lastColon + 1)))
    host = entry.substr(0, lastColon);

  if (deniedList && host == "*")
    return std::nullopt;
  if (host.find("://") != std::string_view::npos || host.find('/') != std::string_view::npos ||
      host.find(':') != std::string_view::npos)
    return "srt takes a host name with an optional ':PORT', not a URL, a path, an IP range or "
           "a bad port";
  if (host == "localhost")
    return std::nullopt;
  if (host.substr(0, 2) == "*.") {
    std::string_view domain = host.substr(2);
    if (domain.find('.') == std::string_view::npos || hasEmptyLabel(domain) ||
        domain.find('*') != std::string_view::npos)
      return "'*.' must be followed by at least two labels: srt refuses wildcards as broad "
             "as '*.com'";
    return std::nullopt;
  }
  if (host.find('*') != std::string_view::npos)
    return deniedList ? "a wildcard may only be a whole leading '*.' label, or '*' alone"
                      : "a wildcard may only be a whole leading '*.' label; srt refuses '*' "
                        "in allowedDomains";
  if (host.find('.') == std::string_view::npos || host.front() == '.' || host.back() == '.')
    return "srt requires a dotted host name (or 'localhost') without a leading or trailing dot";
  return std::nullopt;
}

std::optional<std::string> srtAddressRangeProblem(std::string_view entry) {
  std::string error;
  if (entry.empty() || entry[0] == '[')
    return "expected an IP address or CIDR range without brackets, such as 10.0.0.0/8 or "
           "fd00::/8";
  auto pattern = net::parseHostPattern(entry, error);
  if (!pattern)
    return error;
  if (pattern->kind != net::HostPattern::Kind::Cidr || !pattern->ports.any())
    return "expected an IP address or CIDR range without a port, such as 10.0.0.0/8";
  return std::nullopt;
}

std::optional<std::string> srtMachServiceProblem(std::string_view entry) {
  if (entry.empty())
    return "an empty service name";
  std::string_view prefix = entry;
  if (prefix.back() == '*')
    prefix.remove_suffix(1);
  if (prefix.find('*') != std::string_view::npos)
    return "a wildcard may only be one trailing '*' (as in com.example.* or *)";
  return std::nullopt;
}

} // namespace moat::import

namespace moat::import {

namespace {

bool isIPv6Literal(std::string_view s) {
  std::string error;
  auto host = net::canonicaliseHost(s, error);
  return host && host->kind == net::CanonicalHost::Kind::IPv6 && s.find(':') != std::string_view::npos;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char &c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view withoutPort(std::string_view entry) {
  if (!entry.empty() && entry[0] == '[') {
    size_t close = entry.find(']');
    return close == std::string_view::npos ? entry : entry.substr(1, close - 1);
  }
  size_t colon = entry.rfind(':');
  if (colon != std::string_view::npos && entry.find(':') == colon && isPortSuffix(entry.substr(colon + 1)))
    return entry.substr(0, colon);
  return entry;
}

} // namespace

std::optional<std::string> srtPortlessDomainProblem(std::string_view entry) {
  if (isIPv6Literal(entry))
    return std::nullopt;
  if (entry.find(':') != std::string_view::npos || entry.find('/') != std::string_view::npos)
    return "srt takes a host name here, without a port, a URL or a path";
  if (entry == "*")
    return "'*' is too broad: srt takes a host name or '*.' plus at least two labels here";
  return srtDomainProblem(entry, false);
}

bool srtInjectHostCovered(std::string_view injectHost, const std::vector<std::string> &allowedDomains) {
  std::string host = lower(injectHost);
  for (const std::string &entry : allowedDomains) {
    std::string allowed = lower(withoutPort(entry));
    bool wildcard = allowed.size() > 2 && allowed.compare(0, 2, "*.") == 0;
    if (host.compare(0, 2, "*.") == 0) {
      if (!wildcard)
        continue;
      std::string base = host.substr(2), allowedBase = allowed.substr(2);
      if (base == allowedBase ||
          (base.size() > allowedBase.size() &&
           base.compare(base.size() - allowedBase.size() - 1, std::string::npos, "." + allowedBase) == 0))
        return true;
      continue;
    }
    if (allowed == "*" || allowed == host)
      return true;
    if (wildcard && host.size() > allowed.size() - 1 &&
        host.compare(host.size() - (allowed.size() - 1), std::string::npos, allowed.substr(1)) == 0)
      return true;
  }
  return false;
}

} // namespace moat::import
