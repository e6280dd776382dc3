// one-sided-isolation: only one of filesystem and network is confined. The
// filesystem counts as unconfined when a made-up path outside every root
// can be written (filesystem-disabled, or a write default of allow); the
// network when a made-up host can be reached (a connect default of allow,
// `*`). A default of ask counts as confined (someone decides). A disabled
// sandbox confines neither and is reported by the other rules.
// Docs: docs/rules/one-sided-isolation.md.
#include "lint/rules/OneSidedIsolation.h"

#include "lint/NetProbe.h"

#include <fmt/format.h>

namespace moat::lint {

void checkOneSidedIsolation(const LintContext &ctx, const RuleInfo &self) {
  if (ctx.policy().options.flag(ir::OptionId::SandboxDisabled))
    return;
  auto fs = ctx.fsOpen("/moat-probe/unlisted/file", ir::Access::Write);
  std::optional<NetOpening> net;
  std::string error;
  if (auto host = net::canonicaliseHost("moat-egress-probe.example", error)) {
    net = ctx.connectOpen(*host, 443);
    if (net && net->decision.outcome == eval::NetDecision::Outcome::Ask)
      net.reset(); // someone decides each connection
  }
  if (fs && !net) {
    const char *how = fs->decision.by == eval::DecidedBy::Disabled ? "filesystem confinement is off"
                                                                   : "writes are allowed by default";
    ctx.report(self, ctx.locate(fs->decision, ir::Access::Write),
               fmt::format("only the network is confined: {}, so the process can plant code (startup files, "
                           "$PATH) that runs outside the sandbox and carries data out later; confine both",
                           how));
  } else if (net && !fs) {
    ctx.report(self, ctx.locate(net->decision),
               fmt::format("only the filesystem is confined: connections to any host are open ({}), so whatever "
                           "the process can read (the project, caches, tokens in the environment) can leave; "
                           "confine both",
                           netOpenedBy(*net)));
  }
}

} // namespace moat::lint
