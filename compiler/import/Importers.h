// Readers of non-.moat inputs into the common AST. Each preserves its source's
// semantics exactly by mapping onto the IR's tiers (see docs/semantics.md,
// "Importing"); unknown keys, wrong types and invalid values are located
// errors. All return nullopt when any error was reported.
#pragma once
#include "compiler/ast/Ast.h"
#include "compiler/diagnostics/Diagnostics.h"

#include <optional>

namespace moat::import {

// sandbox-runtime settings: top-level `network` / `filesystem`.
std::optional<ast::File> importSrt(uint32_t buffer, DiagnosticEngine &diags);
// Claude Code settings.json / managed-settings.json: `sandbox` and/or
// `permissions`. `settingsDir` is the directory of the file (Claude resolves
// `/p` in permission rules against it).
std::optional<ast::File> importClaude(uint32_t buffer, const std::string &settingsDir,
                                      DiagnosticEngine &diags);
// The YAML spelling of the moat model (docs/language.md, "YAML form").
std::optional<ast::File> importYaml(uint32_t buffer, DiagnosticEngine &diags);

} // namespace moat::import
