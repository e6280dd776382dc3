// Managed, user and project layers (docs/managed.md): finding and loading
// the managed policy, and merging the layers into the one effective policy
// every checker, backend and the launcher read.
//
// Layers, highest first (Claude Code's order): managed > command line >
// local project > shared project > user. The managed layer constrains the
// others: no lower rule may decide a path against a managed deny, `lock`
// keeps a dimension to its own rules, `forbid` names what no lower rule may
// allow, and `require` is an assert over the effective policy. The merge finds every lower
// statement that breaks one of these (exactly: compiler/verify/Witness.h),
// drops it, and records why in Policy::managedViolations. Below the managed
// layer rules concatenate, and defaults and options take the highest layer
// that sets them.
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/eval/Bindings.h"
#include "compiler/ir/Policy.h"

#include <llvm/ADT/ArrayRef.h>

#include <optional>
#include <string>
#include <vector>

namespace moat::layers {

// The environment variable that replaces the system locations of managed
// input (for tests and for packaging): DIR/managed.moat, DIR/managed.d/,
// DIR/managed-settings.json and DIR/managed-settings.d/ are read instead of
// /etc/moat/... and /etc/claude-code/....
inline constexpr const char *kManagedDirEnv = "MOAT_MANAGED_DIR";

// The managed input files of this machine, in load order: moat's own
// (managed.moat, then managed.d/*.moat|yaml|yml sorted by name), then Claude
// Code's (managed-settings.json, then managed-settings.d/*.json sorted). Empty
// when the machine has none. Fails (nullopt, `error`) when MOAT_MANAGED_DIR
// names something that is not a readable directory, or a directory cannot
// be listed: a configured managed policy is never skipped silently.
std::optional<std::vector<std::string>> findManagedFiles(std::string &error);

// The same search under explicit directories (testable without the
// environment): `moatDir` holds managed.moat and managed.d/, `claudeDir`
// holds managed-settings.json and managed-settings.d/. Missing directories
// contribute nothing.
std::optional<std::vector<std::string>> findManagedFilesIn(const std::string &moatDir, const std::string &claudeDir,
                                                           std::string &error);

// Loads every file as the managed layer and combines them into one managed
// policy (rules concatenate; a default or option two files set differently
// is an error). nullopt when any file fails to load.
std::optional<ir::Policy> loadManaged(llvm::ArrayRef<std::string> files, DiagnosticEngine &diags);

// The managed layer in force for a command: `overrideFile` (--managed=FILE)
// when not empty, else the machine's managed files (findManagedFiles).
// `ok` is false (errors reported) when the managed input exists but cannot
// be found or loaded: the caller must stop, never go on without it.
struct ManagedLayer {
  bool ok = true;
  std::optional<ir::Policy> policy; // none: no managed policy here
  std::vector<std::string> files;
};
ManagedLayer loadManagedLayer(const std::string &overrideFile, DiagnosticEngine &diags);

// Loads one lower layer (the layer is stamped on every rule).
std::optional<ir::Policy> loadLayer(const std::string &path, ir::Layer layer, DiagnosticEngine &diags);

// The effective policy of `managed` (may be null) over `lower` (any order:
// each policy's rules carry their layer). Patterns are bound with `bindings`
// to decide overlaps (lint's canonical model for `moat check`, the build's
// bindings for `moat build`). Breaking lower statements are dropped and
// recorded in managedViolations. nullopt (with errors reported) when the
// layers cannot be combined, e.g. a root that cannot be bound or a variable
// two layers define differently.
std::optional<ir::Policy> merge(const ir::Policy *managed, llvm::ArrayRef<const ir::Policy *> lower,
                                const eval::Bindings &bindings, DiagnosticEngine &diags);

// The `managed-violation` finding of a violation (error or warning), with
// the note at the managed statement, for the commands that report
// violations without running lint (`moat build`, `moat check --no-lint`).
inline constexpr const char *kManagedViolationId = "managed-violation";
Diagnostic violationDiagnostic(const ir::ManagedViolation &v, Severity severity, const std::string &suffix = "");

} // namespace moat::layers
