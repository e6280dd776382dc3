// The HTTP side of the proxy's front door, as pure functions over bytes: the
// request head a sandboxed client sends to an HTTP proxy, what it asks for
// (a CONNECT tunnel or an absolute-URI request to forward), and the
// origin-form head moat sends upstream instead. Kept apart from the sockets
// so every refusal can be tested byte for byte. Strict on purpose: a proxy
// that guesses at a malformed request is a proxy two parsers disagree about
// (request smuggling, allowlist bypass), so anything unusual is an error the
// caller answers with 400.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moat::runtime::proxy {

// The offset just past the blank line that ends the head ("\r\n\r\n"), or
// nullopt while it has not arrived.
std::optional<size_t> findHeadEnd(std::string_view buffered);

struct HttpHead {
  std::string method;
  std::string target;  // as sent: "host:443" or "http://host/path"
  std::string version; // "HTTP/1.0" or "HTTP/1.1"
  std::vector<std::pair<std::string, std::string>> headers; // value trimmed
};

// Parses a complete head (up to and including the blank line). Refuses
// obsolete line folding, control bytes, bare LF, empty or non-token names,
// and versions other than HTTP/1.0 and HTTP/1.1.
std::optional<HttpHead> parseHttpHead(std::string_view head, std::string &error);

// Every value of the header `name` (compared in any case), in order.
std::vector<std::string> headerValues(const HttpHead &head, std::string_view name);

// `host:port` as written in a CONNECT target or a URI: `host` keeps the
// brackets of an IPv6 literal (net::canonicaliseHost accepts them).
struct Authority {
  std::string host;
  uint16_t port = 0;
  std::string text; // host[:port] as the client wrote it (the Host header)
};

// `defaultPort` nullopt: the port is required (CONNECT).
std::optional<Authority> parseAuthority(std::string_view text, std::optional<uint16_t> defaultPort,
                                        std::string &error);

// What a head asks the proxy to do.
struct ProxyRequest {
  enum class Kind { Connect, Forward } kind = Kind::Connect;
  Authority destination;
  // Forward only: the head to send upstream (origin-form request line,
  // Host set to the URI's authority, hop-by-hop and Proxy-* headers
  // dropped, `Connection: close`).
  std::string upstreamHead;
};

// CONNECT host:port, or any method with an `http://` absolute URI. An
// `https://` URI, an origin-form target and userinfo in the URI are errors.
std::optional<ProxyRequest> interpretProxyRequest(const HttpHead &head, std::string &error);

} // namespace moat::runtime::proxy
