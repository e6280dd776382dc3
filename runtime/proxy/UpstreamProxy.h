// `moat run --upstream-proxy=URL`: the organisation's proxy that the traffic
// moat's proxy ALLOWS goes on through, instead of being dialled directly.
// Networks with a mandatory proxy (a Squid with its own ACLs, perhaps the one
// `moat build --target=squid` configured) reach the internet only through
// it, so moat's proxy becomes a client of that proxy: the policy still
// decides first, and a refused request never reaches the upstream.
//
// Three parts, each small and testable on its own:
//   * the URL, parsed strictly (`http://HOST:PORT`, `socks5://HOST:PORT`,
//     `socks5h://HOST:PORT`), and its credentials, taken only from the
//     environment (a command line is visible to every process in `ps`);
//   * the two client handshakes as pure byte builders and parsers (HTTP
//     CONNECT with its response head; SOCKS5 per RFC 1928 with RFC 1929
//     username/password);
//   * an asynchronous driver that runs a handshake over a connected socket
//     on the proxy's I/O thread, never blocking it. It is bounded by the
//     caller: the session's deadline closes the socket, which ends every
//     pending operation (docs/runtime.md, "Upstream proxy").
#pragma once
#include "compiler/net/Host.h"
#include "runtime/proxy/Socks5.h"

#include <asio/generic/stream_protocol.hpp>
#include <asio/ip/address.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moat::runtime::proxy {

// Where the credentials come from. Never from the URL: a command line is
// world-readable (/proc/PID/cmdline), the environment is not. The launcher
// keeps both variables out of the sandbox's environment.
inline constexpr const char *kUpstreamUserVariable = "MOAT_UPSTREAM_PROXY_USER";
inline constexpr const char *kUpstreamPasswordVariable = "MOAT_UPSTREAM_PROXY_PASSWORD";

struct UpstreamCredentials {
  std::string user;
  std::string password;
};

struct UpstreamProxy {
  enum class Protocol {
    HttpConnect, // http://: CONNECT for tunnels, absolute-URI forwarding for plain HTTP
    Socks5,      // socks5://: moat resolves and vets the name, the upstream gets an address
    Socks5h,     // socks5h://: the upstream gets the name and resolves it
  };
  Protocol protocol = Protocol::HttpConnect;
  net::CanonicalHost host; // the upstream's own host, canonical
  uint16_t port = 0;
  // Where the upstream is dialled, in order: its IP literal, or its name
  // resolved once when `moat run` starts. No destination guard applies to
  // these: the user configured the upstream, typically on loopback or a
  // private address.
  std::vector<asio::ip::address> addresses;
  std::optional<UpstreamCredentials> credentials;

  // "http://HOST:PORT" (never the credentials): for messages and the log.
  std::string url() const;
  // Whether a destination's name goes to the upstream unresolved.
  bool resolvesNames() const { return protocol != Protocol::Socks5; }
};

// Parses the URL strictly: scheme `http`, `socks5` or `socks5h` (any case),
// `://`, a host (name, IPv4, bracketed IPv6), a port (required), and at most
// a trailing `/`. Userinfo is refused with a pointer to the environment
// variables; so are paths, queries, fragments and other schemes. Does not
// resolve (`addresses` holds the literal's address only).
std::optional<UpstreamProxy> parseUpstreamProxyUrl(std::string_view url, std::string &error);

// The credentials from the two variables' values (null: unset). Both or
// neither; each 1 to 255 bytes (RFC 1929's limit), no control bytes, and no
// `:` in the user name (HTTP Basic could not carry it).
bool upstreamCredentialsFrom(const char *user, const char *password,
                             std::optional<UpstreamCredentials> &out, std::string &error);

// Everything `moat run --upstream-proxy=URL` needs, from the URL, the
// process environment and the resolver: the parsed proxy with its
// credentials and addresses, or nullopt and a message for the user.
using UpstreamResolver =
    std::function<std::vector<asio::ip::address>(const std::string &name, std::string &error)>;
std::optional<UpstreamProxy> configureUpstreamProxy(std::string_view url, const UpstreamResolver &resolve,
                                                    std::string &error);

// ---- The handshakes as bytes --------------------------------------------

// An address as the host the upstream is asked for (socks5://, where moat
// resolves and vets the name itself).
net::CanonicalHost hostOfAddress(const asio::ip::address &address);

// The upstream's name for a destination: "name:port", "1.2.3.4:port",
// "[v6]:port".
std::string upstreamAuthority(const net::CanonicalHost &host, uint16_t port);

// `Proxy-Authorization: Basic ...\r\n` for the credentials ("" for none).
std::string proxyAuthorizationLine(const std::optional<UpstreamCredentials> &credentials);

// CONNECT authority HTTP/1.1, Host, Proxy-Authorization when configured.
std::string httpConnectRequest(const UpstreamProxy &proxy, const net::CanonicalHost &host, uint16_t port);

// A forwarded request's origin-form head (HttpRequest.h's upstreamHead)
// turned into the absolute form an HTTP proxy expects ("GET /p HTTP/1.1" ->
// "GET http://authority/p HTTP/1.1"), with Proxy-Authorization added, so the
// upstream sees the URL and applies its http ACLs to it.
std::string absoluteFormHead(const std::string &originHead, const UpstreamProxy &proxy,
                             const net::CanonicalHost &host, uint16_t port);

struct HttpStatusLine {
  int status = 0;
  std::string phrase; // printable ASCII only (for a header value)
  size_t headSize = 0; // bytes up to and including the blank line
};
// The upstream's response head to CONNECT. Invalid: no `HTTP/1.x NNN`
// status line, or no blank line within `maxHead` bytes.
ParseStatus parseHttpStatusHead(std::string_view bytes, size_t maxHead, HttpStatusLine &out,
                                std::string &error);

// SOCKS5 client side: the greeting (method 00, plus 02 when there are
// credentials), the RFC 1929 request, the CONNECT request (a domain name
// for names, an address for IP literals).
std::string socks5ClientGreeting(bool withCredentials);
std::string socks5ClientUserPassword(const UpstreamCredentials &credentials);
std::string socks5ClientConnect(const net::CanonicalHost &host, uint16_t port);
// The CONNECT reply: version, code, reserved, bound address. Invalid:
// another version or address type. `size` is what it took.
struct Socks5ClientReply {
  uint8_t code = 0;
  size_t size = 0;
};
ParseStatus parseSocks5ClientReply(std::string_view bytes, Socks5ClientReply &out);

// ---- The driver -------------------------------------------------------------

struct UpstreamOutcome {
  enum class Kind {
    Established, // the tunnel to the destination is open
    Refused,     // the upstream said no (HTTP 4xx, SOCKS 02, its credentials)
    Unreachable, // the upstream could not reach the destination (HTTP 5xx, SOCKS 03/04/05/06)
    Failed,      // the upstream went away, timed out or answered garbage
  };
  Kind kind = Kind::Failed;
  std::string reason; // why, for the client and the log
  int httpStatus = 0; // HttpConnect's status, when it answered one
  uint8_t socksCode = 0; // SOCKS5's reply code, when it answered one
  // Bytes the upstream sent after its reply: the destination's first
  // bytes, which the client must get before anything else.
  std::string leftover;
};

// Runs the handshake over `socket` (connected to the upstream) for a tunnel
// to host:port and calls `done` once, on the socket's executor. The caller
// keeps `socket` and `proxy` alive until then and bounds the time: closing
// the socket makes `done` report Failed.
void startUpstreamHandshake(asio::generic::stream_protocol::socket &socket, const UpstreamProxy &proxy,
                            const net::CanonicalHost &host, uint16_t port,
                            std::function<void(UpstreamOutcome)> done);

} // namespace moat::runtime::proxy
