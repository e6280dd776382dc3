// Reading a git proxy request's route (GitRoute.h).
#include "runtime/git/GitRoute.h"

#include <cctype>

namespace moat::runtime::git {

namespace {

bool startsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size())
    return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i])
      return false;
  return true;
}

bool endsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

} // namespace

const char *serviceName(GitService service) {
  return service == GitService::UploadPack ? "git-upload-pack" : "git-receive-pack";
}

bool isGitProxyTarget(std::string_view target) { return startsWithNoCase(target, kGitProxyUrl); }

std::optional<GitRoute> routeGitRequest(std::string_view method, std::string_view target, std::string &error) {
  if (!isGitProxyTarget(target)) {
    error = "not a git proxy URL";
    return std::nullopt;
  }
  std::string_view rest = target.substr(kGitProxyUrl.size()); // "https/host/path...?query"
  std::string_view query;
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (rest.find('#') != std::string_view::npos) {
    error = "a fragment in a git request";
    return std::nullopt;
  }
  GitRoute route;
  std::string_view path;
  if (endsWith(rest, "/info/refs")) {
    route.advertisement = true;
    path = rest.substr(0, rest.size() - 10);
    if (query == "service=git-upload-pack")
      route.service = GitService::UploadPack;
    else if (query == "service=git-receive-pack")
      route.service = GitService::ReceivePack;
    else {
      error = "the dumb HTTP protocol (info/refs without ?service=) is not served";
      return std::nullopt;
    }
    if (method != "GET") {
      error = "info/refs takes GET";
      return std::nullopt;
    }
  } else if (endsWith(rest, "/git-upload-pack") || endsWith(rest, "/git-receive-pack")) {
    route.service = endsWith(rest, "/git-upload-pack") ? GitService::UploadPack : GitService::ReceivePack;
    path = rest.substr(0, rest.size() - (route.service == GitService::UploadPack ? 16 : 17));
    if (method != "POST" || !query.empty()) {
      error = std::string(serviceName(route.service)) + " takes POST without a query";
      return std::nullopt;
    }
  } else {
    error = "only git's smart HTTP endpoints are served (info/refs, git-upload-pack, git-receive-pack)";
    return std::nullopt;
  }
  size_t slash = path.find('/');
  if (slash == std::string_view::npos) {
    error = "no scheme in the git proxy path";
    return std::nullopt;
  }
  route.scheme = std::string(path.substr(0, slash));
  if (route.scheme != "https" && route.scheme != "http") {
    error = "the git proxy path names no http or https remote";
    return std::nullopt;
  }
  std::string_view hostAndPath = path.substr(slash + 1);
  size_t pathStart = hostAndPath.find('/');
  if (pathStart == std::string_view::npos || pathStart == 0) {
    error = "the git proxy path names no repository";
    return std::nullopt;
  }
  route.authority = std::string(hostAndPath.substr(0, pathStart));
  std::string_view repoPath = hostAndPath.substr(pathStart);
  route.remoteUrl = route.scheme + "://" + std::string(hostAndPath);
  route.upstreamTarget = std::string(repoPath) + std::string(rest.substr(path.size()));
  if (!query.empty())
    route.upstreamTarget += "?" + std::string(query);
  return route;
}

} // namespace moat::runtime::git
