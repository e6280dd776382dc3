// net-metadata-endpoint: the endpoints of lint/data/metadata-endpoints.txt the policy lets the process reach
// (allowed, or asked about). Docs: docs/rules/net-metadata-endpoint.md.
#include "lint/rules/NetMetadataEndpoint.h"

#include "lint/NetProbe.h"

namespace moat::lint {

void checkNetMetadataEndpoint(const LintContext &ctx, const RuleInfo &self) { reportHosts(ctx, self, metadataEndpoints()); }

} // namespace moat::lint
