// The dial step when `moat run --upstream-proxy` is set: an allowed, vetted
// destination is not dialled itself; the upstream proxy is, and asked for
// the destination (HTTP CONNECT or SOCKS5, UpstreamProxy.h). A plain-HTTP
// request through an HTTP upstream is forwarded in absolute form instead,
// so the upstream sees the URL and applies its http ACLs to it.
//
// What reaches the client: the tunnel when the upstream opens it; the
// upstream's refusal as a refusal (403 with `X-Moat-Reason: refused by the
// upstream proxy: ...`, SOCKS `02`); an upstream that cannot be reached,
// fails or does not answer within the connect timeout as 502 / SOCKS `01`
// (or its own "unreachable" codes). Every outcome is one log line whose
// reason names the upstream. The upstream's own addresses are not vetted:
// the user configured it, and it is typically on loopback or a private
// network, which the destination guard exists to keep the sandbox from.
#include "runtime/proxy/Session.h"

#include <asio/ip/tcp.hpp>

namespace moat::runtime::proxy {

bool Session::upstreamCarries(const asio::ip::address &address) const {
  // This machine's loopback is not the upstream's: a remote upstream asked
  // for 127.0.0.1 would reach its own services. Every proxy client exempts
  // it (NO_PROXY=localhost) for the same reason.
  return core_.config.upstream.has_value() && !address.is_loopback();
}

void Session::dialUpstream(const net::CanonicalHost &target, size_t index) {
  if (closed_)
    return;
  const UpstreamProxy &proxy = *core_.config.upstream;
  upstreamTarget_ = target;
  asio::error_code ignored;
  upstream_.close(ignored);
  dialing_ = true;
  armDeadline(core_.config.limits.connectTimeout);
  asio::ip::tcp::endpoint endpoint(proxy.addresses[index], proxy.port);
  upstream_.async_connect(asio::generic::stream_protocol::endpoint(endpoint),
                          [this, self = shared_from_this(), index](const asio::error_code &ec) {
                            onUpstreamDialed(index, ec);
                          });
}

void Session::onUpstreamDialed(size_t index, const asio::error_code &ec) {
  if (closed_)
    return;
  dialing_ = false;
  disarmDeadline();
  const UpstreamProxy &proxy = *core_.config.upstream;
  if (ec) {
    asio::error_code why = dialTimedOut_ ? asio::error::timed_out : ec;
    dialTimedOut_ = false;
    if (index + 1 < proxy.addresses.size())
      return dialUpstream(upstreamTarget_, index + 1);
    std::string reason = "allowed, but the upstream proxy " + proxy.url() + " could not be reached: " + why.message();
    logDecision(host_.text(), true, decidingRule(), false, reason);
    return refuse(Refusal::UpstreamFailure, reason);
  }
  asio::error_code ignored;
  upstream_.set_option(asio::ip::tcp::no_delay(true), ignored);
  if (request_.protocol == "http" && proxy.protocol == UpstreamProxy::Protocol::HttpConnect) {
    // The upstream answers the request itself (its refusal page too), and
    // that answer is relayed to the client as is.
    request_.forwardHead = absoluteFormHead(request_.forwardHead, proxy, upstreamTarget_, request_.port);
    return viaUpstreamEstablished();
  }
  // The handshake counts as dialling: when the deadline passes,
  // dialTimedOut() closes the socket and the handshake reports Failed.
  dialing_ = true;
  armDeadline(core_.config.limits.connectTimeout);
  startUpstreamHandshake(upstream_, proxy, upstreamTarget_, request_.port,
                         [this, self = shared_from_this()](UpstreamOutcome outcome) {
                           onUpstreamHandshake(std::move(outcome));
                         });
}

void Session::onUpstreamHandshake(UpstreamOutcome outcome) {
  if (closed_)
    return;
  dialing_ = false;
  disarmDeadline();
  bool timedOut = dialTimedOut_;
  dialTimedOut_ = false;
  const UpstreamProxy &proxy = *core_.config.upstream;
  std::string via = " (upstream proxy " + proxy.url() + ")";
  switch (outcome.kind) {
  case UpstreamOutcome::Kind::Established:
    upstreamLeftover_ = std::move(outcome.leftover);
    return viaUpstreamEstablished();
  case UpstreamOutcome::Kind::Refused: {
    // Its credentials are moat's configuration, not a verdict on the
    // destination: those are a failure to the client, the rest a refusal.
    bool credentials = outcome.httpStatus == 407 || (outcome.httpStatus == 0 && outcome.socksCode == 0);
    core_.record("connect", host_.text(), request_.port, false, "upstream", outcome.reason + via,
                 request_.protocol);
    return refuse(credentials ? Refusal::UpstreamFailure : Refusal::Policy, outcome.reason);
  }
  case UpstreamOutcome::Kind::Unreachable: {
    Refusal refusal = Refusal::HostUnreachable;
    if (outcome.socksCode == socks5::kConnectionRefused)
      refusal = Refusal::ConnectionRefused;
    else if (outcome.socksCode == socks5::kNetworkUnreachable)
      refusal = Refusal::NetworkUnreachable;
    std::string reason = "allowed, but " + outcome.reason;
    logDecision(host_.text(), true, decidingRule(), false, reason + via);
    return refuse(refusal, reason);
  }
  case UpstreamOutcome::Kind::Failed: {
    std::string reason = "allowed, but " + (timedOut ? "the upstream proxy did not answer within the connect timeout"
                                                     : outcome.reason);
    logDecision(host_.text(), true, decidingRule(), false, reason + via);
    return refuse(Refusal::UpstreamFailure, reason);
  }
  }
}

void Session::viaUpstreamEstablished() {
  logDecision(host_.text(), true, decidingRule(), false, "via upstream proxy " + core_.config.upstream->url());
  tunnelEstablished();
}

} // namespace moat::runtime::proxy
