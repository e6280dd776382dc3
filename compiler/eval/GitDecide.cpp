#include "compiler/eval/GitDecide.h"

#include "compiler/fs/Glob.h"
#include "compiler/net/Host.h"
#include "compiler/net/NameAddresses.h"

#include <cctype>
#include <vector>

namespace moat::eval {

namespace {

std::vector<std::string_view> splitSlash(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t slash = text.find('/', start);
    parts.push_back(text.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos)
      return parts;
    start = slash + 1;
  }
}

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char &c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "host" or "host:port" (IPv6 in brackets) into the canonical authority.
std::optional<std::string> canonicalAuthority(std::string_view authority, unsigned defaultPort,
                                              std::string &error) {
  std::string_view host = authority, port;
  if (startsWith(authority, "[")) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "unterminated '[' in the host";
      return std::nullopt;
    }
    host = authority.substr(0, close + 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') {
        error = "unexpected text after the IPv6 address";
        return std::nullopt;
      }
      port = rest.substr(1);
      if (port.empty()) {
        error = "empty port";
        return std::nullopt;
      }
    }
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) {
      error = "empty port";
      return std::nullopt;
    }
  }
  if (host.empty()) {
    error = "no host";
    return std::nullopt;
  }
  std::string hostError;
  std::optional<net::CanonicalHost> canonical = net::canonicaliseHost(host, hostError);
  if (!canonical) {
    error = "bad host: " + hostError;
    return std::nullopt;
  }
  std::string out = canonical->text();
  if (!port.empty()) {
    unsigned value = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || port.size() > 5) {
        error = "bad port '" + std::string(port) + "'";
        return std::nullopt;
      }
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535) {
      error = "port " + std::string(port) + " is out of range";
      return std::nullopt;
    }
    if (value != defaultPort)
      out += ":" + std::to_string(value);
  }
  return out;
}

} // namespace

std::optional<std::string> canonicalGitRemote(std::string_view url, std::string &error) {
  for (char c : url) {
    unsigned char b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b == 0x7f || b >= 0x80 || c == '\\' || c == '%' || c == '?' || c == '#') {
      error = b <= 0x20 || b == 0x7f ? "a space or control byte is not allowed"
                                     : std::string("'") + c + "' is not allowed (the URL must have one reading)";
      if (b >= 0x80)
        error = "a non-ASCII byte is not allowed";
      return std::nullopt;
    }
  }
  size_t schemeEnd = url.find("://");
  if (schemeEnd == std::string_view::npos) {
    error = "expected https://HOST/PATH";
    return std::nullopt;
  }
  std::string scheme = lower(url.substr(0, schemeEnd));
  unsigned defaultPort = 0;
  if (scheme == "https")
    defaultPort = 443;
  else if (scheme == "http")
    defaultPort = 80;
  else {
    error = "the scheme must be https or http (the git proxy speaks git's smart HTTP)";
    return std::nullopt;
  }
  std::string_view rest = url.substr(schemeEnd + 3);
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (authority.find('@') != std::string_view::npos) {
    error = "credentials in the URL are not allowed (the token comes from `token`)";
    return std::nullopt;
  }
  std::optional<std::string> canonicalHost = canonicalAuthority(authority, defaultPort, error);
  if (!canonicalHost)
    return std::nullopt;
  if (slash == std::string_view::npos) {
    error = "no repository path";
    return std::nullopt;
  }
  std::string_view path = rest.substr(slash + 1);
  if (!path.empty() && path.back() == '/')
    path.remove_suffix(1);
  if (path.size() > 4 && path.substr(path.size() - 4) == ".git")
    path.remove_suffix(4);
  if (path.empty()) {
    error = "no repository path";
    return std::nullopt;
  }
  for (std::string_view segment : splitSlash(path))
    if (segment.empty() || segment == "." || segment == "..") {
      error = "empty, '.' or '..' path segments are not allowed";
      return std::nullopt;
    }
  return scheme + "://" + *canonicalHost + "/" + std::string(path);
}

std::optional<GitRemoteAddress> gitRemoteAddress(std::string_view canonicalUrl) {
  size_t schemeEnd = canonicalUrl.find("://");
  if (schemeEnd == std::string_view::npos)
    return std::nullopt;
  GitRemoteAddress out;
  out.scheme = std::string(canonicalUrl.substr(0, schemeEnd));
  if (out.scheme != "https" && out.scheme != "http")
    return std::nullopt;
  out.port = out.scheme == "https" ? 443 : 80;
  std::string_view rest = canonicalUrl.substr(schemeEnd + 3);
  std::string_view authority = rest.substr(0, rest.find('/'));
  std::string_view host = authority;
  // The canonical form brackets IPv6 and writes a port only after the host.
  size_t colon = authority.rfind(':');
  size_t close = authority.rfind(']');
  if (colon != std::string_view::npos && (close == std::string_view::npos || colon > close)) {
    host = authority.substr(0, colon);
    unsigned port = 0;
    for (char c : authority.substr(colon + 1)) {
      if (c < '0' || c > '9' || port > 65535)
        return std::nullopt;
      port = port * 10 + static_cast<unsigned>(c - '0');
    }
    if (port == 0 || port > 65535)
      return std::nullopt;
    out.port = static_cast<uint16_t>(port);
  }
  std::string error;
  std::optional<net::CanonicalHost> canonical = net::canonicaliseHost(host, error);
  if (!canonical)
    return std::nullopt;
  out.host = std::move(*canonical);
  return out;
}

bool isLoopbackHost(const net::CanonicalHost &host) {
  switch (host.kind) {
  case net::CanonicalHost::Kind::IPv4:
    return host.ip.bytes[0] == 127;
  case net::CanonicalHost::Kind::IPv6: {
    for (size_t i = 0; i < 15; ++i)
      if (host.ip.bytes[i] != 0)
        return false;
    return host.ip.bytes[15] == 1;
  }
  case net::CanonicalHost::Kind::Name:
    return net::isLoopbackName(host);
  }
  return false;
}

bool validGitRefPattern(std::string_view pattern, std::string &error) {
  if (!startsWith(pattern, "refs/")) {
    error = "a push pattern names full refs and starts with 'refs/' (e.g. \"refs/heads/agent/*\")";
    return false;
  }
  for (std::string_view component : splitSlash(pattern)) {
    if (component.empty()) {
      error = "empty component in a ref pattern";
      return false;
    }
    if (component == "**")
      continue;
    if (!fs::ComponentGlob::compile(component, error))
      return false;
  }
  return true;
}

bool gitRefPatternMatches(std::string_view pattern, std::string_view ref) {
  std::vector<std::string> components;
  for (std::string_view c : splitSlash(pattern))
    components.emplace_back(c);
  std::string error;
  std::optional<fs::PathGlob> glob = fs::PathGlob::compile(components, error);
  if (!glob)
    return false;
  std::vector<std::string_view> refParts = splitSlash(ref);
  for (std::string_view part : refParts)
    if (part.empty())
      return false;
  return glob->matches(refParts, 0, /*coverDescendants=*/false);
}

bool isTagRef(std::string_view ref) { return startsWith(ref, "refs/tags/"); }

std::optional<GitRemoteMatch> findGitRemote(const ir::Policy &policy, std::string_view canonicalUrl) {
  for (const ir::GitBlock &block : policy.git)
    for (const ir::GitRemote &remote : block.remotes)
      if (remote.url == canonicalUrl)
        return GitRemoteMatch{&block, &remote};
  return std::nullopt;
}

const ir::GitRefPattern *allowedPushPattern(const ir::GitBlock &block, std::string_view ref) {
  bool tag = isTagRef(ref);
  for (const ir::GitRefPattern &pattern : block.push) {
    if (tag && !isTagRef(pattern.pattern))
      continue;
    if (gitRefPatternMatches(pattern.pattern, ref))
      return &pattern;
  }
  return nullptr;
}

} // namespace moat::eval
