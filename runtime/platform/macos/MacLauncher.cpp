// `moat run` on macOS: not built yet, and it refuses rather than run
// anything unconfined. What it will start is planned already, portably and
// unit-tested on Linux (runtime/MacSandboxPlan.h: the Seatbelt profile, the
// sandbox-exec command line, the proxy environment). What is missing first
// is the proxy's side: on its TCP listener a command connects directly (no
// bridge prepends the session credential as on Linux), so the proxy must
// take the credential from `Proxy-Authorization: Basic` and from SOCKS5
// username/password (RFC 1929), which it does not yet (docs/runtime.md,
// "macOS"). Compiled on Apple as the launcher, elsewhere only as a check
// (runtime/CMakeLists.txt): keep it plain POSIX. No macOS machine has built
// or run this file.
#include "runtime/Launch.h"

namespace moat::runtime {

int launch(const LaunchRequest &, DiagnosticEngine &diags) {
  diags.report(DiagKind::LaunchFailed, SourceLoc{},
               "moat run is not available on macOS yet: nothing was run (use moat build --target=sbpl with "
               "sandbox-exec meanwhile)");
  return kExitLaunchFailed;
}

int bridgeMain(int, char **) { return kExitLaunchFailed; }

} // namespace moat::runtime
