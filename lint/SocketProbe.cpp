#include "lint/SocketProbe.h"

#include "lint/FindingGroups.h"

#include <fmt/format.h>

namespace moat::lint {

void reportSockets(const LintContext &ctx, const RuleInfo &rule, const std::vector<PathEntry> &sockets,
                   bool includeAllowAll) {
  FindingGroups groups;
  for (const PathEntry &e : sockets) {
    auto o = ctx.socketOpen(ctx.bind(e.path), e.platform);
    if (!o || (o->why == SocketOpening::Why::AllowAll && !includeAllowAll))
      continue;
    const char *how = o->why == SocketOpening::Why::AllowAll   ? " (allow-all-unix-sockets)"
                      : o->why == SocketOpening::Why::Disabled ? " (the sandbox is disabled)"
                                                               : "";
    groups.add(o->loc, o->where, e.path, [&] {
      return fmt::format("unix socket '{}' is reachable{}{}: {}", e.path, o->where, how, e.why);
    });
  }
  for (const FindingGroups::Group &g : groups.groups())
    ctx.report(rule, g.loc, g.message());
}

} // namespace moat::lint
