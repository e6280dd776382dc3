// Parsing an HTTP/1.x proxy request head and rewriting a forwarded request
// to origin form (RFC 9112 sections 3 and 5, RFC 9110 section 7.2). See
// HttpRequest.h for why everything unusual is refused rather than repaired.
#include "runtime/proxy/HttpRequest.h"

#include "compiler/support/Blanks.h"

#include <cctype>

namespace moat::runtime::proxy {

namespace {

bool isTokenChar(unsigned char c) {
  if (std::isalnum(c))
    return true;
  switch (c) {
  case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
  case '-': case '.': case '^': case '_': case '`': case '|': case '~':
    return true;
  default:
    return false;
  }
}

bool isToken(std::string_view s) {
  if (s.empty())
    return false;
  for (unsigned char c : s)
    if (!isTokenChar(c))
      return false;
  return true;
}

// Visible ASCII, space and tab (obs-text, bytes >= 0x80, is refused too:
// nothing moat forwards needs it in a header).
bool isFieldValue(std::string_view s) {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\t') || c >= 0x7f)
      return false;
  return true;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}


// Splits off one CRLF-terminated line; a bare LF or CR inside is an error.
bool takeLine(std::string_view &rest, std::string_view &line) {
  size_t end = rest.find("\r\n");
  if (end == std::string_view::npos)
    return false;
  line = rest.substr(0, end);
  rest.remove_prefix(end + 2);
  return line.find_first_of("\r\n") == std::string_view::npos;
}

std::optional<uint16_t> parsePort(std::string_view text) {
  if (text.empty() || text.size() > 5 || text[0] == '0')
    return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535)
    return std::nullopt;
  return static_cast<uint16_t>(value);
}

// Headers the proxy consumes or replaces rather than forwards.
bool isDroppedOnForward(std::string_view name) {
  for (std::string_view dropped : {"host", "connection", "proxy-connection", "proxy-authorization",
                                   "keep-alive", "proxy-authenticate", "te", "trailer", "upgrade"})
    if (equalsIgnoreCase(name, dropped))
      return true;
  return false;
}

} // namespace

std::optional<size_t> findHeadEnd(std::string_view buffered) {
  size_t at = buffered.find("\r\n\r\n");
  if (at == std::string_view::npos)
    return std::nullopt;
  return at + 4;
}

std::optional<HttpHead> parseHttpHead(std::string_view head, std::string &error) {
  std::string_view rest = head;
  std::string_view line;
  if (!takeLine(rest, line)) {
    error = "malformed request line";
    return std::nullopt;
  }
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    error = "malformed request line";
    return std::nullopt;
  }
  HttpHead out;
  out.method = std::string(line.substr(0, sp1));
  out.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  out.version = std::string(line.substr(sp2 + 1));
  if (!isToken(out.method)) {
    error = "malformed method";
    return std::nullopt;
  }
  if (out.target.empty()) {
    error = "empty request target";
    return std::nullopt;
  }
  for (unsigned char c : out.target)
    if (c <= 0x20 || c >= 0x7f) {
      error = "control or non-ASCII byte in the request target";
      return std::nullopt;
    }
  if (out.version != "HTTP/1.1" && out.version != "HTTP/1.0") {
    error = "unsupported HTTP version";
    return std::nullopt;
  }
  while (true) {
    if (!takeLine(rest, line)) {
      error = "malformed header line";
      return std::nullopt;
    }
    if (line.empty())
      break;
    if (line[0] == ' ' || line[0] == '\t') {
      error = "obsolete header line folding";
      return std::nullopt;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || !isToken(line.substr(0, colon))) {
      error = "malformed header name";
      return std::nullopt;
    }
    std::string_view value = trimBlanks(line.substr(colon + 1));
    if (!isFieldValue(value)) {
      error = "control byte in a header value";
      return std::nullopt;
    }
    out.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  if (!rest.empty()) {
    error = "bytes after the end of the head";
    return std::nullopt;
  }
  return out;
}

std::vector<std::string> headerValues(const HttpHead &head, std::string_view name) {
  std::vector<std::string> out;
  for (const auto &[headerName, value] : head.headers)
    if (equalsIgnoreCase(headerName, name))
      out.push_back(value);
  return out;
}

std::optional<Authority> parseAuthority(std::string_view text, std::optional<uint16_t> defaultPort,
                                        std::string &error) {
  Authority out;
  out.text = std::string(text);
  std::string_view host;
  std::string_view portText;
  bool hasPort = false;
  if (!text.empty() && text[0] == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) {
      error = "unterminated IPv6 literal";
      return std::nullopt;
    }
    host = text.substr(0, close + 1);
    std::string_view after = text.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') {
        error = "bytes after an IPv6 literal";
        return std::nullopt;
      }
      hasPort = true;
      portText = after.substr(1);
    }
  } else {
    size_t colon = text.rfind(':');
    if (colon != std::string_view::npos) {
      host = text.substr(0, colon);
      portText = text.substr(colon + 1);
      hasPort = true;
      if (host.find(':') != std::string_view::npos) {
        error = "an IPv6 literal must be bracketed";
        return std::nullopt;
      }
    } else {
      host = text;
    }
  }
  if (host.empty()) {
    error = "empty host";
    return std::nullopt;
  }
  out.host = std::string(host);
  if (hasPort) {
    std::optional<uint16_t> port = parsePort(portText);
    if (!port) {
      error = "invalid port";
      return std::nullopt;
    }
    out.port = *port;
  } else if (defaultPort) {
    out.port = *defaultPort;
  } else {
    error = "a port is required";
    return std::nullopt;
  }
  return out;
}

std::optional<ProxyRequest> interpretProxyRequest(const HttpHead &head, std::string &error) {
  ProxyRequest out;
  if (head.method == "CONNECT") {
    out.kind = ProxyRequest::Kind::Connect;
    auto authority = parseAuthority(head.target, std::nullopt, error);
    if (!authority)
      return std::nullopt;
    out.destination = std::move(*authority);
    return out;
  }
  std::string_view target = head.target;
  constexpr std::string_view scheme = "http://";
  if (target.size() < scheme.size() || !equalsIgnoreCase(target.substr(0, scheme.size()), scheme)) {
    error = equalsIgnoreCase(target.substr(0, 8), "https://")
                ? "https:// requests must use CONNECT"
                : "the request target must be an absolute http:// URI";
    return std::nullopt;
  }
  target.remove_prefix(scheme.size());
  size_t authorityEnd = target.find_first_of("/?#");
  std::string_view authorityText = target.substr(0, authorityEnd);
  if (authorityText.find('@') != std::string_view::npos) {
    error = "userinfo in the request URI";
    return std::nullopt;
  }
  auto authority = parseAuthority(authorityText, uint16_t{80}, error);
  if (!authority)
    return std::nullopt;
  std::string_view pathAndQuery =
      authorityEnd == std::string_view::npos ? std::string_view() : target.substr(authorityEnd);
  size_t fragment = pathAndQuery.find('#');
  if (fragment != std::string_view::npos)
    pathAndQuery = pathAndQuery.substr(0, fragment);
  std::string path = pathAndQuery.empty() || pathAndQuery[0] != '/' ? "/" + std::string(pathAndQuery)
                                                                    : std::string(pathAndQuery);
  out.kind = ProxyRequest::Kind::Forward;
  out.destination = std::move(*authority);
  out.upstreamHead = head.method + " " + path + " " + head.version + "\r\n";
  out.upstreamHead += "Host: " + out.destination.text + "\r\n";
  for (const auto &[name, value] : head.headers)
    if (!isDroppedOnForward(name))
      out.upstreamHead += name + ": " + value + "\r\n";
  out.upstreamHead += "Connection: close\r\n\r\n";
  return out;
}

} // namespace moat::runtime::proxy
