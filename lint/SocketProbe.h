// The shared check of the unix-socket-container-runtime and
// unix-socket-sensitive rules: each known socket the policy lets the process
// connect to, grouped by the rule (or option) that opens it.
#pragma once
#include "lint/Context.h"

#include <vector>

namespace moat::lint {

// `includeAllowAll`: also report sockets opened only by
// allow-all-unix-sockets (unix-socket-sensitive leaves that to the
// container and broad rules, which already report the option).
void reportSockets(const LintContext &ctx, const RuleInfo &rule, const std::vector<PathEntry> &sockets,
                   bool includeAllowAll);

} // namespace moat::lint
