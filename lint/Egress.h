// Whether a policy lets data out: the combination half of read-secrets (a
// readable secret is an error, not a warning, when it can also leave).
#pragma once
#include "lint/Context.h"

#include <optional>
#include <string>

namespace moat::lint {

struct Egress {
  std::string what; // "connections to any host are allowed by default", ...
  SourceLoc loc;    // the rule or default that opens it
};

// The first way out, checked in this order: any host (a default of allow or
// ask, `*`, a wildcard or CIDR range over everything: probed with a made-up
// name and a documentation-range address), then the exfil-capable hosts of
// lint/data/exfil-domains.txt, then LintOptions::extraExfilDomains, then a
// git block that may push (its remotes receive what the sandbox commits).
std::optional<Egress> findEgress(const LintContext &ctx);

} // namespace moat::lint
