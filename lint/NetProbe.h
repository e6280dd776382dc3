// The shared check of the net-* rules: each known endpoint the policy lets
// the process connect to (allowed, or asked about), grouped by the rule or
// default that opens it: one finding explains the first, names the others.
#pragma once
#include "lint/Context.h"

#include <string>
#include <vector>

namespace moat::lint {

// What lets a connection through, for messages: "'*.x.com' allows it",
// "the connect default allows it", "the connect default asks".
std::string netOpenedBy(const NetOpening &o);

void reportHosts(const LintContext &ctx, const RuleInfo &rule, const std::vector<HostEntry> &hosts);

} // namespace moat::lint
