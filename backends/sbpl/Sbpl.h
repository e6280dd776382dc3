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

// What a launcher may change in the profile (the defaults are the sbpl
// target's own output).
struct ProfileOptions {
  // The one loopback port the sandbox may connect to, instead of the
  // policy's http-proxy-port and socks-proxy-port (or kDefaultProxyPort):
  // `moat run` on macOS passes the port its own proxy listens on, which
  // serves HTTP and SOCKS5 alike. 0 = the target's own choice.
  uint16_t proxyPort = 0;
};

void build(const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
           BuildResult &result);
void build(const ir::Policy &policy, const BuildOptions &options, const ProfileOptions &profileOptions,
           DiagnosticEngine &diags, BuildResult &result);

} // namespace moat::backends::sbpl
