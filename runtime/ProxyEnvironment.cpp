#include "runtime/ProxyEnvironment.h"

#include "runtime/proxy/UpstreamProxy.h"

namespace moat::runtime {

std::vector<std::pair<std::string, std::string>> proxyEnvironment(const std::string &http,
                                                                  const std::string &socks) {
  const std::string local = "localhost,127.0.0.1,::1";
  return {
      {"HTTP_PROXY", http},
      {"HTTPS_PROXY", http},
      {"ALL_PROXY", socks},
      {"http_proxy", http},
      {"https_proxy", http},
      {"all_proxy", socks},
      {"NO_PROXY", local},
      {"no_proxy", local},
      // npm and pnpm (npm_config_*), Yarn 1 and Yarn 2+, pip, Bundler, the
      // global-agent shim Node tools use, Docker's client; Git and Cargo
      // read the generic variables above.
      {"npm_config_proxy", http},
      {"npm_config_https_proxy", http},
      {"YARN_HTTP_PROXY", http},
      {"YARN_HTTPS_PROXY", http},
      {"PIP_PROXY", http},
      {"BUNDLE_HTTP_PROXY", http},
      {"GLOBAL_AGENT_HTTP_PROXY", http},
      {"DOCKER_HTTP_PROXY", http},
      {"DOCKER_HTTPS_PROXY", http},
  };
}

std::vector<std::string> launcherOnlyVariables() {
  return {proxy::kUpstreamUserVariable, proxy::kUpstreamPasswordVariable};
}

} // namespace moat::runtime
