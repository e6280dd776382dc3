// net-local-exposure: loopback opened broadly. For each loopback host
// (localhost, 127.0.0.1, [::1], 127.0.0.2 for ranges over 127.0.0.0/8, and
// the unspecified addresses 0.0.0.0 and [::], which as a destination reach
// the local host) lint asks about the service ports of lint/data/local-services.txt; two or
// more reachable ports on one host mean loopback is open on all ports or a
// broad range (one deliberately allowed port, e.g. a dev server, is fine).
// Docs: docs/rules/net-local-exposure.md.
#include "lint/rules/NetLocalExposure.h"

#include "lint/NetProbe.h"

#include <fmt/format.h>

namespace moat::lint {

void checkNetLocalExposure(const LintContext &ctx, const RuleInfo &self) {
  struct Group {
    SourceLoc loc;
    std::string first;
    std::vector<std::string> moreHosts;
    std::optional<Diagnostic> closes; // "moat run closes this", for its first host
  };
  std::vector<Group> groups;
  for (const char *text : {"localhost", "127.0.0.1", "::1", "127.0.0.2", "0.0.0.0", "::"}) {
    std::string error;
    auto host = net::canonicaliseHost(text, error);
    if (!host)
      continue;
    std::vector<std::pair<const HostEntry *, NetOpening>> open;
    for (const HostEntry &service : localServices())
      if (auto o = ctx.connectOpen(*host, service.port))
        open.emplace_back(&service, *o);
    if (open.size() < 2)
      continue;
    SourceLoc loc = ctx.locate(open.front().second.decision);
    Group *g = nullptr;
    for (Group &candidate : groups)
      if (candidate.loc == loc)
        g = &candidate;
    if (g) {
      g->moreHosts.push_back(host->text());
      continue;
    }
    std::string ports;
    for (size_t i = 0; i < open.size() && i < 6; ++i)
      ports += (i ? ", " : "") + std::to_string(open[i].first->port);
    if (open.size() > 6)
      ports += ", ...";
    groups.push_back(Group{loc,
                           fmt::format("'{}' is reachable on {} local service ports ({}; {}), e.g. {}: {}",
                                       host->text(), open.size(), ports, netOpenedBy(open.front().second),
                                       open.front().first->port, open.front().first->why),
                           {},
                           ctx.moatClosesConnectNote(self, loc, *host, open.front().first->port,
                                                     open.front().second)});
  }
  for (Group &g : groups) {
    std::string message = g.first;
    for (size_t i = 0; i < g.moreHosts.size(); ++i)
      message += (i ? ", '" : g.moreHosts.size() == 1 ? "; so is '" : "; so are '") + g.moreHosts[i] + "'";
    Diagnostic &d = ctx.report(self, g.loc, message + "; allow the one port the task needs");
    if (g.closes)
      d.notes.push_back(std::move(*g.closes));
  }
}

} // namespace moat::lint
