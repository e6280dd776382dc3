// What `moat run` asks of a platform's launcher, and the exit statuses it
// answers with. The command-line tool builds the effective policy (layers,
// command-line flags) and hands it here; each platform (platform/linux,
// platform/macos) confines the command its own way from the same request.
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/eval/Bindings.h"
#include "compiler/ir/Policy.h"
#include "runtime/proxy/UpstreamProxy.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace moat::runtime {

// moat's own failures, as env(1) and the shells report them.
inline constexpr int kExitLaunchFailed = 125; // moat could not set up the sandbox
inline constexpr int kExitCannotExecute = 126; // the command exists but cannot run
inline constexpr int kExitNotFound = 127;      // the command was not found

struct LaunchRequest {
  const ir::Policy *policy = nullptr; // the effective policy
  eval::Bindings bindings;            // HOME, CWD, TMPDIR and variables, bound
  std::vector<std::string> command;   // argv; command[0] is looked up in PATH inside
  std::string logPath;                // --log: JSON lines ("" = none)
  // --upstream-proxy: allowed traffic goes on through it (parsed, with its
  // credentials and addresses: proxy::configureUpstreamProxy).
  std::optional<proxy::UpstreamProxy> upstreamProxy;
  // Called once the sandbox is planned, just before anything starts (the
  // CLI prints the plan's diagnostics there).
  std::function<void()> beforeStart;
};

// Runs the command confined and returns the status `moat run` exits with:
// the command's own (128+N when a signal N killed it), or one of the above.
// Diagnostics say why moat failed; nothing runs unconfined, ever.
int launch(const LaunchRequest &request, DiagnosticEngine &diags);

} // namespace moat::runtime
