// The git proxy inside `moat run`: git's smart-HTTP protocol, checked
// request by request, with the real token attached only on the way out.
//
// The filtering proxy (runtime/proxy) hands it every client connection
// whose first request is for http://moat-git.invalid/ (GitRoute.h). Each
// connection is served on a worker thread of its own with blocking,
// time-bounded I/O, so the proxy's I/O thread never waits on git. Per
// request: the session's scoped credential (HTTP Basic, checked in
// constant time; 401 and a challenge without it), the route, the remote
// and service (GitCheck.h), the body (Content-Length or chunked, gzip
// decoded, bounded), for a push every ref update (GitCheck.h,
// PackProof.h); then the request goes to the real remote over verified
// TLS (or plain HTTP for an http:// remote) with `Authorization: Basic
// base64(user:token)` and the response streams back. Every decision is an
// EventLog event of kind `git`. One request per connection: every
// response says `Connection: close`, which git's HTTP client handles by
// opening the next connection.
#pragma once
#include "compiler/ir/Policy.h"
#include "runtime/EventLog.h"
#include "runtime/proxy/ProxyCredential.h"
#include "runtime/proxy/UpstreamProxy.h"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace moat::runtime::git {

struct GitProxyLimits {
  size_t maxHeadBytes = 16384;
  size_t maxUploadPackBody = 32u << 20;  // a fetch's negotiation (wants and haves)
  size_t maxReceivePackBody = 256u << 20; // a push: commands and the whole pack, held to be checked
  size_t maxConnections = 32;
  std::chrono::seconds ioTimeout{120};
};

struct GitProxyConfig {
  const ir::Policy *policy = nullptr; // its `git` blocks; must outlive the proxy
  proxy::Credential credential{};     // the sandbox's scoped credential
  // The real credential per block (by address in policy->git): the user and
  // token for upstream Basic authentication. A block without one sends none.
  std::map<const ir::GitBlock *, std::pair<std::string, std::string>> tokens;
  EventLog *log = nullptr;
  std::function<std::string(const SourceLoc &)> location; // "file:line:col"
  GitProxyLimits limits;
  // --upstream-proxy: remotes are reached through it (loopback ones stay
  // direct), as the filtering proxy's own traffic is.
  std::optional<proxy::UpstreamProxy> upstream;
};

class GitProxy {
public:
  // nullptr with `error` when the TLS context cannot be made.
  static std::unique_ptr<GitProxy> create(GitProxyConfig config, std::string &error);
  ~GitProxy(); // stop()
  GitProxy(const GitProxy &) = delete;
  GitProxy &operator=(const GitProxy &) = delete;

  // Serves one client connection (takes `fd`); `buffered` holds the bytes
  // the filtering proxy already read from it. Callable from any thread.
  void serve(int fd, std::string buffered);
  // Ends every connection and joins the workers. Idempotent.
  void stop();

  struct Impl;

private:
  explicit GitProxy(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

} // namespace moat::runtime::git
