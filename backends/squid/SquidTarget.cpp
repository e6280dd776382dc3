#include "backends/squid/SquidTarget.h"

#include "backends/squid/SquidPlan.h"
#include "backends/squid/SquidRender.h"

namespace moat::backends::squid {

void build(const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
           BuildResult &result) {
  Clients clients;
  if (options.format.empty() || options.format == "all") {
    clients = Clients::All;
  } else if (options.format == "linux") {
    clients = Clients::Linux;
  } else if (options.format == "macos") {
    clients = Clients::MacOS;
  } else {
    diags.report(DiagKind::UnknownFormat, SourceLoc{}, "squid", options.format,
                 "all, linux, macos");
    return;
  }
  // options.managed: the fragment is built from the policy as loaded (any
  // managed layer already merged); it has no managed form of its own.
  std::optional<SquidPlan> plan = planSquid(policy, clients, diags);
  if (!plan)
    return;
  result.output = renderSquid(*plan);
}

} // namespace moat::backends::squid
