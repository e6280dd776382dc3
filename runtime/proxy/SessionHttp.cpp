// The HTTP front door: read the request head within the header limit and
// the handshake deadline (a client that trickles bytes is cut off when the
// deadline passes, however slowly it sends), then parse and interpret it
// with HttpRequest.h. Where the listener asks for the session credential,
// a head that parses but does not carry exactly one matching
// `Proxy-Authorization: Basic` gets 407 before anything in it is
// interpreted or decided (the header itself is never forwarded:
// HttpRequest.cpp drops it). Bytes after the head stay in input_: they are
// the first bytes of the tunnel (CONNECT) or of the request body
// (forwarding).
#include "runtime/git/GitRoute.h"
#include "runtime/proxy/HttpRequest.h"
#include "runtime/proxy/Session.h"

#include <fcntl.h>

namespace moat::runtime::proxy {

namespace {

// Why `head` does not authenticate the client, or "" when it does.
std::string credentialProblem(const HttpHead &head, const std::string &expected) {
  std::vector<std::string> values = headerValues(head, "Proxy-Authorization");
  if (values.empty())
    return "no Proxy-Authorization header (the proxy URL needs moat:TOKEN@)";
  if (values.size() > 1)
    return "more than one Proxy-Authorization header";
  if (!basicAuthorizationMatches(values[0], expected))
    return "wrong session credential in Proxy-Authorization";
  return "";
}

} // namespace

void Session::readHttpHead() {
  std::optional<size_t> end = findHeadEnd(input_);
  if (end && *end <= core_.config.limits.maxHeaderBytes)
    return onHttpHead(*end);
  if (end || input_.size() >= core_.config.limits.maxHeaderBytes)
    return refuse(Refusal::HeaderTooLarge,
                  "the request head is larger than " + std::to_string(core_.config.limits.maxHeaderBytes) + " bytes");
  // One byte past the limit is enough to know the head is too large.
  readClient(core_.config.limits.maxHeaderBytes + 1, [this] { readHttpHead(); });
}

void Session::onHttpHead(size_t headEnd) {
  std::string error;
  std::optional<HttpHead> head = parseHttpHead(std::string_view(input_).substr(0, headEnd), error);
  if (head && !credentialChecked_) {
    std::string problem = credentialProblem(*head, basicCredentials(core_.config.credential));
    if (!problem.empty()) {
      denyCredential(problem);
      return refuse(Refusal::ProxyAuthenticationRequired, problem);
    }
    credentialChecked_ = true;
  }
  if (head && core_.config.gitProxy && git::isGitProxyTarget(head->target))
    return handOffToGitProxy();
  std::optional<ProxyRequest> request;
  if (head)
    request = interpretProxyRequest(*head, error);
  if (!request)
    return refuse(Refusal::BadRequest, error);
  input_.erase(0, headEnd);
  request_.protocol = request->kind == ProxyRequest::Kind::Connect ? "connect" : "http";
  request_.rawHost = request->destination.host;
  request_.port = request->destination.port;
  request_.forwardHead = std::move(request->upstreamHead);
  openTunnel();
}

void Session::handOffToGitProxy() {
  // The git proxy serves the connection from here on, on a thread of its
  // own (runtime/git/GitProxy.h): it gets its own descriptor and the bytes
  // already read, and this session ends without a decision of its own.
  int fd = ::fcntl(client_.native_handle(), F_DUPFD_CLOEXEC, 3);
  std::string buffered = std::move(input_);
  disarmDeadline();
  closeAll();
  if (fd >= 0)
    core_.config.gitProxy(fd, std::move(buffered));
}

} // namespace moat::runtime::proxy
