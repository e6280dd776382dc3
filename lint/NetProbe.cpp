#include "lint/NetProbe.h"

#include "lint/FindingGroups.h"

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
  FindingGroups groups;
  // A host is named once per opening rule: when `github.com` is open,
  // `github.com:22` (git over ssh) adds nothing; alone it is reported.
  struct Named {
    SourceLoc loc;
    std::string where, host;
  };
  std::vector<Named> named;
  for (const HostEntry &h : hosts) {
    auto o = ctx.connectOpen(h.host, h.port);
    if (!o)
      continue;
    SourceLoc loc = ctx.locate(o->decision);
    std::string where;
    if (!o->everyPlatform)
      where = o->platform == ir::Platform::MacOS ? " (on macOS)" : " (on Linux)";
    bool seen = false;
    for (const Named &n : named)
      seen |= n.loc == loc && n.where == where && n.host == h.text;
    if (seen)
      continue;
    named.push_back(Named{loc, where, h.text});
    // A made-up first label stands for "any name under this domain".
    std::string text = h.text.rfind("moat-probe.", 0) == 0 ? "*." + h.text.substr(11) : h.text;
    std::string name = h.port == 443 ? text : fmt::format("{}:{}", text, h.port);
    groups.add(loc, where, name, [&] {
      return fmt::format("'{}' is reachable{} ({}): {}", name, where, netOpenedBy(*o), h.why);
    });
  }
  for (const FindingGroups::Group &g : groups.groups())
    ctx.report(rule, g.loc, g.message());
}

} // namespace moat::lint
