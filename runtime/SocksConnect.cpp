#include "runtime/SocksConnect.h"

#include "runtime/FullIo.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace moat::runtime {
namespace {

int fail(const std::string &why) {
  std::fprintf(stderr, "moat __connect: %s\n", why.c_str());
  return 1;
}

// RFC 1928: no authentication, CONNECT to a domain name.
bool handshake(int fd, const std::string &host, uint16_t port, std::string &error) {
  const unsigned char greeting[] = {5, 1, 0};
  unsigned char reply[2];
  if (!writeAll(fd, greeting, sizeof greeting) || !readExactly(fd, reply, 2) || reply[0] != 5 || reply[1] != 0) {
    error = "the proxy did not accept the SOCKS5 greeting";
    return false;
  }
  std::string request = {5, 1, 0, 3, static_cast<char>(host.size())};
  request += host;
  request += static_cast<char>(port >> 8);
  request += static_cast<char>(port & 0xff);
  unsigned char head[4];
  if (!writeAll(fd, request.data(), request.size()) || !readExactly(fd, head, 4) || head[0] != 5) {
    error = "no SOCKS5 reply";
    return false;
  }
  if (head[1] != 0) {
    error = head[1] == 2 ? "the policy does not allow " + host + ":" + std::to_string(port)
                         : "the proxy could not connect to " + host + ":" + std::to_string(port) +
                               " (SOCKS5 reply " + std::to_string(head[1]) + ")";
    return false;
  }
  size_t rest = head[3] == 1 ? 4 + 2 : head[3] == 4 ? 16 + 2 : 0;
  if (head[3] == 3) {
    unsigned char len = 0;
    if (!readExactly(fd, &len, 1))
      return false;
    rest = len + 2u;
  }
  char skip[258];
  if (rest == 0 || !readExactly(fd, skip, rest)) {
    error = "a malformed SOCKS5 reply";
    return false;
  }
  return true;
}

// Copies stdin -> socket and socket -> stdout until both are done.
void relay(int fd) {
  char buffer[65536];
  bool inOpen = true, outOpen = true;
  while (outOpen) {
    pollfd fds[2] = {{inOpen ? 0 : -1, POLLIN, 0}, {fd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      return;
    }
    if (inOpen && (fds[0].revents & (POLLIN | POLLHUP))) {
      ssize_t n = ::read(0, buffer, sizeof buffer);
      if (n <= 0) {
        inOpen = false;
        ::shutdown(fd, SHUT_WR);
      } else if (!writeAll(fd, buffer, static_cast<size_t>(n))) {
        return;
      }
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n <= 0 || !writeAll(1, buffer, static_cast<size_t>(n)))
        outOpen = false;
    }
  }
}

} // namespace

int socksConnectMain(int argc, char **argv) {
  if (argc != 5)
    return fail("usage: moat __connect PROXY_IP:PORT HOST PORT");
  std::string proxy = argv[2], host = argv[3];
  size_t colon = proxy.rfind(':');
  char *end = nullptr;
  long port = std::strtol(argv[4], &end, 10);
  if (colon == std::string::npos || *end || port <= 0 || port > 65535 || host.empty() || host.size() > 255)
    return fail("usage: moat __connect PROXY_IP:PORT HOST PORT");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::atoi(proxy.c_str() + colon + 1)));
  if (::inet_pton(AF_INET, proxy.substr(0, colon).c_str(), &addr.sin_addr) != 1)
    return fail("the proxy must be an IPv4 address and port");
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0)
    return fail(std::string("cannot reach the proxy: ") + std::strerror(errno));
  std::string error;
  if (!handshake(fd, host, static_cast<uint16_t>(port), error))
    return fail(error);
  relay(fd);
  ::close(fd);
  return 0;
}

} // namespace moat::runtime
