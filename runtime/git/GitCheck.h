// What the git proxy decides, as pure functions over the policy's `git`
// blocks (eval/GitDecide.h reads them) and the parsed request, so every
// refusal is testable without sockets:
//  * a request's remote must be a remote of a git block, with `fetch` for
//    upload-pack and push patterns for receive-pack;
//  * each pushed ref update must match a push pattern (tags only through
//    refs/tags/ patterns), a deletion needs `allow delete`, and an update
//    of an existing ref must be proven a fast-forward from the pushed pack
//    (PackProof.h) unless the block says `allow force-push`.
#pragma once
#include "compiler/eval/GitDecide.h"
#include "runtime/git/GitRoute.h"
#include "runtime/git/ReceivePack.h"

#include <string>
#include <vector>

namespace moat::runtime::git {

struct GitVerdict {
  bool allowed = false;
  const ir::GitBlock *block = nullptr;
  const ir::GitRemote *remote = nullptr;
  std::string canonicalUrl;
  std::string reason;
};

// May the request's remote be used for its service at all?
GitVerdict decideRemote(const ir::Policy &policy, const GitRoute &route);

struct RefVerdict {
  const RefUpdate *update = nullptr;
  bool allowed = false;
  const ir::GitRefPattern *pattern = nullptr; // the allowing (or, for delete/force, matching) pattern
  std::string reason;
};

// One verdict per update, in order. `pack` is the request body from its
// packOffset on (parsed only when an update needs a fast-forward proof).
std::vector<RefVerdict> decidePush(const ir::GitBlock &block, const ReceivePackRequest &request,
                                   std::string_view pack);

} // namespace moat::runtime::git
