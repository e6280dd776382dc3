// The asynchronous side of UpstreamProxy.h: one handshake with the upstream
// proxy over a connected socket, as a small state machine of Asio writes
// and reads on the proxy's I/O thread (nothing blocks it). Each step reads
// only what it needs to know where the upstream's reply ends, so whatever
// the upstream sent after it (the destination's first bytes) is handed back
// as `leftover`, not lost. Time is the caller's to bound: it closes the
// socket, every pending operation ends with an error, and `done` reports
// Failed.
#include "runtime/proxy/UpstreamProxy.h"

#include <asio/write.hpp>

#include <memory>

namespace moat::runtime::proxy {

namespace {

using Socket = asio::generic::stream_protocol::socket;

// The upstream's reply heads: an HTTP response head to CONNECT (as large as
// the proxy accepts from clients), SOCKS5's 2-byte replies and the CONNECT
// reply (at most 4 + 1 + 255 + 2).
constexpr size_t kMaxHttpHead = 16384;
constexpr size_t kMaxSocksReply = 262;

class Handshake : public std::enable_shared_from_this<Handshake> {
public:
  Handshake(Socket &socket, const UpstreamProxy &proxy, const net::CanonicalHost &host, uint16_t port,
            std::function<void(UpstreamOutcome)> done)
      : socket_(socket), proxy_(proxy), host_(host), port_(port), done_(std::move(done)) {}

  void start() {
    if (proxy_.protocol == UpstreamProxy::Protocol::HttpConnect)
      return send(httpConnectRequest(proxy_, host_, port_), &Handshake::readHttpResponse);
    send(socks5ClientGreeting(proxy_.credentials.has_value()), &Handshake::readSocksMethod);
  }

private:
  using Step = void (Handshake::*)();

  void send(std::string bytes, Step next) {
    auto buffer = std::make_shared<std::string>(std::move(bytes));
    asio::async_write(socket_, asio::buffer(*buffer),
                      [self = shared_from_this(), buffer, next](const asio::error_code &ec, size_t) {
                        if (ec)
                          return self->fail("the upstream proxy closed the connection: " + ec.message());
                        ((*self).*next)();
                      });
  }

  // Reads more of the upstream's bytes (at most `cap` held in total), then
  // runs `next` to look at them again.
  void receive(size_t cap, Step next) {
    if (input_.size() >= cap)
      return fail("the upstream proxy's reply is longer than " + std::to_string(cap) + " bytes");
    size_t old = input_.size();
    input_.resize(cap);
    socket_.async_read_some(asio::buffer(&input_[old], cap - old),
                            [self = shared_from_this(), old, next](const asio::error_code &ec, size_t n) {
                              self->input_.resize(old + (ec ? 0 : n));
                              if (ec)
                                return self->fail(ec == asio::error::eof
                                                      ? "the upstream proxy closed the connection"
                                                      : "reading from the upstream proxy: " + ec.message());
                              ((*self).*next)();
                            });
  }

  void readHttpResponse() {
    HttpStatusLine status;
    std::string error;
    switch (parseHttpStatusHead(input_, kMaxHttpHead, status, error)) {
    case ParseStatus::NeedMore:
      return receive(kMaxHttpHead, &Handshake::readHttpResponse);
    case ParseStatus::Invalid:
      return fail(error);
    case ParseStatus::Done:
      break;
    }
    UpstreamOutcome outcome;
    outcome.httpStatus = status.status;
    std::string said = std::to_string(status.status) + (status.phrase.empty() ? "" : " " + status.phrase);
    if (status.status >= 200 && status.status < 300) {
      outcome.kind = UpstreamOutcome::Kind::Established;
      outcome.leftover = input_.substr(status.headSize);
    } else if (status.status == 407) {
      outcome.kind = UpstreamOutcome::Kind::Refused;
      outcome.reason = proxy_.credentials
                           ? "the upstream proxy refused moat's credentials (" + said + ")"
                           : "the upstream proxy wants credentials (" + said + "): set " +
                                 kUpstreamUserVariable + " and " + kUpstreamPasswordVariable;
    } else if (status.status >= 400 && status.status < 500) {
      outcome.kind = UpstreamOutcome::Kind::Refused;
      outcome.reason = "refused by the upstream proxy: " + said;
    } else if (status.status >= 500) {
      outcome.kind = UpstreamOutcome::Kind::Unreachable;
      outcome.reason = "the upstream proxy could not reach it: " + said;
    } else {
      outcome.kind = UpstreamOutcome::Kind::Failed;
      outcome.reason = "unexpected answer from the upstream proxy: " + said;
    }
    finish(std::move(outcome));
  }

  void readSocksMethod() {
    if (input_.size() < 2)
      return receive(2, &Handshake::readSocksMethod);
    uint8_t version = static_cast<uint8_t>(input_[0]), method = static_cast<uint8_t>(input_[1]);
    input_.erase(0, 2);
    if (version != socks5::kVersion)
      return fail("the upstream proxy does not speak SOCKS5");
    if (method == socks5::kMethodNoAuth)
      return send(socks5ClientConnect(host_, port_), &Handshake::readSocksReply);
    if (method == socks5::kMethodUserPassword && proxy_.credentials)
      return send(socks5ClientUserPassword(*proxy_.credentials), &Handshake::readSocksUserPasswordStatus);
    UpstreamOutcome outcome;
    outcome.kind = UpstreamOutcome::Kind::Refused;
    outcome.reason = proxy_.credentials || method != socks5::kMethodNoneAcceptable
                         ? "the upstream SOCKS5 proxy accepts none of the methods moat offered"
                         : std::string("the upstream SOCKS5 proxy wants credentials: set ") +
                               kUpstreamUserVariable + " and " + kUpstreamPasswordVariable;
    finish(std::move(outcome));
  }

  void readSocksUserPasswordStatus() {
    if (input_.size() < 2)
      return receive(2, &Handshake::readSocksUserPasswordStatus);
    uint8_t status = static_cast<uint8_t>(input_[1]);
    input_.erase(0, 2);
    if (status == socks5::kUserPasswordSuccess)
      return send(socks5ClientConnect(host_, port_), &Handshake::readSocksReply);
    UpstreamOutcome outcome;
    outcome.kind = UpstreamOutcome::Kind::Refused;
    outcome.reason = "the upstream SOCKS5 proxy refused moat's credentials";
    finish(std::move(outcome));
  }

  void readSocksReply() {
    Socks5ClientReply reply;
    switch (parseSocks5ClientReply(input_, reply)) {
    case ParseStatus::NeedMore:
      return receive(kMaxSocksReply, &Handshake::readSocksReply);
    case ParseStatus::Invalid:
      return fail("malformed SOCKS5 reply from the upstream proxy");
    case ParseStatus::Done:
      break;
    }
    UpstreamOutcome outcome;
    outcome.socksCode = reply.code;
    std::string said = "SOCKS5 reply " + std::to_string(reply.code);
    switch (reply.code) {
    case socks5::kSucceeded:
      outcome.kind = UpstreamOutcome::Kind::Established;
      outcome.leftover = input_.substr(reply.size);
      break;
    case socks5::kNotAllowed:
      outcome.kind = UpstreamOutcome::Kind::Refused;
      outcome.reason = "refused by the upstream proxy: " + said + " (not allowed by its ruleset)";
      break;
    case socks5::kNetworkUnreachable:
    case socks5::kHostUnreachable:
    case socks5::kConnectionRefused:
    case 0x06: // TTL expired
      outcome.kind = UpstreamOutcome::Kind::Unreachable;
      outcome.reason = "the upstream proxy could not reach it: " + said;
      break;
    default:
      outcome.kind = UpstreamOutcome::Kind::Failed;
      outcome.reason = "the upstream proxy failed: " + said;
      break;
    }
    finish(std::move(outcome));
  }

  void fail(std::string reason) {
    UpstreamOutcome outcome;
    outcome.kind = UpstreamOutcome::Kind::Failed;
    outcome.reason = std::move(reason);
    finish(std::move(outcome));
  }

  void finish(UpstreamOutcome outcome) {
    auto done = std::move(done_);
    done_ = nullptr;
    if (done)
      done(std::move(outcome));
  }

  Socket &socket_;
  const UpstreamProxy &proxy_;
  net::CanonicalHost host_;
  uint16_t port_;
  std::function<void(UpstreamOutcome)> done_;
  std::string input_; // the upstream's bytes not yet consumed
};

} // namespace

void startUpstreamHandshake(Socket &socket, const UpstreamProxy &proxy, const net::CanonicalHost &host,
                            uint16_t port, std::function<void(UpstreamOutcome)> done) {
  std::make_shared<Handshake>(socket, proxy, host, port, std::move(done))->start();
}

} // namespace moat::runtime::proxy
