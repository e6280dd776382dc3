#include "lint/NetProbe.h"

#include <fmt/format.h>

namespace moat::lint {

std::string netOpenedBy(const NetOpening &o) {
  switch (o.decision.by) {
  case eval::DecidedBy::Disabled:
    return "the sandbox is disabled";
  case eval::DecidedBy::Default:
    return o.decision.outcome == eval::NetDecision::Outcome::Ask ? "the connect default asks, and a yes opens it"
                                                                 : "the connect default allows it";
  case eval::DecidedBy::Rule:
    break;
  }
  return "'" + o.decision.rule->host.text() + "' allows it";
}

void reportHosts(const LintContext &ctx, const RuleInfo &rule, const std::vector<HostEntry> &hosts) {
  struct Group {
    SourceLoc loc;
    std::string where;
    std::string first;
    std::vector<std::string> more;
  };
  std::vector<Group> groups;
  for (const HostEntry &h : hosts) {
    auto o = ctx.connectOpen(h.host, h.port);
    if (!o)
      continue;
    SourceLoc loc = ctx.locate(o->decision);
    std::string where;
    if (!o->everyPlatform)
      where = o->platform == ir::Platform::MacOS ? " (on macOS)" : " (on Linux)";
    // A made-up first label stands for "any name under this domain".
    std::string text = h.text.rfind("moat-probe.", 0) == 0 ? "*." + h.text.substr(11) : h.text;
    std::string name = h.port == 443 ? text : fmt::format("{}:{}", text, h.port);
    Group *g = nullptr;
    for (Group &candidate : groups)
      if (candidate.loc == loc && candidate.where == where)
        g = &candidate;
    if (g) {
      g->more.push_back(name);
      continue;
    }
    groups.push_back(Group{
        loc, where, fmt::format("'{}' is reachable{} ({}): {}", name, where, netOpenedBy(*o), h.why), {}});
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
