// The managed constraints over git blocks (LayersDetail.h). A git block
// lets the sandbox reach its remotes through moat's git proxy, with a real
// token attached: network access the managed layer must be able to take
// away exactly as it takes away a lower `allow connect`. So:
//  * `lock network`: only the managed layer's network statements count, its
//    git blocks included; every lower block is dropped whole;
//  * `forbid connect "PATTERN"`: a lower remote whose host and port the
//    pattern covers is dropped (a loopback name also when the pattern covers
//    one of its addresses, as for connect rules); a block left without
//    remotes goes with it.
#include "compiler/eval/GitDecide.h"
#include "compiler/ir/GitText.h"
#include "compiler/layers/LayersDetail.h"
#include "compiler/net/NameAddresses.h"

#include <fmt/format.h>

namespace moat::layers::detail {

namespace {

bool forbidCovers(const ir::Forbid &f, const ir::GitRemote &remote) {
  std::optional<eval::GitRemoteAddress> at = eval::gitRemoteAddress(remote.url);
  if (!at)
    return true; // cannot happen (sema wrote the URL); fail closed: drop it
  if (f.host.matches(at->host, at->port))
    return true;
  for (const net::CanonicalHost &address : net::knownAddressesOf(at->host))
    if (f.host.matches(address, at->port))
      return true;
  return false;
}

} // namespace

void enforceGitConstraints(ir::Policy &policy, std::optional<SourceLoc> networkLock) {
  std::vector<ir::GitBlock> kept;
  for (ir::GitBlock &block : policy.git) {
    if (!isLower(block.prov.layer)) {
      kept.push_back(std::move(block));
      continue;
    }
    if (networkLock) {
      addViolation(policy, block.prov.loc,
                   "this git block is ignored: the managed policy locks network rules (only its own count)",
                   *networkLock, "'lock network' is set here");
      continue;
    }
    std::vector<ir::GitRemote> remotes;
    for (ir::GitRemote &remote : block.remotes) {
      const ir::Forbid *by = nullptr;
      for (const ir::Forbid &f : policy.forbids)
        if (f.subject == ir::ForbidSubject::Connect && forbidCovers(f, remote)) {
          by = &f;
          break;
        }
      if (!by) {
        remotes.push_back(std::move(remote));
        continue;
      }
      addViolation(policy, remote.loc,
                   fmt::format("this git remote is ignored: the managed policy forbids connecting to its host ({})",
                               ir::gitRemoteText(remote)),
                   by->prov.loc, forbidNote(*by));
    }
    block.remotes = std::move(remotes);
    if (!block.remotes.empty())
      kept.push_back(std::move(block));
  }
  policy.git = std::move(kept);
}

} // namespace moat::layers::detail
