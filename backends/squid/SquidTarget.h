// `moat build --target=squid`: a squid.conf fragment (Squid 5 with
// squid-openssl) for a corporate egress proxy that enforces a policy's
// network rules (docs/backends.md, "squid").
#pragma once
#include "backends/Backend.h"

namespace moat::backends::squid {

// --format: "" or "all" (default) for a proxy serving clients of every
// platform (platform-specific rules read strictly, with warnings); "linux"
// or "macos" for a proxy serving that platform's clients only. Filesystem
// and unix-socket rules are not a proxy's business and are left out without
// a warning.
void build(const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
           BuildResult &result);

} // namespace moat::backends::squid
