// Reaching a git remote for the git proxy (GitProxy.h): directly, at an
// address the policy's reading allows, or through `moat run
// --upstream-proxy` (HTTP CONNECT or SOCKS5, with the handshake bytes of
// runtime/proxy/UpstreamProxy.h), as the filtering proxy's own traffic is.
// Blocking, on the git proxy's worker threads, every step time-bounded.
//
// A git block is itself the permission to reach its remote's host and
// port (git traffic only, whatever the connect rules say). A name still
// may not resolve to an internal address (DNS rebinding) unless it is a
// loopback name (`localhost`, `*.localhost`: eval::isLoopbackHost); an
// address literal in the block is its own permission.
#pragma once
#include "compiler/eval/GitDecide.h"
#include "runtime/proxy/UpstreamProxy.h"

#include <chrono>
#include <optional>
#include <string>

namespace moat::runtime::git {

// The connected socket (blocking, with `timeout` on sends and receives),
// or -1 with `error`. `host` gets the remote's host, unbracketed (what its
// TLS certificate must name).
int dialGitRemote(const eval::GitRemoteAddress &remote, const std::optional<proxy::UpstreamProxy> &upstream,
                  std::chrono::seconds timeout, std::string &host, std::string &error);

} // namespace moat::runtime::git
