// The SOCKS5 front door: method negotiation (only "no authentication"),
// then one CONNECT request. A domain name is checked here for what the
// wire format allows but a host name never has (empty, NUL, control
// bytes) before the usual canonicalisation, so such a name is refused with
// its own log line and never reaches a resolver.
#include "runtime/proxy/Session.h"
#include "runtime/proxy/Socks5.h"

#include <asio/write.hpp>

namespace moat::runtime::proxy {

namespace {
// Greeting: 2 + 255 methods; request: 4 + 1 + 255 + 2.
constexpr size_t kMaxGreeting = 257;
constexpr size_t kMaxRequest = 262;
} // namespace

void Session::readSocksGreeting() {
  Socks5Greeting greeting;
  switch (parseSocks5Greeting(input_, greeting)) {
  case ParseStatus::NeedMore:
    return readClient(kMaxGreeting, [this] { readSocksGreeting(); });
  case ParseStatus::Invalid:
    countRefused();
    return closeAll();
  case ParseStatus::Done:
    break;
  }
  input_.erase(0, greeting.size);
  auto reply = std::make_shared<std::array<unsigned char, 2>>(
      socks5MethodReply(greeting.offersNoAuth ? socks5::kMethodNoAuth : socks5::kMethodNoneAcceptable));
  bool accepted = greeting.offersNoAuth;
  asio::async_write(client_, asio::buffer(*reply),
                    [this, self = shared_from_this(), reply, accepted](const asio::error_code &ec, size_t) {
                      if (closed_)
                        return;
                      if (ec || !accepted) {
                        countRefused();
                        return closeAll();
                      }
                      readSocksRequest();
                    });
}

void Session::readSocksRequest() {
  Socks5Request request;
  uint8_t replyCode = 0;
  switch (parseSocks5Request(input_, request, replyCode)) {
  case ParseStatus::NeedMore:
    return readClient(kMaxRequest, [this] { readSocksRequest(); });
  case ParseStatus::Invalid:
    return refuse(replyCode == socks5::kAddressTypeNotSupported ? Refusal::AddressTypeNotSupported
                                                                : Refusal::BadRequest,
                  "malformed SOCKS5 request");
  case ParseStatus::Done:
    break;
  }
  input_.erase(0, request.size);
  request_.protocol = "socks5";
  request_.port = request.port;
  if (request.command != socks5::kCommandConnect)
    return refuse(Refusal::CommandNotSupported, "only CONNECT is supported");
  if (request.addressType == socks5::kAddressDomain) {
    request_.rawHost = request.domain;
    for (unsigned char c : request.domain)
      if (c < 0x20 || c == 0x7f) {
        logDecision(net::displayHost(request.domain), false, nullptr, true,
                    "NUL or control byte in the SOCKS5 host name");
        return refuse(Refusal::Policy, "NUL or control byte in the host name");
      }
    if (request.domain.empty()) {
      logDecision("", false, nullptr, true, "empty SOCKS5 host name");
      return refuse(Refusal::Policy, "empty host name");
    }
  } else {
    request_.rawHost = request.ip.v6 ? "[" + request.ip.text() + "]" : request.ip.text();
  }
  openTunnel();
}

} // namespace moat::runtime::proxy
