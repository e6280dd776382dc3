// Writing the settings file of the `srt` and `claude` targets. The two
// formats hold the same `network` / `filesystem` lists (Claude Code runs
// sandbox-runtime underneath), and a build of either takes the same steps:
// export the lists, warn about the options the file has no key for, prove
// the round trip, then render the file. Only what surrounds the lists, and
// those warnings, differ; each target passes them in.
#pragma once
#include "backends/srt/SandboxExport.h"

#include <llvm/Support/JSON.h>

#include <functional>
#include <string>
#include <vector>

namespace moat::backends::sandbox {

llvm::json::Array jsonList(const std::vector<std::string> &items);

// Puts an option the policy set into `o` under `key`, with its own JSON type;
// an option the policy left unset writes nothing (the runtime's default).
void putOption(llvm::json::Object &o, const char *key, const ir::Options &options, ir::OptionId id);

// The `network` and `filesystem` objects with the keys both formats spell
// alike. `withProtections`: denyWrite spells out the built-in protections
// (denyWriteList).
llvm::json::Object networkObject(const SettingsLists &lists, const ir::Options &options);
llvm::json::Object filesystemObject(const SettingsLists &lists, const ir::Options &options,
                                    bool withProtections);

// What a target adds to the shared build steps.
struct SettingsTarget {
  Dialect dialect;
  // The target's name in an unknown-format error ("srt", "claude").
  const char *name;
  // Names the generated text in round-trip messages.
  std::string generatedName;
  // Warns (ExportContext::tightened) about options the file cannot hold.
  std::function<void(ExportContext &)> leaveOutForeignOptions;
  // The whole file.
  std::function<std::string(const SettingsLists &, bool withProtections)> render;
};

// Builds the settings file into result.output. False, with nothing written,
// when an error was reported.
bool buildSettings(const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
                   const SettingsTarget &target, BuildResult &result);

} // namespace moat::backends::sandbox
