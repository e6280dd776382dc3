// `moat build --target=srt`: a sandbox-runtime `srt-settings.json`
// (docs/backends.md, "srt"). Re-imported by moat, it is never looser than the
// policy (RoundTrip.h checks every build).
#pragma once
#include "backends/Backend.h"

namespace moat::backends::srt {

// --format: "" (default) for a file that holds on Linux and macOS alike,
// "linux" or "macos" for one platform. HOME and the launch directory stay
// symbolic (`~/...`, `./...`); every other root needs --define.
void build(const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
           BuildResult &result);

} // namespace moat::backends::srt
