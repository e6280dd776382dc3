#include "lint/SocketProbe.h"

#include <fmt/format.h>

namespace moat::lint {

void reportSockets(const LintContext &ctx, const RuleInfo &rule, const std::vector<PathEntry> &sockets,
                   bool includeAllowAll) {
  struct Group {
    SourceLoc loc;
    std::string where;
    std::string first;
    std::vector<std::string> more;
  };
  std::vector<Group> groups;
  for (const PathEntry &e : sockets) {
    auto o = ctx.socketOpen(ctx.bind(e.path), e.platform);
    if (!o || (o->why == SocketOpening::Why::AllowAll && !includeAllowAll))
      continue;
    Group *g = nullptr;
    for (Group &candidate : groups)
      if (candidate.loc == o->loc && candidate.where == o->where)
        g = &candidate;
    if (g) {
      g->more.push_back(e.path);
      continue;
    }
    const char *how = o->why == SocketOpening::Why::AllowAll   ? " (allow-all-unix-sockets)"
                      : o->why == SocketOpening::Why::Disabled ? " (the sandbox is disabled)"
                                                               : "";
    groups.push_back(Group{o->loc, o->where,
                           fmt::format("unix socket '{}' is reachable{}{}: {}", e.path, o->where, how, e.why), {}});
  }
  for (const Group &g : groups) {
    std::string message = g.first;
    if (!g.more.empty()) {
      message += g.more.size() == 1 ? "; so is '" + g.more[0] + "'" : fmt::format("; so are {} more: ", g.more.size());
      for (size_t i = 0; g.more.size() > 1 && i < g.more.size() && i < 5; ++i)
        message += (i ? ", '" : "'") + g.more[i] + "'";
      if (g.more.size() > 5)
        message += fmt::format(" and {} others", g.more.size() - 5);
    }
    ctx.report(rule, g.loc, message);
  }
}

} // namespace moat::lint
