// `moat build --target=proxy`: the allowlist moat's filtering proxy reads
// (docs/proxy-allowlist.md is the format, docs/backends.md "proxy" the target).
#pragma once
#include "backends/Backend.h"

namespace moat::backends::proxy {

// --format: "" or "linux" (default) builds the allowlist for Linux, "macos"
// for macOS; rules inside `on linux { }` / `on macos { }` count on their
// platform only. Filesystem and unix-socket rules are not the proxy's and
// are left out without a warning.
void build(const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
           BuildResult &result);

} // namespace moat::backends::proxy
