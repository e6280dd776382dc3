// A session's frame: the choice of front door, the deadline that bounds
// every phase before the tunnel (the credential's too), refusals answered
// in the client's own protocol, and teardown (see Session.h).
#include "runtime/proxy/Session.h"

#include "runtime/proxy/Socks5.h"

#include <asio/read.hpp>
#include <asio/write.hpp>

namespace moat::runtime::proxy {

namespace {

// A reason made safe for an HTTP header value: printable ASCII only.
std::string headerSafe(const std::string &text) {
  std::string out;
  for (unsigned char c : text)
    out += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?';
  return out;
}

// `extraHeaders`: whole lines, each ending in CRLF.
std::string httpResponse(int status, const char *phrase, const std::string &reason,
                         const std::string &extraHeaders = "") {
  std::string body = reason.empty() ? std::string(phrase) + "\n" : "moat: " + headerSafe(reason) + "\n";
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + phrase + "\r\n" + extraHeaders;
  if (!reason.empty())
    out += "X-Moat-Reason: " + headerSafe(reason) + "\r\n";
  out += "Content-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
  return out;
}

} // namespace

Session::Session(ServerCore &core, Socket client, bool overLimit)
    : core_(core), client_(std::move(client)), upstream_(core.io), deadline_(core.io), overLimit_(overLimit),
      relay_(client_, upstream_, core.bytesUp, core.bytesDown, [this] { closeAll(); }) {
  core_.sessions.insert(this);
}

Session::~Session() {
  closeAll();
  core_.sessions.erase(this);
}

void Session::start() {
  armDeadline(core_.config.limits.handshakeTimeout);
  // A listener only the sandbox reaches asks for nothing; elsewhere the
  // front door takes the credential in its own protocol.
  credentialChecked_ = !core_.credentialRequired;
  sniffProtocol();
}

void Session::sniffProtocol() {
  if (input_.empty())
    return readClient(1, [this] { sniffProtocol(); });
  if (static_cast<uint8_t>(input_[0]) == socks5::kVersion) {
    front_ = Front::Socks;
    readSocksGreeting();
  } else {
    front_ = Front::Http;
    readHttpHead();
  }
}

void Session::readClient(size_t cap, std::function<void()> then) {
  if (closed_)
    return;
  if (input_.size() >= cap)
    return then();
  size_t old = input_.size();
  size_t want = std::min<size_t>(cap - old, 16384);
  input_.resize(old + want);
  client_.async_read_some(asio::buffer(&input_[old], want),
                          [this, self = shared_from_this(), old, then = std::move(then)](const asio::error_code &ec, size_t n) {
                            if (closed_)
                              return;
                            input_.resize(old + (ec ? 0 : n));
                            if (ec) {
                              if (!credentialChecked_)
                                denyCredential("connection closed before it presented the session credential");
                              countRefused();
                              return closeAll();
                            }
                            then();
                          });
}

void Session::armDeadline(std::chrono::milliseconds after) {
  uint64_t generation = ++deadlineGeneration_;
  deadline_.expires_after(after);
  deadline_.async_wait([this, self = shared_from_this(), generation](const asio::error_code &ec) {
    if (ec || closed_ || generation != deadlineGeneration_)
      return;
    if (dialing_)
      return dialTimedOut();
    if (!credentialChecked_)
      denyCredential("no session credential within the handshake timeout");
    countRefused();
    closeAll();
  });
}

void Session::disarmDeadline() {
  ++deadlineGeneration_;
  deadline_.cancel();
}

void Session::logDecision(const std::string &target, bool allowed, const ir::NetRule *rule, bool builtin,
                          const std::string &reason) {
  core_.record("connect", target, request_.port, allowed, core_.ruleText(rule, builtin), reason,
               request_.protocol);
}

void Session::refuse(Refusal refusal, const std::string &reason) {
  if (closed_)
    return;
  countRefused();
  disarmDeadline();
  std::string reply;
  if (front_ == Front::Socks) {
    uint8_t code = socks5::kGeneralFailure;
    switch (refusal) {
    case Refusal::Policy: code = socks5::kNotAllowed; break;
    case Refusal::CommandNotSupported: code = socks5::kCommandNotSupported; break;
    case Refusal::AddressTypeNotSupported: code = socks5::kAddressTypeNotSupported; break;
    case Refusal::HostUnreachable: code = socks5::kHostUnreachable; break;
    case Refusal::ConnectionRefused: code = socks5::kConnectionRefused; break;
    case Refusal::NetworkUnreachable: code = socks5::kNetworkUnreachable; break;
    default: break;
    }
    auto bytes = socks5Reply(code);
    reply.assign(bytes.begin(), bytes.end());
  } else {
    switch (refusal) {
    case Refusal::Policy: reply = httpResponse(403, "Forbidden", reason); break;
    case Refusal::HeaderTooLarge: reply = httpResponse(431, "Request Header Fields Too Large", reason); break;
    case Refusal::Busy: reply = httpResponse(503, "Service Unavailable", reason); break;
    case Refusal::ProxyAuthenticationRequired:
      reply = httpResponse(407, "Proxy Authentication Required", reason,
                           "Proxy-Authenticate: Basic realm=\"moat\"\r\n");
      break;
    case Refusal::HostUnreachable:
    case Refusal::ConnectionRefused:
    case Refusal::NetworkUnreachable:
    case Refusal::UpstreamFailure: reply = httpResponse(502, "Bad Gateway", reason); break;
    default: reply = httpResponse(400, "Bad Request", reason); break;
    }
  }
  // The reply is bounded and tiny; give it the handshake timeout to drain.
  armDeadline(core_.config.limits.handshakeTimeout);
  auto text = std::make_shared<std::string>(std::move(reply));
  asio::async_write(client_, asio::buffer(*text), [this, self = shared_from_this(), text](const asio::error_code &, size_t) {
    if (closed_)
      return;
    asio::error_code ignored;
    client_.shutdown(asio::socket_base::shutdown_both, ignored);
    closeAll();
  });
}

void Session::countRefused() {
  if (refusedCounted_)
    return;
  refusedCounted_ = true;
  core_.refused.fetch_add(1, std::memory_order_relaxed);
}

void Session::denyCredential(const std::string &reason) {
  if (credentialDenied_)
    return;
  credentialDenied_ = true;
  core_.record("proxy-credential", "", std::nullopt, false, "builtin", reason, "");
}

void Session::closeAll() {
  if (closed_)
    return;
  closed_ = true;
  relay_.close();
  asio::error_code ignored;
  deadline_.cancel();
  client_.close(ignored);
  upstream_.close(ignored);
  if (counted_) {
    counted_ = false;
    (overLimit_ ? core_.overflow : core_.admitted) -= 1;
  }
}

} // namespace moat::runtime::proxy
