// Preparing `moat run` for git blocks (GitLaunch.h).
#include "runtime/git/GitLaunch.h"

#include "compiler/eval/GitDecide.h"
#include "runtime/git/GitRoute.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <unistd.h>

namespace moat::runtime::git {

namespace {

// "scheme://authority/" of a URL as written, or "" when it has none.
std::string rootOf(const std::string &url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos)
    return "";
  size_t slash = url.find('/', scheme + 3);
  return slash == std::string::npos ? url + "/" : url.substr(0, slash + 1);
}

std::optional<std::string> readSmallFile(const std::string &path, std::string &error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    error = "cannot read the token file " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::string text;
  char buffer[4096];
  while (text.size() <= 65536) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    text.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  if (text.size() > 65536) {
    error = "the token file " + path + " is larger than 64 KiB";
    return std::nullopt;
  }
  return text;
}

// A token as stored: surrounding whitespace dropped (files end in "\n").
std::string trimmed(const std::string &text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos)
    return "";
  return text.substr(start, text.find_last_not_of(" \t\r\n") - start + 1);
}

} // namespace

std::vector<std::pair<std::string, std::string>> gitConfigEnvironment(const ir::Policy &policy,
                                                                      const proxy::Credential &credential,
                                                                      const std::string &httpProxy,
                                                                      std::optional<std::string> userCount) {
  std::vector<std::pair<std::string, std::string>> config;
  std::set<std::pair<std::string, std::string>> seen;
  auto add = [&](std::string key, std::string value) {
    if (seen.emplace(key, value).second)
      config.emplace_back(std::move(key), std::move(value));
  };
  // Every remote's host goes to the git proxy, so another repository on
  // the same host is refused (and logged) there instead of reaching the
  // host some other way. As written and canonical: insteadOf compares text.
  for (const ir::GitBlock &block : policy.git)
    for (const ir::GitRemote &remote : block.remotes) {
      std::string canonicalRoot = rootOf(remote.url);
      size_t scheme = canonicalRoot.find("://");
      if (canonicalRoot.empty())
        continue;
      std::string routed = std::string(kGitProxyUrl) + canonicalRoot.substr(0, scheme) + "/" +
                           canonicalRoot.substr(scheme + 3);
      add("url." + routed + ".insteadOf", canonicalRoot);
      std::string writtenRoot = rootOf(remote.text);
      if (!writtenRoot.empty())
        add("url." + routed + ".insteadOf", writtenRoot);
    }
  std::string host = "http://" + std::string(kGitProxyHost);
  add("http." + std::string(kGitProxyUrl) + ".proxy", httpProxy);
  // The helper list is reset for the proxy's URL (an empty value clears
  // every helper read so far), then one helper that answers only `get`.
  add("credential." + host + ".helper", "");
  add("credential." + host + ".helper", "!f() { test \"$1\" = get && printf 'username=" +
                                            std::string(proxy::kProxyUser) + "\\npassword=%s\\n' " +
                                            proxy::credentialToken(credential) + "; }; f");
  size_t base = 0;
  if (userCount && !userCount->empty() && userCount->size() < 6 &&
      userCount->find_first_not_of("0123456789") == std::string::npos)
    base = std::stoul(*userCount);
  std::vector<std::pair<std::string, std::string>> env;
  for (size_t i = 0; i < config.size(); ++i) {
    env.emplace_back("GIT_CONFIG_KEY_" + std::to_string(base + i), config[i].first);
    env.emplace_back("GIT_CONFIG_VALUE_" + std::to_string(base + i), config[i].second);
  }
  env.emplace_back("GIT_CONFIG_COUNT", std::to_string(base + config.size()));
  return env;
}

std::optional<GitLaunch> prepareGitLaunch(const ir::Policy &policy, const eval::Bindings &bindings,
                                          const std::string &httpProxy,
                                          const std::function<std::optional<std::string>(const std::string &)> &environment,
                                          const std::function<std::string(const SourceLoc &)> &location,
                                          std::string &error) {
  GitLaunch launch;
  if (policy.git.empty())
    return std::optional<GitLaunch>(std::move(launch));
  launch.active = true;
  launch.policy = policy;
  if (!proxy::makeCredential(launch.credential)) {
    error = std::string("cannot make the git proxy's session credential: ") + std::strerror(errno);
    return std::nullopt;
  }
  for (const ir::GitBlock &block : launch.policy.git) {
    if (!block.token)
      continue;
    const ir::GitToken &token = *block.token;
    std::string where = location(token.loc) + ": ";
    std::string value;
    if (token.kind == ir::GitToken::Kind::Env) {
      std::optional<std::string> found = environment(token.envName);
      if (!found || trimmed(*found).empty()) {
        error = where + "the git token variable " + token.envName + " is not set (or empty) in moat run's environment";
        return std::nullopt;
      }
      value = trimmed(*found);
      launch.unsetenv.push_back(token.envName);
    } else {
      std::string bindError;
      std::optional<std::string> path = eval::bindPattern(policy, bindings, token.file, bindError);
      if (!path) {
        error = where + "the git token file " + token.fileText + ": " + bindError;
        return std::nullopt;
      }
      std::optional<std::string> text = readSmallFile(*path, error);
      if (!text) {
        error = where + error;
        return std::nullopt;
      }
      value = trimmed(*text);
      if (value.empty()) {
        error = where + "the git token file " + *path + " is empty";
        return std::nullopt;
      }
      // Unreadable inside, whatever else the policy allows, and unwritable:
      // a command that could replace the token would choose the credential
      // the user's next runs push with.
      for (ir::Access access : {ir::Access::Write, ir::Access::Read}) {
        ir::FsRule hide;
        hide.effect = ir::Effect::Deny;
        hide.access = access;
        hide.tier = ir::Tier::Always;
        hide.pattern = token.file;
        hide.reason = "the git block's token file";
        hide.prov.layer = ir::Layer::Builtin;
        hide.prov.loc = token.loc;
        launch.policy.fsRules.push_back(hide);
      }
    }
    if (value.find_first_of("\r\n") != std::string::npos || value.find('\0') != std::string::npos) {
      error = where + "the git token spans several lines";
      return std::nullopt;
    }
    launch.tokens[&block] = {token.user, value};
  }
  // Git's own variables that would point it elsewhere or at other helpers
  // are the user's; ours are appended after theirs.
  launch.setenv = gitConfigEnvironment(launch.policy, launch.credential, httpProxy, environment("GIT_CONFIG_COUNT"));
  // Moved, never copied: `tokens` points into `policy.git`.
  return std::optional<GitLaunch>(std::move(launch));
}

} // namespace moat::runtime::git
