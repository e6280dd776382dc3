#include "lint/Egress.h"

#include <fmt/format.h>

namespace moat::lint {

namespace {

std::string how(const NetOpening &o) { // phrased for "connections to X are open (...)"
  if (o.decision.by == eval::DecidedBy::Disabled)
    return "the sandbox is disabled";
  if (o.decision.by == eval::DecidedBy::Default)
    return o.decision.outcome == eval::NetDecision::Outcome::Ask ? "the connect default asks, and a yes lets it out"
                                                                 : "the connect default allows them";
  return "'" + o.decision.rule->host.text() + "' allows them";
}

} // namespace

std::optional<Egress> findEgress(const LintContext &ctx) {
  std::string error;
  // Names no policy would list on purpose: only a default, `*` or a range
  // over everything reaches them.
  for (const char *probe : {"moat-egress-probe.example", "198.51.100.7"}) {
    auto host = net::canonicaliseHost(probe, error);
    if (!host)
      continue;
    if (auto o = ctx.connectOpen(*host, 443))
      return Egress{fmt::format("connections to any host are open ({})", how(*o)), ctx.locate(o->decision)};
  }
  for (const HostEntry &e : exfilHosts())
    if (auto o = ctx.connectOpen(e.host, e.port))
      return Egress{fmt::format("connections to '{}' are open ({}): {}", e.text, how(*o), e.why),
                    ctx.locate(o->decision)};
  for (const std::string &text : ctx.options().extraExfilDomains) {
    std::string probe = text.rfind("*.", 0) == 0 ? "moat-probe." + text.substr(2) : text;
    auto endpoint = net::parseEndpoint(probe, 443, error);
    if (!endpoint) // fail closed: a host we cannot check may be open
      return Egress{fmt::format("the configured exfil-capable host '{}' cannot be checked: {}", net::displayHost(text),
                                error),
                    ctx.defaultLoc({})};
    if (auto o = ctx.connectOpen(endpoint->host, endpoint->port))
      return Egress{fmt::format("connections to '{}' are open ({}): it is configured as exfil-capable", text,
                                how(*o)),
                    ctx.locate(o->decision)};
  }
  // A git block that may push sends the repository's content, and anything
  // written into it, to its remotes through moat's git proxy.
  for (const ir::GitBlock &block : ctx.policy().git)
    for (const ir::GitRemote &remote : block.remotes)
      if (remote.push && !block.push.empty())
        return Egress{fmt::format("pushes to the git remote '{}' are allowed (refs '{}')", remote.url,
                                  block.push.front().pattern),
                      remote.loc};
  return std::nullopt;
}

} // namespace moat::lint
