// See buildTarget in Backend.h. The warning sits at each block's `git`
// keyword, once per block, so a policy written for `moat run` still builds
// for the other targets and says plainly what they leave out.
#include "backends/Backend.h"

#include <fmt/format.h>

namespace moat::backends {

void buildTarget(const Target &target, const ir::Policy &policy, const BuildOptions &options,
                 DiagnosticEngine &diags, BuildResult &result) {
  for (const ir::GitBlock &block : policy.git)
    diags.report(DiagKind::UnenforceableRule, block.prov.loc,
                 fmt::format("git blocks are enforced only by `moat run`, whose git proxy holds the token; "
                             "the {} output leaves this block out, so nothing in it gets git access "
                             "through the block (its connect rules still apply)",
                             target.name));
  target.build(policy, options, diags, result);
}

} // namespace moat::backends
