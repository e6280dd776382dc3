// net-exfil-domain: the upload-capable hosts of lint/data/exfil-domains.txt
// (plus LintOptions::extraExfilDomains) the policy lets the process reach.
// Docs: docs/rules/net-exfil-domain.md.
#include "lint/rules/NetExfilDomain.h"

#include "lint/NetProbe.h"

namespace moat::lint {

void checkNetExfilDomain(const LintContext &ctx, const RuleInfo &self) {
  std::vector<HostEntry> hosts = exfilHosts();
  std::vector<std::string> lines;
  for (const std::string &text : ctx.options().extraExfilDomains)
    lines.push_back((text.rfind("*.", 0) == 0 ? "moat-probe." + text.substr(2) : text) +
                    " | it is configured as able to carry data out");
  std::vector<std::string_view> views(lines.begin(), lines.end());
  std::string error;
  if (!parseHostEntries(views, hosts, error)) {
    // A configured host we cannot check: say so rather than drop it.
    ctx.report(self, Severity::Error, ctx.defaultLoc({}), "cannot check the configured exfil-capable hosts: " + error);
    return;
  }
  reportHosts(ctx, self, hosts);
}

} // namespace moat::lint
