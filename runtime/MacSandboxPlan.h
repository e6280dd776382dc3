// What `moat run` on macOS starts, decided before anything starts: the
// Seatbelt profile (the sbpl target, with the roots spliced in and outbound
// connections only to the launcher's proxy on 127.0.0.1), the sandbox-exec
// command line, and the command's environment pointing its tools at that
// proxy with the session's credential.
//
// Why it is not under platform/macos: everything here is plain computation
// over the IR, the bindings and strings (plus realpath(3), which is POSIX),
// so it is compiled on every platform and unit-tested on Linux
// (test/unit/RuntimeMacPlanTest.cpp), while no macOS machine has ever built
// or run this project. platform/macos/MacLauncher.cpp is what is left: the
// processes, the proxy and the signals.
//
// Why the roots are spliced in rather than passed as `sandbox-exec -D`
// parameters: the profile is compiled in the launcher's own process with
// every root known, and a spliced root compiles every rule exactly (a
// Seatbelt regex cannot contain a parameter, so with parameters some glob
// rules are only approximated, stricter). Every string reaches the profile
// through the backend's quoting (backends/sbpl/SbplText.h).
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/eval/Bindings.h"
#include "compiler/ir/Policy.h"
#include "runtime/proxy/ProxyCredential.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moat::runtime {

inline constexpr const char *kSandboxExec = "/usr/bin/sandbox-exec";

struct MacSandboxRequest {
  const ir::Policy *policy = nullptr;
  // Every root the policy uses, bound, with symlinks resolved
  // (physicalBindings): Seatbelt matches the paths the kernel resolved,
  // /private/var/folders/..., never /var/folders/....
  eval::Bindings bindings;
  std::vector<std::string> command; // argv; command[0] is looked up in PATH inside
  uint16_t proxyPort = 0;           // the proxy's TCP listener on 127.0.0.1
  std::string proxyToken;           // the session credential as text (proxy::credentialToken)
  std::vector<std::string> environment; // the launcher's own, "NAME=VALUE"
};

struct MacSandboxPlan {
  std::string profile;                  // the SBPL text
  std::vector<std::string> argv;        // sandbox-exec -p PROFILE COMMAND...
  std::vector<std::string> environment; // the command's, "NAME=VALUE"
};

// Reports every reason the command cannot be confined as an error (the
// sbpl target's own refusals pass through unchanged) and returns nullopt
// then; the target's warnings (what it tightened) stay warnings. Never a
// weaker profile.
std::optional<MacSandboxPlan> planMacSandbox(const MacSandboxRequest &request, DiagnosticEngine &diags);

// The bindings with symlinks resolved: the longest existing leading part of
// each value through realpath(3), the rest appended as it is (a root that
// does not exist yet cannot hold a link). Nullopt, with `error`, when a
// value cannot be resolved (a loop, no permission).
std::optional<eval::Bindings> physicalBindings(const eval::Bindings &bindings, std::string &error);

} // namespace moat::runtime
