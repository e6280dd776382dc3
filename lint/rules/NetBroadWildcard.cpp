// net-broad-wildcard: an allow rule whose wildcard covers names anyone can
// register: `*` itself, `*.X` where X is a public suffix (`*.com`,
// `*.co.uk`, `*.github.io`, `*.s3.amazonaws.com`), or where a public suffix
// lies beneath X (`*.amazonaws.com` covers `*.s3.amazonaws.com`). The rule
// counts only while it still opens something: a made-up name under X must be
// reachable (a deny can close it). Docs: docs/rules/net-broad-wildcard.md.
#include "lint/rules/NetBroadWildcard.h"

#include "lint/PublicSuffix.h"

#include <fmt/format.h>

namespace moat::lint {

namespace {

bool opens(const LintContext &ctx, const ir::NetRule &rule, const std::string &probe) {
  std::string error;
  auto host = net::canonicaliseHost(probe, error);
  if (!host)
    return false;
  uint16_t port = rule.host.ports.contains(443) ? 443 : rule.host.ports.lo;
  return ctx.connectOpen(*host, port).has_value();
}

const char *section(const PublicSuffix &s) { return s.privateSection ? "private" : "ICANN"; }

} // namespace

void checkNetBroadWildcard(const LintContext &ctx, const RuleInfo &self) {
  for (const ir::NetRule &rule : ctx.policy().netRules) {
    if (rule.effect != ir::Effect::Allow)
      continue;
    SourceLoc loc = rule.prov.loc.valid() ? rule.prov.loc : ctx.defaultLoc({});
    std::string text = rule.host.text();
    if (rule.host.kind == net::HostPattern::Kind::Any) {
      if (opens(ctx, rule, "moat-probe-registrable.example"))
        ctx.report(self, loc,
                   fmt::format("'{}' allows every host: any domain anyone registers is reachable; list the hosts the "
                               "task needs",
                               text));
      continue;
    }
    if (rule.host.kind != net::HostPattern::Kind::Subdomains)
      continue;
    const std::string &domain = rule.host.domain;
    if (auto suffix = publicSuffixOf(domain)) {
      if (opens(ctx, rule, "moat-probe-registrable." + domain))
        ctx.report(self, loc,
                   fmt::format("'{}' is a wildcard over the public suffix '{}' (Public Suffix List, {} section): "
                               "anyone can register a name under it and receive the traffic",
                               text, suffix->suffix, section(*suffix)));
    } else if (auto below = publicSuffixBelow(domain)) {
      std::string sample = below->suffix.rfind("*.", 0) == 0 ? "moat-probe." + below->suffix.substr(2) : below->suffix;
      if (opens(ctx, rule, "moat-probe-registrable." + sample))
        ctx.report(self, loc,
                   fmt::format("'{}' covers the public suffix '{}' (Public Suffix List, {} section): anyone can "
                               "register a name under it and receive the traffic",
                               text, below->suffix, section(*below)));
    }
  }
}

} // namespace moat::lint
