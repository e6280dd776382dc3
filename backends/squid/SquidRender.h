// Writes a SquidPlan as a squid.conf fragment (Squid 5, squid-openssl). The
// layout and every line's meaning are documented in docs/backends.md,
// "squid"; the text depends only on the plan (deterministic).
#pragma once
#include "backends/squid/SquidPlan.h"

#include <string>

namespace moat::backends::squid {

std::string renderSquid(const SquidPlan &plan);

} // namespace moat::backends::squid
