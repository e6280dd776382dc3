// git-push-default-branch: a git block's push pattern matches a default
// branch (refs/heads/main or refs/heads/master), so the git proxy lets the
// sandbox update the branch everyone builds and deploys from. The question
// is asked of the pattern through the proxy's own matcher
// (eval::allowedPushPattern's gitRefPatternMatches), so `refs/heads/*`,
// `refs/**` and `refs/heads/ma*` are all caught exactly as the proxy would
// let them through. Docs: docs/rules/git-push-default-branch.md.
#include "lint/rules/GitPushDefaultBranch.h"

#include "compiler/eval/GitDecide.h"

#include <fmt/format.h>

namespace moat::lint {

void checkGitPushDefaultBranch(const LintContext &ctx, const RuleInfo &self) {
  static const char *const kDefaultBranches[] = {"refs/heads/main", "refs/heads/master"};
  for (const ir::GitBlock &block : ctx.policy().git)
    for (const ir::GitRefPattern &pattern : block.push) {
      std::string covered;
      unsigned count = 0;
      for (const char *branch : kDefaultBranches)
        if (eval::gitRefPatternMatches(pattern.pattern, branch))
          covered += std::string(count++ ? " and " : "") + "'" + branch + "'";
      if (count == 0)
        continue;
      ctx.report(self, pattern.loc,
                 fmt::format("push pattern '{}' covers {}, {}: the sandbox can push to the branch everyone "
                             "builds and deploys from{}; push to a branch of its own (\"refs/heads/agent/*\") "
                             "and merge through review",
                             pattern.pattern, covered, count > 1 ? "the default branch names" : "a default branch",
                             block.allowForcePush ? ", and rewrite its history ('allow force-push')" : ""));
    }
}

} // namespace moat::lint
