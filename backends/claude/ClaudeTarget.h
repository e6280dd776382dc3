// `moat build --target=claude`: the `sandbox` block of a Claude Code
// `settings.json`, or with BuildOptions::managed a `managed-settings.json`
// that also locks the domain and read lists (docs/backends.md, "claude").
// Re-imported by moat, it is never looser than the policy (RoundTrip.h
// checks every build).
#pragma once
#include "backends/Backend.h"

namespace moat::backends::claude {

// --format: "" (default) for a file that holds on Linux and macOS alike,
// "linux" or "macos" for one platform.
void build(const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
           BuildResult &result);

} // namespace moat::backends::claude
