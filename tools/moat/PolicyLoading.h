// The preamble of the subcommands that decide over lint's canonical model
// (`moat verify`, `moat diff`): bindings from the model moved by --define,
// policies that must load without an error, and the check that every
// --define names something.
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/eval/Bindings.h"
#include "compiler/ir/Policy.h"

#include <llvm/ADT/ArrayRef.h>

#include <optional>
#include <string>
#include <vector>

namespace moat::cli {

// HOME=/home/user, CWD=/home/user/project, TMPDIR=/tmp (lint's model), then
// `defines` (NAME=VALUE) on top. Nullopt after a usage error, which
// applyDefines has printed.
std::optional<eval::Bindings> modelBindings(const std::vector<std::string> &defines);

// The policy at `path` as a project policy; nullopt when loading it reported
// an error (a policy that loads with errors is not one to decide over).
std::optional<ir::Policy> loadCleanPolicy(const std::string &path, DiagnosticEngine &diags);

// Judges `policy` (loaded with moat's semantics) by `runtime` on
// `platform` (nullopt: for moat both platforms, for srt and Claude Code the
// one the file is written for, sema::writtenForPlatform). Returns the
// policy as it was, judged by moat on the same platform (lint's "moat run
// closes this" twin), when the runtime is not moat.
std::optional<ir::Policy> judgeByRuntime(ir::Policy &policy, ir::Runtime runtime,
                                         std::optional<ir::Platform> platform, const eval::Bindings &bindings);

// Reports unknown-define for the first --define that names neither a root
// nor a `let` variable of any of `policies` (almost always a typo); false
// then.
bool definesAreUsed(const std::vector<std::string> &defines,
                    llvm::ArrayRef<const ir::Policy *> policies, DiagnosticEngine &diags);

} // namespace moat::cli
