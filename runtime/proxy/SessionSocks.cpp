// The SOCKS5 front door: method negotiation, then one CONNECT request.
// Exactly one method is ever chosen: username/password (RFC 1929) where
// the listener asks for the session credential, so a client that offers
// "no authentication" too (curl offers 0, 1 and 2) still has to present it,
// and "no authentication" where only the sandbox can connect. A client that
// does not offer that method gets `05 FF`; a wrong user or password gets
// RFC 1929's failure status; both are closed and logged. A domain name is checked here for what the
// wire format allows but a host name never has (empty, NUL, control
// bytes) before the usual canonicalisation, so such a name is refused with
// its own log line and never reaches a resolver.
#include "runtime/proxy/Session.h"
#include "runtime/proxy/Socks5.h"

#include <asio/write.hpp>

namespace moat::runtime::proxy {

namespace {
// Greeting: 2 + 255 methods; RFC 1929: 1 + 1 + 255 + 1 + 255; request: 4 +
// 1 + 255 + 2.
constexpr size_t kMaxGreeting = 257;
constexpr size_t kMaxUserPassword = 513;
constexpr size_t kMaxRequest = 262;
} // namespace

void Session::readSocksGreeting() {
  Socks5Greeting greeting;
  switch (parseSocks5Greeting(input_, greeting)) {
  case ParseStatus::NeedMore:
    return readClient(kMaxGreeting, [this] { readSocksGreeting(); });
  case ParseStatus::Invalid:
    logMalformed("malformed SOCKS5 greeting");
    countRefused();
    return closeAll();
  case ParseStatus::Done:
    break;
  }
  input_.erase(0, greeting.size);
  if (credentialChecked_ && !greeting.offersNoAuth)
    logMalformed("the SOCKS5 client offered no method the proxy accepts (no authentication)");
  if (credentialChecked_) // a listener only the sandbox reaches
    return sendSocksNegotiation(
        socks5MethodReply(greeting.offersNoAuth ? socks5::kMethodNoAuth : socks5::kMethodNoneAcceptable),
        greeting.offersNoAuth ? std::function<void()>([this] { readSocksRequest(); }) : nullptr);
  if (!greeting.offersUserPassword) {
    denyCredential("the SOCKS5 client offered no username/password authentication (RFC 1929)");
    return sendSocksNegotiation(socks5MethodReply(socks5::kMethodNoneAcceptable), nullptr);
  }
  sendSocksNegotiation(socks5MethodReply(socks5::kMethodUserPassword), [this] { readSocksUserPassword(); });
}

void Session::readSocksUserPassword() {
  Socks5UserPassword given;
  switch (parseSocks5UserPassword(input_, given)) {
  case ParseStatus::NeedMore:
    return readClient(kMaxUserPassword, [this] { readSocksUserPassword(); });
  case ParseStatus::Invalid:
    denyCredential("malformed SOCKS5 username/password request");
    return sendSocksNegotiation(socks5UserPasswordReply(socks5::kUserPasswordFailure), nullptr);
  case ParseStatus::Done:
    break;
  }
  input_.erase(0, given.size);
  if (!userPasswordMatches(given.user, given.password, core_.config.credential)) {
    denyCredential("wrong SOCKS5 user name or password");
    return sendSocksNegotiation(socks5UserPasswordReply(socks5::kUserPasswordFailure), nullptr);
  }
  credentialChecked_ = true;
  sendSocksNegotiation(socks5UserPasswordReply(socks5::kUserPasswordSuccess), [this] { readSocksRequest(); });
}

void Session::sendSocksNegotiation(std::array<unsigned char, 2> bytes, std::function<void()> next) {
  auto reply = std::make_shared<std::array<unsigned char, 2>>(bytes);
  asio::async_write(client_, asio::buffer(*reply),
                    [this, self = shared_from_this(), reply, next = std::move(next)](const asio::error_code &ec, size_t) {
                      if (closed_)
                        return;
                      if (ec || !next) {
                        countRefused();
                        return closeAll();
                      }
                      next();
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
