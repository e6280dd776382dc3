// The default Resolver: getaddrinfo for TCP, any address family, called
// only with canonical names (never an IP literal, whose odd spellings
// getaddrinfo would accept) on one of the proxy's lookup threads.
#include "runtime/proxy/ProxyServer.h"

#include <cstring>
#include <netdb.h>
#include <sys/socket.h>

namespace moat::runtime::proxy {

std::vector<asio::ip::address> systemResolve(const std::string &name, std::string &error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo *found = nullptr;
  int rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &found);
  std::vector<asio::ip::address> out;
  if (rc != 0) {
    error = ::gai_strerror(rc);
    return out;
  }
  for (addrinfo *ai = found; ai; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET) {
      const auto *in = reinterpret_cast<const sockaddr_in *>(ai->ai_addr);
      asio::ip::address_v4::bytes_type b;
      std::memcpy(b.data(), &in->sin_addr, 4);
      out.push_back(asio::ip::address_v4(b));
    } else if (ai->ai_family == AF_INET6) {
      const auto *in6 = reinterpret_cast<const sockaddr_in6 *>(ai->ai_addr);
      asio::ip::address_v6::bytes_type b;
      std::memcpy(b.data(), &in6->sin6_addr, 16);
      out.push_back(asio::ip::address_v6(b));
    }
  }
  ::freeaddrinfo(found);
  if (out.empty())
    error = "no IPv4 or IPv6 address";
  return out;
}

} // namespace moat::runtime::proxy
