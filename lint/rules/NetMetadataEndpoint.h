// net-metadata-endpoint (docs/rules/net-metadata-endpoint.md).
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkNetMetadataEndpoint(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
