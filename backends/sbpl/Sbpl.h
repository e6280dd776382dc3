// The `sbpl` target: a complete macOS Seatbelt profile for `sandbox-exec`
// (docs/backends.md, "sbpl", lists every form it emits and every assumption
// it makes about Seatbelt).
#pragma once
#include "backends/Backend.h"

#include <cstdint>

namespace moat::backends::sbpl {

// The loopback port of the filtering proxy the sandboxed process may reach
// when the policy sets neither http-proxy-port nor socks-proxy-port: the
// port sandbox-runtime's proxy uses inside its sandbox, and `moat run`'s.
constexpr uint16_t kDefaultProxyPort = 3128;

void build(const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
           BuildResult &result);

} // namespace moat::backends::sbpl
