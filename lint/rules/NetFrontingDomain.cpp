// net-fronting-domain: the endpoints of lint/data/fronting-domains.txt the policy lets the process reach
// (allowed, or asked about). Docs: docs/rules/net-fronting-domain.md.
#include "lint/rules/NetFrontingDomain.h"

#include "lint/NetProbe.h"

namespace moat::lint {

void checkNetFrontingDomain(const LintContext &ctx, const RuleInfo &self) { reportHosts(ctx, self, frontingDomains()); }

} // namespace moat::lint
