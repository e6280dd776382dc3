// The backend contract: every target compiles the IR (never syntax) into one
// output file for one platform's enforcement mechanism. A backend may be
// stricter than the IR, never looser: whatever it cannot express exactly it
// tightens and reports as `unenforceable-rule` (a warning at the rule's
// location saying what was tightened and why); what it could only express by
// loosening it refuses with an error. Output is deterministic (identical
// input gives byte-identical output); the driver writes it atomically and
// writes nothing when any error was reported.
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/eval/Bindings.h"
#include "compiler/ir/Policy.h"

#include <string>
#include <string_view>
#include <vector>

namespace moat::backends {

struct BuildOptions {
  // Roots bound by --define (and, for targets that need concrete paths, the
  // environment: see each backend's docs in docs/backends.md).
  eval::Bindings bindings;
  // Names given with --define, so a backend can tell an explicit binding
  // from one taken from the environment.
  std::vector<std::string> definedNames;
  std::string format;  // target-specific output form ("" = the target's default)
  bool managed = false; // --managed output form (claude: managed-settings.json)
};

struct BuildResult {
  std::string output;              // the file's bytes
  std::vector<std::string> advice; // lines for stderr (e.g. the sandbox-exec -D line)
};

struct Target {
  const char *name;    // --target value: bwrap, sbpl, seccomp, proxy, srt, claude, squid
  const char *summary; // one line for --help
  // Fills `result`; reports diagnostics (errors mean: no output is written).
  void (*build)(const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
                BuildResult &result);
};

// Every target, in --help order (backends/Targets.cpp: one line each).
const std::vector<Target> &targets();
const Target *findTarget(std::string_view name);

// What `moat build` and `moat convert` call: the target's build, after one
// `unenforceable-rule` warning per `git { }` block. Only `moat run` enforces
// git blocks (its git proxy holds the token and checks each request); a
// built output has no proxy, so the sandbox it describes gets no git access
// through a block at all: tighter, never looser (backends/GitBlocks.cpp).
void buildTarget(const Target &target, const ir::Policy &policy, const BuildOptions &options,
                 DiagnosticEngine &diags, BuildResult &result);

} // namespace moat::backends
