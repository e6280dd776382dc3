// unix-socket-broad: a socket rule (or allow-all-unix-sockets) that opens a
// whole directory where daemons put their sockets: a made-up socket name in
// one of the directories of lint/data/socket-dirs.txt is reachable.
// Docs: docs/rules/unix-socket-broad.md.
#include "lint/rules/UnixSocketBroad.h"

#include <fmt/format.h>

namespace moat::lint {

void checkUnixSocketBroad(const LintContext &ctx, const RuleInfo &self) {
  if (ctx.policy().options.flag(ir::OptionId::AllowAllUnixSockets)) {
    ctx.report(self, ctx.optionLoc(ir::OptionId::AllowAllUnixSockets),
               "allow-all-unix-sockets lets the process connect to every unix socket: every local daemon, "
               "present and future, is reachable (list the sockets it needs instead)");
  }
  std::vector<const ir::UnixSocketRule *> reported;
  for (const PathEntry &dir : socketDirectories()) {
    std::string probe = ctx.bind(dir.path) + "/moat-probe.sock";
    auto o = ctx.socketOpen(probe, dir.platform);
    if (!o || o->why != SocketOpening::Why::Rule)
      continue; // allow-all and a disabled sandbox are reported above and by one-sided-isolation
    bool seen = false;
    for (const ir::UnixSocketRule *r : reported)
      seen |= r == o->rule;
    if (seen)
      continue;
    reported.push_back(o->rule);
    ctx.report(self, o->loc,
               fmt::format("'{}' opens every socket in '{}'{} (e.g. '{}'): {}; list the sockets the process needs",
                           o->rule->path.text(), dir.path, o->where, ctx.display(probe), dir.why));
  }
}

} // namespace moat::lint
