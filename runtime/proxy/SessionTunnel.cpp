// The tunnel once the upstream is connected. A forwarded HTTP request gets
// its rewritten head and then plain relaying. A CONNECT or SOCKS tunnel is
// acknowledged, the upstream's bytes flow to the client at once (protocols
// where the server speaks first, such as ssh, must work), and the client's
// first bytes are held back until they are known not to be a TLS
// ClientHello naming another host: if they start a TLS handshake, the
// whole hello is collected (bounded in bytes and time) and its server name
// compared, canonically, with the host the tunnel was allowed for. On a
// mismatch not one client byte reaches the upstream.
#include "runtime/proxy/Session.h"
#include "runtime/proxy/Socks5.h"
#include "runtime/proxy/TlsClientHello.h"

#include <asio/write.hpp>

namespace moat::runtime::proxy {

namespace {
constexpr size_t kMaxClientHello = 16384;
}

void Session::tunnelEstablished() {
  disarmDeadline();
  if (request_.protocol == "http") {
    relay_.startDown(shared_from_this());
    relay_.startUp(shared_from_this(), request_.forwardHead + input_);
    input_.clear();
    return;
  }
  auto reply = std::make_shared<std::string>();
  if (front_ == Front::Socks) {
    auto bytes = socks5Reply(socks5::kSucceeded);
    reply->assign(bytes.begin(), bytes.end());
  } else {
    *reply = "HTTP/1.1 200 Connection Established\r\n\r\n";
  }
  // What an upstream proxy read along with its reply is the destination's.
  *reply += upstreamLeftover_;
  upstreamLeftover_.clear();
  asio::async_write(client_, asio::buffer(*reply), [this, self = shared_from_this(), reply](const asio::error_code &ec, size_t) {
    if (closed_)
      return;
    if (ec)
      return closeAll();
    relay_.startDown(self);
    gateClientHello();
  });
}

void Session::gateClientHello() {
  if (closed_)
    return;
  ClientHelloScan scan = scanClientHello(input_, kMaxClientHello);
  if (scan.status == ClientHelloScan::Status::NeedMore && input_.size() > kMaxClientHello) {
    scan.status = ClientHelloScan::Status::Malformed;
    scan.error = "ClientHello larger than the limit";
  }
  switch (scan.status) {
  case ClientHelloScan::Status::NotTls:
    return startRelayUp();
  case ClientHelloScan::Status::Malformed:
    logDecision(host_.text(), false, nullptr, true, "malformed TLS ClientHello: " + scan.error);
    return closeAll();
  case ClientHelloScan::Status::Complete:
    break;
  case ClientHelloScan::Status::NeedMore: {
    if (!input_.empty() && !helloDeadlineArmed_) {
      helloDeadlineArmed_ = true;
      armDeadline(core_.config.limits.handshakeTimeout);
    }
    size_t old = input_.size();
    size_t want = kMaxClientHello + 1 - old;
    input_.resize(old + want);
    client_.async_read_some(asio::buffer(&input_[old], want),
                            [this, self = shared_from_this(), old](const asio::error_code &ec, size_t n) {
                              if (closed_)
                                return;
                              input_.resize(old + (ec ? 0 : n));
                              if (!ec)
                                return gateClientHello();
                              if (ec == asio::error::eof && input_.empty())
                                return relay_.endUpBeforeStart(); // nothing said; the upstream may still talk
                              closeAll(); // an error, or a hello cut short: forward nothing
                            });
    return;
  }
  }
  if (scan.serverName) {
    std::string error;
    std::optional<net::CanonicalHost> name = net::canonicaliseHost(*scan.serverName, error);
    if (!name || !(*name == host_)) {
      logDecision(host_.text(), false, nullptr, true,
                  "TLS SNI '" + net::displayHost(*scan.serverName) + "' does not match the requested host '" +
                      host_.text() + "'");
      return closeAll();
    }
  }
  startRelayUp();
}

void Session::startRelayUp() {
  disarmDeadline();
  relay_.startUp(shared_from_this(), std::move(input_));
  input_.clear();
}

} // namespace moat::runtime::proxy
