// How a sandboxed git's request names its repository. `moat run` rewrites
// every git block's remote hosts with `url.<proxy URL>.insteadOf` (see
// GitEnvironment.h), so git inside sends, to moat's HTTP proxy, absolute
// requests such as
//
//   GET http://moat-git.invalid/https/github.com/org/repo.git/info/refs?service=git-upload-pack
//
// `.invalid` is reserved (RFC 2606): no real host has that name, so the
// proxy can recognise it before any policy decision. The first path
// component is the real scheme, then the real authority and path. Only
// the three smart-HTTP endpoints are recognised; the dumb protocol and
// anything else is not a route.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace moat::runtime::git {

inline constexpr std::string_view kGitProxyHost = "moat-git.invalid";
inline constexpr std::string_view kGitProxyUrl = "http://moat-git.invalid/";

// Does an HTTP proxy request target (absolute form) go to the git proxy?
bool isGitProxyTarget(std::string_view target);

enum class GitService { UploadPack, ReceivePack };

struct GitRoute {
  GitService service = GitService::UploadPack;
  bool advertisement = false; // GET info/refs?service=...; else POST to the service
  std::string remoteUrl;      // "https://github.com/org/repo.git" (as routed, before canonicalising)
  std::string upstreamTarget; // "/org/repo.git/info/refs?service=git-upload-pack"
  std::string scheme;         // "https" / "http"
  std::string authority;      // "github.com", "127.0.0.1:8443", "[::1]:80"
};

// nullopt with `error` for anything but the smart-HTTP endpoints under a
// routed remote, and for a method that does not fit the endpoint.
std::optional<GitRoute> routeGitRequest(std::string_view method, std::string_view target, std::string &error);

const char *serviceName(GitService service); // "git-upload-pack" / "git-receive-pack"

} // namespace moat::runtime::git
