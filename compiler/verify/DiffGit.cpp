// The git half of `moat diff` (GitChange in Diff.h): each remote's grants
// on both sides, compared as sets.
#include "compiler/verify/Diff.h"

#include "compiler/ir/GitText.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace moat::verify {

namespace {

using Grants = std::map<std::string, std::set<std::string>>; // remote URL -> grants

Grants grantsOf(const std::vector<ir::GitBlock> &blocks) {
  Grants out;
  for (const ir::GitBlock &block : blocks)
    for (const ir::GitRemote &remote : block.remotes) {
      std::set<std::string> &g = out[remote.url];
      if (remote.fetch)
        g.insert("fetch");
      if (remote.push) {
        for (const ir::GitRefPattern &p : block.push)
          g.insert(ir::gitPushText(p));
        if (block.allowDelete)
          g.insert("allow delete");
        if (block.allowForcePush)
          g.insert("allow force-push");
      }
      if (block.token)
        g.insert(ir::gitTokenText(*block.token));
    }
  return out;
}

} // namespace

std::vector<GitChange> diffGit(const std::vector<ir::GitBlock> &before, const std::vector<ir::GitBlock> &after) {
  const Grants old = grantsOf(before), now = grantsOf(after);
  std::vector<GitChange> out;
  for (const auto &[url, grants] : now) {
    auto was = old.find(url);
    if (was == old.end()) {
      out.push_back(GitChange{Direction::Looser, url, "", true});
      continue;
    }
    for (const std::string &g : grants)
      if (!was->second.count(g))
        out.push_back(GitChange{Direction::Looser, url, g, true});
    for (const std::string &g : was->second)
      if (!grants.count(g))
        out.push_back(GitChange{Direction::Tighter, url, g, false});
  }
  for (const auto &[url, grants] : old)
    if (!now.count(url))
      out.push_back(GitChange{Direction::Tighter, url, "", false});
  std::sort(out.begin(), out.end(), [](const GitChange &a, const GitChange &b) {
    return std::tie(a.direction, a.remote, a.grant) < std::tie(b.direction, b.remote, b.grant);
  });
  return out;
}

} // namespace moat::verify
