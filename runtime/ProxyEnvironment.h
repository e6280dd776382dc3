// The environment that points a confined command's tools at moat's proxy.
// Most tools read HTTP_PROXY/HTTPS_PROXY/ALL_PROXY (some only the lowercase
// spelling, curl ignores uppercase HTTP_PROXY); several package managers
// read their own variables first and would otherwise try direct connections
// that fail in an empty network namespace. NO_PROXY names only what is
// reachable without the proxy inside: the sandbox's own loopback.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace moat::runtime {

// `http`: "http://127.0.0.1:PORT" (HTTP proxy, CONNECT too); `socks`:
// "socks5h://127.0.0.1:PORT" (names resolved by the proxy).
std::vector<std::pair<std::string, std::string>> proxyEnvironment(const std::string &http,
                                                                  const std::string &socks);

// Variables only the launcher reads, never passed into the sandbox: the
// upstream proxy's credentials (proxy/UpstreamProxy.h). Removed whether or
// not --upstream-proxy is given, so a credential exported in a shell
// profile never reaches a confined command.
std::vector<std::string> launcherOnlyVariables();

} // namespace moat::runtime
