// The git proxy's connections: threads, the request's checks in order, and
// the exchange with the remote, which GitDial.h reaches (see GitProxy.h).
#include "runtime/git/GitProxy.h"

#include "runtime/git/ByteStream.h"
#include "runtime/git/GitDial.h"
#include "runtime/git/GitCheck.h"
#include "runtime/git/PktLine.h"
#include "runtime/proxy/HttpRequest.h"
#include "compiler/support/Blanks.h"

#include <llvm/Support/Base64.h>


#include <atomic>
#include <cstring>
#include <list>
#include <mutex>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace moat::runtime::git {

namespace {

std::string printable(std::string_view text, size_t max = 300) {
  std::string out;
  for (unsigned char c : text.substr(0, max))
    out += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?';
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char &c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string simpleResponse(int status, const char *phrase, const std::string &message,
                           const std::string &extraHeaders = "") {
  std::string body = message.empty() ? std::string(phrase) + "\n" : "moat: " + printable(message, 2000) + "\n";
  return "HTTP/1.1 " + std::to_string(status) + " " + phrase + "\r\n" + extraHeaders +
         (message.empty() ? "" : "X-Moat-Reason: " + printable(message, 2000) + "\r\n") +
         "Content-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}


} // namespace

struct GitProxy::Impl {
  GitProxyConfig config;
  std::shared_ptr<SSL_CTX> tls;
  std::string expectedCredential; // base64("moat:" + scoped token)

  struct Worker {
    int client = -1;   // for stop(): shut down, never closed here
    int upstream = -1;
    std::atomic<bool> done{false};
    std::thread thread;
  };
  std::mutex mutex;
  std::list<Worker> workers;
  bool stopping = false;

  void record(const std::string &target, bool allowed, const std::string &rule, const std::string &reason,
              const char *protocol) {
    if (!config.log)
      return;
    Event event;
    event.kind = "git";
    event.target = target;
    event.decision = allowed ? "allow" : "deny";
    event.rule = rule;
    event.reason = reason;
    event.protocol = protocol;
    config.log->record(event);
  }
  std::string where(const SourceLoc &loc) const {
    return config.location && loc.valid() ? config.location(loc) : "builtin";
  }

  void setUpstream(Worker &worker, int fd) {
    std::lock_guard<std::mutex> lock(mutex);
    worker.upstream = fd;
    if (stopping && fd >= 0)
      ::shutdown(fd, SHUT_RDWR);
  }

  void handle(Worker &worker, int fd, std::string buffered);
  bool forward(Worker &worker, ByteStream &client, const GitRoute &route, const GitVerdict &verdict,
               const proxy::HttpHead &head, const std::string &body, std::string &error);
};

std::unique_ptr<GitProxy> GitProxy::create(GitProxyConfig config, std::string &error) {
  auto impl = std::make_unique<Impl>();
  impl->tls = makeVerifyingTlsContext(error);
  if (!impl->tls)
    return nullptr;
  impl->expectedCredential = proxy::basicCredentials(config.credential);
  impl->config = std::move(config);
  return std::unique_ptr<GitProxy>(new GitProxy(std::move(impl)));
}

GitProxy::GitProxy(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

GitProxy::~GitProxy() { stop(); }

void GitProxy::serve(int fd, std::string buffered) {
  Impl &impl = *impl_;
  std::list<Impl::Worker> finished;
  {
    std::lock_guard<std::mutex> lock(impl.mutex);
    for (auto it = impl.workers.begin(); it != impl.workers.end();) {
      auto next = std::next(it);
      if (it->done.load())
        finished.splice(finished.end(), impl.workers, it);
      it = next;
    }
    if (impl.stopping || impl.workers.size() >= impl.config.limits.maxConnections) {
      std::string busy = simpleResponse(503, "Service Unavailable", "the git proxy is busy or stopping");
      (void)::send(fd, busy.data(), busy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::close(fd);
    } else {
      Impl::Worker &worker = impl.workers.emplace_back();
      worker.client = fd;
      worker.thread = std::thread([&impl, &worker, fd, buffered = std::move(buffered)]() mutable {
        impl.handle(worker, fd, std::move(buffered));
        std::lock_guard<std::mutex> lock(impl.mutex);
        worker.client = worker.upstream = -1;
        worker.done = true;
      });
    }
  }
  for (Impl::Worker &worker : finished)
    worker.thread.join();
}

void GitProxy::stop() {
  Impl &impl = *impl_;
  {
    std::lock_guard<std::mutex> lock(impl.mutex);
    impl.stopping = true;
    for (Impl::Worker &worker : impl.workers) {
      if (worker.client >= 0)
        ::shutdown(worker.client, SHUT_RDWR);
      if (worker.upstream >= 0)
        ::shutdown(worker.upstream, SHUT_RDWR);
    }
  }
  // No new worker starts once `stopping` is set, so the list is stable.
  for (Impl::Worker &worker : impl.workers)
    if (worker.thread.joinable())
      worker.thread.join();
  impl.workers.clear();
}

void GitProxy::Impl::handle(Worker &worker, int fd, std::string buffered) {
  std::unique_ptr<ByteStream> client = socketStream(fd, config.limits.ioTimeout);
  BufferedReader reader(*client, std::move(buffered));
  std::string error;
  auto reply = [&](const std::string &response) { client->writeAll(response); };

  std::optional<std::string> headText = reader.readHead(config.limits.maxHeadBytes, error);
  if (!headText)
    return reply(simpleResponse(400, "Bad Request", error));
  std::optional<proxy::HttpHead> head = proxy::parseHttpHead(*headText, error);
  if (!head)
    return reply(simpleResponse(400, "Bad Request", error));

  // The scoped credential, before anything in the request is interpreted.
  std::vector<std::string> authorization = proxy::headerValues(*head, "Authorization");
  if (authorization.empty())
    return reply(simpleResponse(401, "Unauthorized", "the moat git proxy needs the session's credential",
                                "WWW-Authenticate: Basic realm=\"moat git\"\r\n"));
  if (authorization.size() != 1 || !proxy::basicAuthorizationMatches(authorization[0], expectedCredential)) {
    record(std::string(kGitProxyHost), false, "builtin", "wrong git proxy credential (not this session's)", "git");
    return reply(simpleResponse(401, "Unauthorized", "wrong credential for the moat git proxy",
                                "WWW-Authenticate: Basic realm=\"moat git\"\r\n"));
  }

  std::optional<GitRoute> route = routeGitRequest(head->method, head->target, error);
  if (!route) {
    record(printable(head->target), false, "builtin", error, "git");
    return reply(simpleResponse(403, "Forbidden", error));
  }
  const char *service = serviceName(route->service);
  GitVerdict verdict = decideRemote(*config.policy, *route);
  if (!verdict.allowed) {
    record(verdict.canonicalUrl, false, verdict.remote ? where(verdict.remote->loc) : "default", verdict.reason,
           service);
    return reply(simpleResponse(403, "Forbidden", verdict.canonicalUrl + ": " + verdict.reason));
  }

  std::string body;
  if (!route->advertisement) {
    size_t max = route->service == GitService::ReceivePack ? config.limits.maxReceivePackBody
                                                           : config.limits.maxUploadPackBody;
    std::vector<std::string> encoding = proxy::headerValues(*head, "Transfer-Encoding");
    std::vector<std::string> length = proxy::headerValues(*head, "Content-Length");
    std::vector<std::string> expect = proxy::headerValues(*head, "Expect");
    if (!expect.empty()) {
      if (expect.size() != 1 || lower(expect[0]) != "100-continue")
        return reply(simpleResponse(417, "Expectation Failed", "unsupported Expect header"));
      client->writeAll("HTTP/1.1 100 Continue\r\n\r\n");
    }
    bool ok = false;
    if (!encoding.empty()) {
      if (encoding.size() != 1 || lower(encoding[0]) != "chunked" || !length.empty())
        return reply(simpleResponse(400, "Bad Request", "unsupported Transfer-Encoding"));
      ok = reader.readChunked(max, body, error);
    } else if (length.size() == 1 && !length[0].empty() && length[0].size() <= 12 &&
               length[0].find_first_not_of("0123456789") == std::string::npos) {
      size_t n = std::stoull(length[0]);
      if (n > max)
        error = "the request body is larger than " + std::to_string(max) + " bytes";
      else
        ok = reader.readExact(n, body, error);
    } else {
      return reply(simpleResponse(411, "Length Required", "a POST needs one valid Content-Length or chunked"));
    }
    if (!ok) {
      record(verdict.canonicalUrl, false, "builtin", "request body: " + error, service);
      bool tooLarge = error.find("larger than") != std::string::npos;
      return reply(tooLarge ? simpleResponse(413, "Payload Too Large", error) : simpleResponse(400, "Bad Request", error));
    }
    std::vector<std::string> contentEncoding = proxy::headerValues(*head, "Content-Encoding");
    if (contentEncoding.size() > 1 ||
        (contentEncoding.size() == 1 && lower(contentEncoding[0]) != "gzip" && lower(contentEncoding[0]) != "identity"))
      return reply(simpleResponse(415, "Unsupported Media Type", "unsupported Content-Encoding"));
    if (contentEncoding.size() == 1 && lower(contentEncoding[0]) == "gzip") {
      std::optional<std::string> inflated = gunzip(body, max, error);
      if (!inflated) {
        record(verdict.canonicalUrl, false, "builtin", "request body: " + error, service);
        return reply(simpleResponse(400, "Bad Request", error));
      }
      body = std::move(*inflated);
    }
  }

  if (!route->advertisement && route->service == GitService::UploadPack) {
    // Read-only whatever it asks; still, only well-formed requests pass.
    std::vector<PktLine> lines;
    if (!readAllPktLines(body, lines, error)) {
      record(verdict.canonicalUrl, false, "builtin", "malformed upload-pack request: " + error, service);
      return reply(simpleResponse(400, "Bad Request", "malformed upload-pack request: " + error));
    }
    std::vector<std::string> protocol = proxy::headerValues(*head, "Git-Protocol");
    bool v2 = protocol.size() == 1 && protocol[0].find("version=2") != std::string::npos;
    if (v2) {
      std::string_view command =
          !lines.empty() && lines[0].kind == PktLine::Kind::Data ? chompNewline(lines[0].payload) : "";
      if (command != "command=ls-refs" && command != "command=fetch") {
        std::string why = "protocol v2 command '" + printable(command) + "' is not served (ls-refs and fetch are)";
        record(verdict.canonicalUrl, false, "builtin", why, service);
        return reply(simpleResponse(403, "Forbidden", why));
      }
    }
  }

  // git probes with a bare flush before a push larger than its post buffer
  // (to get authentication done before streaming): no commands, no pack,
  // nothing changes upstream.
  bool probe = !route->advertisement && route->service == GitService::ReceivePack && body == kFlushPkt;
  if (!route->advertisement && route->service == GitService::ReceivePack && !probe) {
    std::optional<ReceivePackRequest> push = parseReceivePack(body, error);
    if (!push) {
      record(verdict.canonicalUrl, false, "builtin", "push refused: " + error, service);
      return reply(simpleResponse(403, "Forbidden", "push refused: " + error));
    }
    std::vector<RefVerdict> refs =
        decidePush(*verdict.block, *push, std::string_view(body).substr(push->packOffset));
    std::vector<std::pair<std::string, std::string>> refused;
    for (const RefVerdict &ref : refs)
      if (!ref.allowed)
        refused.emplace_back(ref.update->ref, ref.reason);
    for (const RefVerdict &ref : refs) {
      std::string rule = ref.pattern ? where(ref.pattern->loc) : where(verdict.block->prov.loc);
      std::string target = verdict.canonicalUrl + " " + ref.update->ref;
      if (!ref.allowed)
        record(target, false, rule, ref.reason, service);
      else if (refused.empty())
        record(target, true, rule, isZeroId(ref.update->oldId) ? "creates the ref" : "update allowed", service);
      else
        record(target, false, rule, "another ref of this push was refused", service);
    }
    if (!refused.empty()) {
      if (!push->hasCapability("report-status") && !push->hasCapability("report-status-v2"))
        return reply(simpleResponse(403, "Forbidden", refused.front().first + ": " + refused.front().second));
      std::string result = receivePackRefusalBody(*push, refused);
      return reply("HTTP/1.1 200 OK\r\nContent-Type: application/x-git-receive-pack-result\r\n"
                   "Cache-Control: no-cache\r\nContent-Length: " +
                   std::to_string(result.size()) + "\r\nConnection: close\r\n\r\n" + result);
    }
  } else {
    record(verdict.canonicalUrl, true, where(verdict.remote->loc),
           route->advertisement ? "ref advertisement"
                                : (route->service == GitService::UploadPack ? "fetch" : "empty push (git's probe)"),
           service);
  }

  if (!forward(worker, *client, *route, verdict, *head, body, error)) {
    record(verdict.canonicalUrl, true, where(verdict.remote->loc), "allowed, but the upstream failed: " + error,
           service);
  }
}

bool GitProxy::Impl::forward(Worker &worker, ByteStream &client, const GitRoute &route, const GitVerdict &verdict,
                             const proxy::HttpHead &head, const std::string &body, std::string &error) {
  std::string host;
  std::optional<eval::GitRemoteAddress> remote = eval::gitRemoteAddress(verdict.canonicalUrl);
  if (!remote) {
    error = "no address in " + verdict.canonicalUrl;
    client.writeAll(simpleResponse(502, "Bad Gateway", error));
    return false;
  }
  int fd = dialGitRemote(*remote, config.upstream, config.limits.ioTimeout, host, error);
  if (fd < 0) {
    client.writeAll(simpleResponse(502, "Bad Gateway", error));
    return false;
  }
  setUpstream(worker, fd);
  std::unique_ptr<ByteStream> upstream =
      route.scheme == "https" ? tlsStream(tls, fd, host, config.limits.ioTimeout, error)
                              : socketStream(fd, config.limits.ioTimeout);
  if (!upstream) {
    setUpstream(worker, -1);
    if (route.scheme == "https")
      ::close(fd);
    client.writeAll(simpleResponse(502, "Bad Gateway", route.authority + ": " + error));
    return false;
  }
  std::string request = head.method + " " + route.upstreamTarget + " HTTP/1.1\r\nHost: " + route.authority + "\r\n";
  auto token = config.tokens.find(verdict.block);
  if (token != config.tokens.end())
    request += "Authorization: Basic " + llvm::encodeBase64(token->second.first + ":" + token->second.second) + "\r\n";
  // Only what git's protocol needs goes on; the sandbox's Authorization
  // (the scoped credential) and everything else stay here.
  for (const char *name : {"User-Agent", "Accept", "Accept-Language", "Content-Type", "Git-Protocol"}) {
    std::vector<std::string> values = proxy::headerValues(head, name);
    if (values.size() == 1)
      request += std::string(name) + ": " + values[0] + "\r\n";
  }
  if (!route.advertisement)
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  request += "Connection: close\r\n\r\n";
  if (!upstream->writeAll(request) || !upstream->writeAll(body)) {
    setUpstream(worker, -1);
    error = "writing the request failed";
    client.writeAll(simpleResponse(502, "Bad Gateway", route.authority + ": " + error));
    return false;
  }
  BufferedReader response(*upstream);
  std::optional<std::string> responseHead = response.readHead(65536, error);
  if (!responseHead) {
    setUpstream(worker, -1);
    client.writeAll(simpleResponse(502, "Bad Gateway", route.authority + ": " + error));
    return false;
  }
  // The status line as is; hop-by-hop headers replaced by our own.
  std::string out;
  size_t lineStart = 0;
  bool first = true;
  // The body ends at the upstream's close, or after Content-Length bytes
  // when it sends one (and no chunked encoding): no wait for a close that
  // a keep-alive server would not send.
  std::optional<size_t> contentLength;
  bool chunked = false;
  while (lineStart < responseHead->size()) {
    size_t lineEnd = responseHead->find("\r\n", lineStart);
    std::string line = responseHead->substr(lineStart, lineEnd - lineStart);
    lineStart = lineEnd + 2;
    if (line.empty())
      break;
    std::string name = lower(line.substr(0, line.find(':')));
    if (first && line.rfind("HTTP/1.", 0) != 0) {
      setUpstream(worker, -1);
      error = "the upstream's reply is not HTTP/1.x";
      client.writeAll(simpleResponse(502, "Bad Gateway", route.authority + ": " + error));
      return false;
    }
    if (!first && (name == "connection" || name == "keep-alive" || name == "proxy-connection"))
      continue;
    std::string value = lower(trimBlanks(std::string_view(line).substr(std::min(line.size(), name.size() + 1))));
    if (!first && name == "transfer-encoding")
      chunked = true;
    if (!first && name == "content-length" && !value.empty() && value.size() <= 15 &&
        value.find_first_not_of("0123456789") == std::string::npos)
      contentLength = std::stoull(value);
    first = false;
    out += line + "\r\n";
  }
  out += "Connection: close\r\n\r\n";
  bool bounded = !chunked && contentLength.has_value();
  size_t remaining = bounded ? *contentLength : 0;
  std::string already = response.takeBuffered();
  if (bounded && already.size() > remaining)
    already.resize(remaining);
  bool ok = client.writeAll(out) && client.writeAll(already);
  if (bounded)
    remaining -= already.size();
  char chunk[65536];
  while (ok && (!bounded || remaining > 0)) {
    long n = upstream->readSome(chunk, bounded ? std::min(sizeof chunk, remaining) : sizeof chunk);
    if (n <= 0)
      break;
    ok = client.writeAll(std::string_view(chunk, static_cast<size_t>(n)));
    if (bounded)
      remaining -= static_cast<size_t>(n);
  }
  setUpstream(worker, -1);
  return true;
}

} // namespace moat::runtime::git
