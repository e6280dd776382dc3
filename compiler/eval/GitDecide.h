// The questions the git proxy (runtime/git) asks of a policy's `git { }`
// blocks, answered here as pure functions so that sema, lint and the
// runtime share one reading of a remote URL and of a ref pattern:
//
//  * Which block names this remote? Remotes are compared by a canonical
//    URL, never as written: `HTTPS://GitHub.com:443/org/repo.git/` and
//    `https://github.com/org/repo` are one repository, and a spelling that
//    could be read two ways (userinfo, a query, percent-escapes, dot
//    segments) is refused rather than guessed at, so the proxy and the
//    policy can never disagree about which repository a request is for.
//  * May this ref be pushed? Ref patterns are globs over the components of
//    a full ref name (fs/Glob.h syntax: `*` within one component, `**`
//    across them). A tag is pushed only when a pattern that itself starts
//    with `refs/tags/` matches it: `refs/**` written for branches must not
//    quietly let an agent move a release tag.
#pragma once
#include "compiler/ir/Policy.h"
#include "compiler/net/Host.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moat::eval {

// The canonical form of a remote URL (ir::GitRemote::url): scheme `https` or
// `http`, the host as net::canonicaliseHost writes it (IPv6 bracketed), the
// port only when it is not the scheme's default, then the path without a
// trailing `/` or `.git`. nullopt, with `error` saying why, for anything
// else: another scheme, userinfo, a query or fragment, `%`, `\`, spaces or
// control bytes, empty, `.` or `..` path segments, no path.
std::optional<std::string> canonicalGitRemote(std::string_view url, std::string &error);

// Where a canonical remote URL points: its scheme ("https" or "http"), host
// and port (the scheme's default when the URL names none). nullopt for a
// string canonicalGitRemote did not produce.
struct GitRemoteAddress {
  std::string scheme;
  net::CanonicalHost host;
  uint16_t port = 0;
};
std::optional<GitRemoteAddress> gitRemoteAddress(std::string_view canonicalUrl);

// 127.0.0.0/8, ::1, `localhost` and names under `.localhost`: hosts whose
// traffic never leaves the machine (where plain http carries no risk).
bool isLoopbackHost(const net::CanonicalHost &host);

// Checks a push pattern: starts with `refs/`, no empty component, valid
// globs. `error` says why not.
bool validGitRefPattern(std::string_view pattern, std::string &error);

// Does a (valid) pattern match a full ref name?
bool gitRefPatternMatches(std::string_view pattern, std::string_view ref);

bool isTagRef(std::string_view ref); // refs/tags/...

struct GitRemoteMatch {
  const ir::GitBlock *block = nullptr;
  const ir::GitRemote *remote = nullptr;
};
// The block and remote a canonical URL names (the first, in block order),
// or nullopt when no block names it.
std::optional<GitRemoteMatch> findGitRemote(const ir::Policy &policy, std::string_view canonicalUrl);

// The block's pattern that allows pushing `ref`, or nullptr: none matches,
// or `ref` is a tag and only patterns outside refs/tags/ match it.
const ir::GitRefPattern *allowedPushPattern(const ir::GitBlock &block, std::string_view ref);

} // namespace moat::eval
