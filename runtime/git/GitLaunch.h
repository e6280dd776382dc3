// What `moat run` does for a policy's `git` blocks before the sandbox
// starts, kept out of the platform launcher:
//  * reads each block's real token on the host (`token env NAME` from the
//    launcher's environment, `token file PATH` from the file), so a
//    missing token stops `moat run` (exit 125) with the block's location
//    instead of a confusing 401 from the remote later;
//  * hides the token from the sandbox: the variable is removed from its
//    environment, and the file gets an `always` deny-read added to the
//    policy the sandbox is planned from (it reads as empty inside);
//  * makes the session's scoped credential (32 random bytes), the only
//    secret git inside ever sees;
//  * and the environment that routes git inside to the git proxy
//    (GIT_CONFIG_COUNT/KEY_n/VALUE_n, appended after any the user set).
#pragma once
#include "compiler/eval/Bindings.h"
#include "compiler/ir/Policy.h"
#include "runtime/proxy/ProxyCredential.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace moat::runtime::git {

// Not copyable: `tokens` holds addresses of blocks in `policy`.
struct GitLaunch {
  GitLaunch() = default;
  GitLaunch(GitLaunch &&) = default;
  GitLaunch &operator=(GitLaunch &&) = default;
  GitLaunch(const GitLaunch &) = delete;
  GitLaunch &operator=(const GitLaunch &) = delete;
  bool active = false; // the policy has git blocks
  ir::Policy policy;   // the policy to plan the sandbox from (token files hidden); only when active
  proxy::Credential credential{};
  std::map<const ir::GitBlock *, std::pair<std::string, std::string>> tokens; // keyed by blocks of `policy`
  std::vector<std::pair<std::string, std::string>> setenv;
  std::vector<std::string> unsetenv;
};

// `environment(name)`: the launcher's variable (tests inject one).
// `httpProxy`: the proxy URL inside the sandbox ("http://127.0.0.1:3128").
// nullopt with `error` ("FILE:LINE:COL: ..." where the block is known).
std::optional<GitLaunch> prepareGitLaunch(const ir::Policy &policy, const eval::Bindings &bindings,
                                          const std::string &httpProxy,
                                          const std::function<std::optional<std::string>(const std::string &)> &environment,
                                          const std::function<std::string(const SourceLoc &)> &location,
                                          std::string &error);

// The GIT_CONFIG_* variables (pure, for tests): `userCount` is the
// sandbox's inherited GIT_CONFIG_COUNT (nullopt: none).
std::vector<std::pair<std::string, std::string>> gitConfigEnvironment(const ir::Policy &policy,
                                                                      const proxy::Credential &credential,
                                                                      const std::string &httpProxy,
                                                                      std::optional<std::string> userCount);

} // namespace moat::runtime::git
