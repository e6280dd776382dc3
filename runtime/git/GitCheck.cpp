// The git proxy's decisions (GitCheck.h).
#include "runtime/git/GitCheck.h"

#include "runtime/git/PackProof.h"

#include <optional>

namespace moat::runtime::git {

GitVerdict decideRemote(const ir::Policy &policy, const GitRoute &route) {
  GitVerdict verdict;
  std::string error;
  std::optional<std::string> canonical = eval::canonicalGitRemote(route.remoteUrl, error);
  if (!canonical) {
    verdict.canonicalUrl = route.remoteUrl;
    verdict.reason = "not a plain repository URL: " + error;
    return verdict;
  }
  verdict.canonicalUrl = *canonical;
  std::optional<eval::GitRemoteMatch> match = eval::findGitRemote(policy, *canonical);
  if (!match) {
    verdict.reason = "no git block names this remote";
    return verdict;
  }
  verdict.block = match->block;
  verdict.remote = match->remote;
  if (route.service == GitService::UploadPack && !match->remote->fetch) {
    verdict.reason = "the remote is not allowed to be fetched from (no `fetch`)";
    return verdict;
  }
  if (route.service == GitService::ReceivePack && !match->remote->push) {
    verdict.reason = "the remote's block allows no pushes (no `push` pattern)";
    return verdict;
  }
  verdict.allowed = true;
  return verdict;
}

std::vector<RefVerdict> decidePush(const ir::GitBlock &block, const ReceivePackRequest &request,
                                   std::string_view pack) {
  std::vector<RefVerdict> verdicts;
  std::optional<PackCommits> commits;
  std::string packError;
  bool packRead = false;
  for (const RefUpdate &update : request.updates) {
    RefVerdict verdict;
    verdict.update = &update;
    verdict.pattern = eval::allowedPushPattern(block, update.ref);
    if (!verdict.pattern) {
      verdict.reason = eval::isTagRef(update.ref) ? "tag pushes need a push pattern under refs/tags/"
                                                  : "no push pattern of the git block matches this ref";
    } else if (isZeroId(update.newId)) {
      verdict.allowed = block.allowDelete;
      if (!verdict.allowed)
        verdict.reason = "deleting a ref needs `allow delete`";
    } else if (isZeroId(update.oldId) || block.allowForcePush) {
      verdict.allowed = true; // a new ref, or force pushes allowed
    } else {
      if (!packRead) {
        packRead = true;
        commits = PackCommits::read(pack, request.format, packError);
      }
      std::string why;
      if (!commits)
        verdict.reason = "not a fast-forward as far as the proxy can tell (the pack cannot be read: " +
                         packError + "); force pushes need `allow force-push`";
      else if (commits->proves(update.oldId, update.newId, why))
        verdict.allowed = true;
      else
        verdict.reason = "force push refused: " + why + "; force pushes need `allow force-push`";
    }
    verdicts.push_back(std::move(verdict));
  }
  return verdicts;
}

} // namespace moat::runtime::git
