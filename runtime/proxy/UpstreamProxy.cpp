// The upstream proxy's URL, its credentials, and the bytes of the two
// client handshakes (UpstreamProxy.h). Pure functions: the asynchronous
// driver is UpstreamHandshake.cpp.
#include "runtime/proxy/UpstreamProxy.h"

#include "runtime/proxy/Destination.h"
#include "runtime/proxy/HttpRequest.h"

#include <llvm/Support/Base64.h>

#include <cctype>
#include <cstdlib>

namespace moat::runtime::proxy {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char &c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const char *schemeOf(UpstreamProxy::Protocol protocol) {
  switch (protocol) {
  case UpstreamProxy::Protocol::HttpConnect: return "http";
  case UpstreamProxy::Protocol::Socks5: return "socks5";
  case UpstreamProxy::Protocol::Socks5h: return "socks5h";
  }
  return "http";
}

bool hasControlByte(std::string_view text) {
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f)
      return true;
  return false;
}

// Printable ASCII only: the upstream's reason phrase goes into a header
// value and the log.
std::string printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text.substr(0, 200))
    out += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?';
  return out;
}

} // namespace

std::string UpstreamProxy::url() const {
  return std::string(schemeOf(protocol)) + "://" + host.text() + ":" + std::to_string(port);
}

std::optional<UpstreamProxy> parseUpstreamProxyUrl(std::string_view url, std::string &error) {
  UpstreamProxy out;
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    error = "the upstream proxy must be a URL: http://HOST:PORT, socks5://HOST:PORT or socks5h://HOST:PORT";
    return std::nullopt;
  }
  std::string scheme = lower(url.substr(0, sep));
  if (scheme == "http")
    out.protocol = UpstreamProxy::Protocol::HttpConnect;
  else if (scheme == "socks5")
    out.protocol = UpstreamProxy::Protocol::Socks5;
  else if (scheme == "socks5h")
    out.protocol = UpstreamProxy::Protocol::Socks5h;
  else {
    error = "unsupported upstream proxy scheme '" + printable(url.substr(0, sep)) +
            "' (use http, socks5 or socks5h; an https:// proxy is not supported)";
    return std::nullopt;
  }
  std::string_view rest = url.substr(sep + 3);
  if (!rest.empty() && rest.back() == '/')
    rest.remove_suffix(1);
  if (rest.find('@') != std::string_view::npos) {
    error = std::string("credentials are not accepted in the upstream proxy URL (a command line is visible to "
                        "every process): set ") +
            kUpstreamUserVariable + " and " + kUpstreamPasswordVariable + " instead";
    return std::nullopt;
  }
  if (rest.find_first_of("/?#") != std::string_view::npos) {
    error = "the upstream proxy URL must have no path, query or fragment";
    return std::nullopt;
  }
  std::string why;
  std::optional<Authority> authority = parseAuthority(rest, std::nullopt, why);
  if (!authority) {
    error = "invalid upstream proxy address '" + printable(rest) + "': " + why;
    return std::nullopt;
  }
  std::optional<net::CanonicalHost> host = net::canonicaliseHost(authority->host, why);
  if (!host) {
    error = "invalid upstream proxy host '" + printable(authority->host) + "': " + why;
    return std::nullopt;
  }
  out.host = *host;
  out.port = authority->port;
  if (host->kind != net::CanonicalHost::Kind::Name)
    out.addresses = {toAsioAddress(host->ip)};
  return out;
}

bool upstreamCredentialsFrom(const char *user, const char *password, std::optional<UpstreamCredentials> &out,
                             std::string &error) {
  out.reset();
  if (!user && !password)
    return true;
  if (!user || !password) {
    error = std::string("set both ") + kUpstreamUserVariable + " and " + kUpstreamPasswordVariable +
            ", or neither";
    return false;
  }
  std::string_view u(user), p(password);
  if (u.empty() || u.size() > 255 || p.empty() || p.size() > 255) {
    error = std::string(kUpstreamUserVariable) + " and " + kUpstreamPasswordVariable +
            " must each hold 1 to 255 bytes";
    return false;
  }
  if (hasControlByte(u) || hasControlByte(p) || u.find(':') != std::string_view::npos) {
    error = std::string(kUpstreamUserVariable) + " or " + kUpstreamPasswordVariable +
            " holds a control byte, or the user name a ':'";
    return false;
  }
  out = UpstreamCredentials{std::string(u), std::string(p)};
  return true;
}

std::optional<UpstreamProxy> configureUpstreamProxy(std::string_view url, const UpstreamResolver &resolve,
                                                    std::string &error) {
  std::optional<UpstreamProxy> proxy = parseUpstreamProxyUrl(url, error);
  if (!proxy)
    return std::nullopt;
  if (!upstreamCredentialsFrom(std::getenv(kUpstreamUserVariable), std::getenv(kUpstreamPasswordVariable),
                               proxy->credentials, error))
    return std::nullopt;
  if (proxy->addresses.empty()) {
    std::string why;
    proxy->addresses = resolve(proxy->host.name, why);
    if (proxy->addresses.empty()) {
      error = "the upstream proxy's name '" + proxy->host.name + "' does not resolve" +
              (why.empty() ? "" : ": " + why);
      return std::nullopt;
    }
  }
  return proxy;
}

net::CanonicalHost hostOfAddress(const asio::ip::address &address) {
  net::CanonicalHost host;
  host.ip = toIpAddress(address);
  host.kind = host.ip.v6 ? net::CanonicalHost::Kind::IPv6 : net::CanonicalHost::Kind::IPv4;
  return host;
}

std::string upstreamAuthority(const net::CanonicalHost &host, uint16_t port) {
  return host.text() + ":" + std::to_string(port);
}

std::string proxyAuthorizationLine(const std::optional<UpstreamCredentials> &credentials) {
  if (!credentials)
    return "";
  return "Proxy-Authorization: Basic " + llvm::encodeBase64(credentials->user + ":" + credentials->password) +
         "\r\n";
}

std::string httpConnectRequest(const UpstreamProxy &proxy, const net::CanonicalHost &host, uint16_t port) {
  std::string authority = upstreamAuthority(host, port);
  return "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n" +
         proxyAuthorizationLine(proxy.credentials) + "\r\n";
}

std::string absoluteFormHead(const std::string &originHead, const UpstreamProxy &proxy,
                             const net::CanonicalHost &host, uint16_t port) {
  // originHead is ours (HttpRequest.cpp): "METHOD /path VERSION\r\n...".
  size_t space = originHead.find(' ');
  size_t lineEnd = originHead.find("\r\n");
  if (space == std::string::npos || lineEnd == std::string::npos || space > lineEnd)
    return originHead;
  return originHead.substr(0, space + 1) + "http://" + upstreamAuthority(host, port) +
         originHead.substr(space + 1, lineEnd + 2 - (space + 1)) + proxyAuthorizationLine(proxy.credentials) +
         originHead.substr(lineEnd + 2);
}

ParseStatus parseHttpStatusHead(std::string_view bytes, size_t maxHead, HttpStatusLine &out, std::string &error) {
  std::optional<size_t> end = findHeadEnd(bytes);
  if (!end || *end > maxHead) {
    if (bytes.size() < maxHead && !end)
      return ParseStatus::NeedMore;
    error = "the upstream proxy's response head is larger than " + std::to_string(maxHead) + " bytes";
    return ParseStatus::Invalid;
  }
  std::string_view line = bytes.substr(0, bytes.find("\r\n"));
  // "HTTP/1.x NNN phrase" (the phrase may be empty).
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || !std::isdigit(static_cast<unsigned char>(line[7])) ||
      line[8] != ' ' || (line.size() > 12 && line[12] != ' ')) {
    error = "the upstream proxy did not answer with an HTTP/1.x status line";
    return ParseStatus::Invalid;
  }
  int status = 0;
  for (size_t i = 9; i < 12; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(line[i]))) {
      error = "the upstream proxy's status code is not a number";
      return ParseStatus::Invalid;
    }
    status = status * 10 + (line[i] - '0');
  }
  if (status < 100) {
    error = "the upstream proxy's status code is out of range";
    return ParseStatus::Invalid;
  }
  out.status = status;
  out.phrase = line.size() > 13 ? printable(line.substr(13)) : "";
  out.headSize = *end;
  return ParseStatus::Done;
}

std::string socks5ClientGreeting(bool withCredentials) {
  std::string out{static_cast<char>(socks5::kVersion)};
  if (withCredentials)
    out += {'\x02', static_cast<char>(socks5::kMethodNoAuth), static_cast<char>(socks5::kMethodUserPassword)};
  else
    out += {'\x01', static_cast<char>(socks5::kMethodNoAuth)};
  return out;
}

std::string socks5ClientUserPassword(const UpstreamCredentials &credentials) {
  std::string out{static_cast<char>(socks5::kUserPasswordVersion)};
  out += static_cast<char>(credentials.user.size());
  out += credentials.user;
  out += static_cast<char>(credentials.password.size());
  out += credentials.password;
  return out;
}

std::string socks5ClientConnect(const net::CanonicalHost &host, uint16_t port) {
  std::string out{static_cast<char>(socks5::kVersion), static_cast<char>(socks5::kCommandConnect), '\0'};
  switch (host.kind) {
  case net::CanonicalHost::Kind::Name:
    // A canonical name is at most 253 bytes (net::canonicaliseHost).
    out += static_cast<char>(socks5::kAddressDomain);
    out += static_cast<char>(host.name.size());
    out += host.name;
    break;
  case net::CanonicalHost::Kind::IPv4:
    out += static_cast<char>(socks5::kAddressIpv4);
    out.append(reinterpret_cast<const char *>(host.ip.bytes.data()), 4);
    break;
  case net::CanonicalHost::Kind::IPv6:
    out += static_cast<char>(socks5::kAddressIpv6);
    out.append(reinterpret_cast<const char *>(host.ip.bytes.data()), 16);
    break;
  }
  out += static_cast<char>(port >> 8);
  out += static_cast<char>(port & 0xff);
  return out;
}

ParseStatus parseSocks5ClientReply(std::string_view bytes, Socks5ClientReply &out) {
  if (bytes.size() < 5)
    return ParseStatus::NeedMore;
  if (static_cast<uint8_t>(bytes[0]) != socks5::kVersion)
    return ParseStatus::Invalid;
  size_t addressSize = 0;
  switch (static_cast<uint8_t>(bytes[3])) {
  case socks5::kAddressIpv4: addressSize = 4; break;
  case socks5::kAddressIpv6: addressSize = 16; break;
  case socks5::kAddressDomain: addressSize = 1 + static_cast<uint8_t>(bytes[4]); break;
  default: return ParseStatus::Invalid;
  }
  size_t size = 4 + addressSize + 2;
  if (bytes.size() < size)
    return ParseStatus::NeedMore;
  out.code = static_cast<uint8_t>(bytes[1]);
  out.size = size;
  return ParseStatus::Done;
}

} // namespace moat::runtime::proxy
