// From "the client asked for HOST:PORT" to a connected upstream socket:
// canonicalise the host (the one place its spelling is interpreted), ask
// the policy, find the addresses (an IP literal is its own; `localhost`
// has its standard ones; any other name goes to the Resolver on a lookup
// thread, once), vet every address (Destination.h), then dial the vetted
// addresses in order, each within the connect timeout. The system never
// sees the client's spelling of a host, and no name is resolved twice, so
// what was vetted is what is dialled.
#include "compiler/net/NameAddresses.h"
#include "runtime/proxy/Session.h"

#include <asio/connect.hpp>
#include <asio/post.hpp>

namespace moat::runtime::proxy {

void Session::openTunnel() {
  const eval::Evaluator &evaluator = *core_.config.evaluator;
  if (overLimit_) {
    std::string reason = "the proxy's connection limit (" + std::to_string(core_.config.limits.maxConnections) +
                         ") is reached";
    logDecision(net::displayHost(request_.rawHost), false, nullptr, true, reason);
    return refuse(Refusal::Busy, reason);
  }
  std::string error;
  std::optional<net::CanonicalHost> host = net::canonicaliseHost(request_.rawHost, error);
  if (!host) {
    std::string reason = "invalid host '" + net::displayHost(request_.rawHost) + "': " + error;
    logDecision(net::displayHost(request_.rawHost), false, nullptr, true, reason);
    return refuse(front_ == Front::Socks ? Refusal::Policy : Refusal::BadRequest, reason);
  }
  host_ = *host;
  std::string target = host_.text() + ":" + std::to_string(request_.port);
  Verdict verdict = decideHost(evaluator, host_, request_.port);
  if (!verdict.allowed) {
    logDecision(host_.text(), false, verdict.rule, verdict.builtin, verdict.reason);
    return refuse(Refusal::Policy, target + ": " + verdict.reason);
  }
  if (host_.kind != net::CanonicalHost::Kind::Name) {
    Verdict vetted = vetAddress(evaluator, host_.ip, request_.port);
    if (!vetted.allowed) {
      logDecision(host_.text(), false, vetted.rule, vetted.builtin, vetted.reason);
      return refuse(Refusal::Policy, target + ": " + vetted.reason);
    }
    addresses_ = {toAsioAddress(host_.ip)};
    if (upstreamCarries(addresses_.front()))
      return dialUpstream(host_);
    return dial(0);
  }
  if (net::isLoopbackName(host_)) {
    std::vector<asio::ip::address> fixed;
    for (const net::CanonicalHost &address : net::knownAddressesOf(host_))
      fixed.push_back(toAsioAddress(address.ip));
    return onResolvedWith(fixed, "", verdict.namedByRule);
  }
  // An upstream that resolves names gets the canonical name: behind a
  // mandatory proxy the host often cannot resolve external names, and the
  // DNS-rebinding guard is then the upstream's (docs/runtime.md).
  if (core_.config.upstream && core_.config.upstream->resolvesNames())
    return dialUpstream(host_);
  resolveThenDial(host_);
}

void Session::resolveThenDial(const net::CanonicalHost &host) {
  armDeadline(core_.config.limits.connectTimeout);
  Resolver resolve = core_.config.resolve ? core_.config.resolve : Resolver(systemResolve);
  asio::post(core_.lookups(), [self = shared_from_this(), resolve, name = host.name]() mutable {
    std::string error;
    std::vector<asio::ip::address> addresses = resolve(name, error);
    Session &session = *self;
    // The shared_ptr moves into the I/O thread's handler, so the session is
    // never destroyed on a lookup thread.
    asio::post(session.core_.io, [self = std::move(self), addresses = std::move(addresses), error]() {
      self->onResolvedWith(addresses, error, false);
    });
  });
}

void Session::onResolvedWith(const std::vector<asio::ip::address> &addresses, const std::string &error,
                             bool internalAllowedByName) {
  if (closed_)
    return;
  disarmDeadline();
  if (addresses.empty()) {
    std::string reason = "allowed, but the name does not resolve" + (error.empty() ? "" : ": " + error);
    logDecision(host_.text(), true, nullptr, false, reason);
    return refuse(Refusal::HostUnreachable, host_.text() + ": " + reason);
  }
  VettedAddresses vetted =
      vetAddresses(*core_.config.evaluator, host_.text(), addresses, request_.port, internalAllowedByName);
  if (vetted.usable.empty()) {
    const Verdict &why = vetted.firstRefusal;
    logDecision(host_.text(), false, why.rule, why.builtin, why.reason);
    return refuse(Refusal::Policy, why.reason);
  }
  addresses_ = std::move(vetted.usable);
  if (upstreamCarries(addresses_.front())) // socks5://: the upstream gets the first vetted address
    return dialUpstream(hostOfAddress(addresses_.front()));
  dial(0);
}

void Session::dial(size_t index) {
  if (closed_)
    return;
  asio::error_code ignored;
  upstream_.close(ignored);
  asio::ip::tcp::endpoint endpoint(addresses_[index], request_.port);
  dialing_ = true;
  armDeadline(core_.config.limits.connectTimeout);
  upstream_.async_connect(asio::generic::stream_protocol::endpoint(endpoint),
                          [this, self = shared_from_this(), index](const asio::error_code &ec) {
                            onDialed(index, ec);
                          });
}

void Session::dialTimedOut() {
  // The deadline passed while dialling: abandon this address (the connect
  // completes with operation_aborted and onDialed tries the next one).
  dialTimedOut_ = true;
  asio::error_code ignored;
  upstream_.close(ignored);
}

void Session::onDialed(size_t index, const asio::error_code &ec) {
  if (closed_)
    return;
  dialing_ = false;
  disarmDeadline();
  if (ec) {
    asio::error_code why = dialTimedOut_ ? asio::error::timed_out : ec;
    dialTimedOut_ = false;
    if (index + 1 < addresses_.size())
      return dial(index + 1);
    return refuseUnreachable(why);
  }
  asio::error_code ignored;
  upstream_.set_option(asio::ip::tcp::no_delay(true), ignored);
  logDecision(host_.text(), true, decidingRule(), false, "via " + addresses_[index].to_string());
  tunnelEstablished();
}

const ir::NetRule *Session::decidingRule() const {
  return core_.config.evaluator->decide(host_, request_.port).rule;
}

void Session::refuseUnreachable(const asio::error_code &ec) {
  Refusal refusal = Refusal::HostUnreachable;
  if (ec == asio::error::connection_refused)
    refusal = Refusal::ConnectionRefused;
  else if (ec == asio::error::network_unreachable)
    refusal = Refusal::NetworkUnreachable;
  std::string reason = "allowed, but " + host_.text() + ":" + std::to_string(request_.port) +
                       " could not be reached: " + ec.message();
  logDecision(host_.text(), true, decidingRule(), false, reason);
  refuse(refusal, reason);
}

} // namespace moat::runtime::proxy
