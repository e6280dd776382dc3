// `moat run` on macOS: not built yet. The plan (docs/runtime.md) is
// sandbox-exec with the SBPL target's profile and moat's proxy on a loopback
// port; until it exists and has been run on a Mac, the launcher refuses
// rather than run anything unconfined. Compiled only on Apple (runtime/
// CMakeLists.txt); no macOS machine has built or run this file.
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
