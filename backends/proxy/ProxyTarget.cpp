#include "backends/proxy/ProxyTarget.h"

#include "backends/proxy/ProxyAllowlist.h"

#include <fmt/format.h>

namespace moat::backends::proxy {

void build(const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
           BuildResult &result) {
  ir::Platform platform;
  if (options.format.empty() || options.format == "linux") {
    platform = ir::Platform::Linux;
  } else if (options.format == "macos") {
    platform = ir::Platform::MacOS;
  } else {
    diags.report(DiagKind::UnknownFormat, SourceLoc{}, "proxy", options.format, "linux, macos");
    return;
  }
  // options.managed is ignored: the allowlist is built from the policy as
  // loaded (with any managed layer already merged); it has no managed form.
  ProxyAllowlist list = allowlistFromPolicy(policy, platform, diags.files());
  result.output = renderAllowlist(list);
}

} // namespace moat::backends::proxy
