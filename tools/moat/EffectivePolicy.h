// The effective policy of the layers a command names (docs/managed.md):
// the managed layer (--managed, else the machine's), the command-line layer
// (moat run's flags), the project policy and the user layer (--user). One
// loader for `moat build` and `moat run`, so the two can never disagree
// about what a set of files means.
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/eval/Bindings.h"
#include "compiler/ir/Policy.h"

#include <optional>
#include <string>

namespace moat::cli {

struct LayerFiles {
  std::string managed;     // --managed ("" = the machine's)
  std::string project;     // POLICY ("" = none)
  std::string user;        // --user ("" = none)
  std::string commandLine; // the command-line layer's text ("" = none)
  bool strict = false;     // --strict: a managed violation is an error, not a drop
};

// Refused: an input error, or a managed violation that is an error. A
// settings finding (misplaced-setting, invalid-entry...) is not a reason to
// refuse: the runtime runs such a file too, and the importer never made the
// policy looser than the runtime's reading of it.
bool refused(const DiagnosticEngine &diags);

// nullopt when the layers cannot be loaded or combined, or `refused` holds
// (diagnostics say why). With no layer at all, nullopt and nothing reported:
// the caller says what it needed.
std::optional<ir::Policy> loadEffectivePolicy(const LayerFiles &files, const eval::Bindings &bindings,
                                              DiagnosticEngine &diags);

} // namespace moat::cli
