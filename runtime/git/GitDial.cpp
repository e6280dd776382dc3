// Reaching a git remote, directly or through the upstream proxy (GitDial.h).
#include "runtime/git/GitDial.h"

#include "runtime/FullIo.h"
#include "runtime/git/ByteStream.h"
#include "runtime/proxy/Destination.h"

#include <asio/ip/address.hpp>
#include <asio/ip/tcp.hpp>

#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace moat::runtime::git {

namespace {

// Connects within 10 s; -1 with `error` on failure.
int connectWithin(const sockaddr *address, socklen_t length, const std::string &what, std::string &error) {
  int s = ::socket(address->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (s < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  int c = ::connect(s, address, length);
  if (c != 0 && errno == EINPROGRESS) {
    pollfd p{s, POLLOUT, 0};
    int soError = ETIMEDOUT;
    socklen_t len = sizeof soError;
    if (::poll(&p, 1, 10000) == 1)
      ::getsockopt(s, SOL_SOCKET, SO_ERROR, &soError, &len);
    c = soError == 0 ? 0 : -1;
    errno = soError;
  }
  if (c != 0) {
    error = "cannot connect to " + what + ": " + std::strerror(errno);
    ::close(s);
    return -1;
  }
  return s;
}

asio::ip::address addressOf(const addrinfo *a) {
  if (a->ai_family == AF_INET)
    return asio::ip::address_v4(ntohl(reinterpret_cast<const sockaddr_in *>(a->ai_addr)->sin_addr.s_addr));
  asio::ip::address_v6::bytes_type bytes;
  std::memcpy(bytes.data(), &reinterpret_cast<const sockaddr_in6 *>(a->ai_addr)->sin6_addr, 16);
  return asio::ip::address_v6(bytes);
}

// Blocking exchange on a socket with timeouts (the upstream handshakes).
bool sendAllTo(int fd, std::string_view bytes) { return sendAll(fd, bytes.data(), bytes.size()); }
bool receiveMore(int fd, std::string &into, size_t max) {
  char buffer[1024];
  size_t want = std::min(sizeof buffer, max - into.size());
  if (want == 0)
    return false;
  ssize_t n;
  do
    n = ::recv(fd, buffer, want, 0);
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    return false;
  into.append(buffer, static_cast<size_t>(n));
  return true;
}

// Opens a tunnel to target:port through `proxy` (HTTP CONNECT or SOCKS5,
// the byte builders of runtime/proxy/UpstreamProxy.h) over `fd`. Reads
// only what each reply takes, so the tunnel's first bytes stay unread.
bool upstreamHandshake(int fd, const proxy::UpstreamProxy &proxy, const net::CanonicalHost &target, uint16_t port,
                       std::string &error) {
  std::string via = "the upstream proxy " + proxy.url();
  std::string reply;
  if (proxy.protocol == proxy::UpstreamProxy::Protocol::HttpConnect) {
    if (!sendAllTo(fd, proxy::httpConnectRequest(proxy, target, port)))
      return error = via + " went away", false;
    // One byte at a time past what is buffered is not needed: a CONNECT
    // reply is followed by nothing until the client speaks.
    while (true) {
      proxy::HttpStatusLine status;
      std::string parseError;
      proxy::ParseStatus parsed = proxy::parseHttpStatusHead(reply, 16384, status, parseError);
      if (parsed == proxy::ParseStatus::Invalid)
        return error = via + " answered garbage: " + parseError, false;
      if (parsed == proxy::ParseStatus::Done) {
        if (status.status / 100 != 2)
          return error = via + " refused: " + std::to_string(status.status) + " " + status.phrase, false;
        if (reply.size() != status.headSize)
          return error = via + " sent bytes before the tunnel opened", false;
        return true;
      }
      if (!receiveMore(fd, reply, 16384))
        return error = via + " closed or timed out", false;
    }
  }
  bool withCredentials = proxy.credentials.has_value();
  if (!sendAllTo(fd, proxy::socks5ClientGreeting(withCredentials)))
    return error = via + " went away", false;
  while (reply.size() < 2)
    if (!receiveMore(fd, reply, 2))
      return error = via + " closed or timed out", false;
  if (reply[0] != 5 || (reply[1] != 0 && !(reply[1] == 2 && withCredentials)))
    return error = via + " accepts none of the offered authentication methods", false;
  if (reply[1] == 2) {
    reply.clear();
    if (!sendAllTo(fd, proxy::socks5ClientUserPassword(*proxy.credentials)))
      return error = via + " went away", false;
    while (reply.size() < 2)
      if (!receiveMore(fd, reply, 2))
        return error = via + " closed or timed out", false;
    if (reply[1] != 0)
      return error = via + " refused the credentials", false;
  }
  reply.clear();
  if (!sendAllTo(fd, proxy::socks5ClientConnect(target, port)))
    return error = via + " went away", false;
  while (true) {
    proxy::Socks5ClientReply parsed;
    proxy::ParseStatus status = proxy::parseSocks5ClientReply(reply, parsed);
    if (status == proxy::ParseStatus::Invalid)
      return error = via + " answered garbage", false;
    if (status == proxy::ParseStatus::Done) {
      if (parsed.code != 0)
        return error = via + " refused the connection (SOCKS code " + std::to_string(parsed.code) + ")", false;
      return reply.size() == parsed.size || (error = via + " sent bytes before the tunnel opened", false);
    }
    if (!receiveMore(fd, reply, 512))
      return error = via + " closed or timed out", false;
  }
}

int dialUpstream(const proxy::UpstreamProxy &upstream, const net::CanonicalHost &target, uint16_t port,
                 std::chrono::seconds timeout, std::string &error) {
  for (const asio::ip::address &address : upstream.addresses) {
    asio::ip::tcp::endpoint endpoint(address, upstream.port);
    int fd = connectWithin(endpoint.data(), static_cast<socklen_t>(endpoint.size()),
                           "the upstream proxy " + upstream.url(), error);
    if (fd < 0)
      continue;
    makeBlockingWithTimeouts(fd, timeout);
    if (upstreamHandshake(fd, upstream, target, port, error))
      return fd;
    ::close(fd);
    return -1;
  }
  return -1;
}

} // namespace

int dialGitRemote(const eval::GitRemoteAddress &remote, const std::optional<proxy::UpstreamProxy> &configured,
                  std::chrono::seconds timeout, std::string &host, std::string &error) {
  // The host as getaddrinfo and the certificate check take it (no brackets).
  host = remote.host.kind == net::CanonicalHost::Kind::Name ? remote.host.name : remote.host.text();
  if (!host.empty() && host.front() == '[')
    host = host.substr(1, host.size() - 2);
  bool literal = remote.host.kind != net::CanonicalHost::Kind::Name;
  bool loopback = eval::isLoopbackHost(remote.host);
  // Through --upstream-proxy, like the filtering proxy's own traffic; this
  // machine's loopback stays direct (it is not the upstream's).
  const proxy::UpstreamProxy *upstream = configured && !loopback ? &*configured : nullptr;
  uint16_t portNumber = remote.port;
  std::string port = std::to_string(portNumber);
  if (upstream && upstream->resolvesNames())
    return dialUpstream(*upstream, remote.host, portNumber, timeout, error);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo *found = nullptr;
  int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) {
    error = "cannot resolve " + host + ": " + gai_strerror(rc);
    return -1;
  }
  // Internal addresses: see GitDial.h.
  bool internalAllowed = literal || loopback;
  error = "no usable address for " + host;
  int fd = -1;
  for (addrinfo *a = found; a && fd < 0; a = a->ai_next) {
    if (a->ai_family != AF_INET && a->ai_family != AF_INET6)
      continue;
    asio::ip::address address = addressOf(a);
    if (const char *kind = proxy::internalAddressKind(proxy::toIpAddress(address)); kind && !internalAllowed) {
      error = host + " resolves to " + address.to_string() + " (" + kind + "), which a git remote's name may not reach";
      continue;
    }
    if (upstream) // socks5://: the upstream gets the vetted address
      fd = dialUpstream(*upstream, proxy::hostOfAddress(address), portNumber, timeout, error);
    else if ((fd = connectWithin(a->ai_addr, a->ai_addrlen, address.to_string(), error)) >= 0)
      makeBlockingWithTimeouts(fd, timeout);
  }
  ::freeaddrinfo(found);
  return fd;
}


} // namespace moat::runtime::git
