// The front-end driver: any supported policy file -> AST -> Policy IR.
// The input kind is detected from content (docs/language.md, "Input kinds").
#pragma once
#include "compiler/ast/Ast.h"
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/ir/Policy.h"

#include <optional>
#include <string>

namespace moat {

// Loads a file and parses it with the reader for its kind.
std::optional<ast::File> readPolicyFile(const std::string &path, SourceLoc includedFrom,
                                        DiagnosticEngine &diags);
// Parses an already registered buffer (fuzzers, tests).
std::optional<ast::File> readPolicyBuffer(uint32_t buffer, DiagnosticEngine &diags);

// Analyses a file already read (following its includes), for callers that
// need its AST too (moat convert).
std::optional<ir::Policy> analyseFile(const ast::File &file, ir::Layer layer, DiagnosticEngine &diags);
// Reads and analyses a policy, following includes.
std::optional<ir::Policy> loadPolicy(const std::string &path, ir::Layer layer, DiagnosticEngine &diags);
// The same for text already registered as a buffer (the launcher's
// command-line layer); includes are read relative to the working directory.
std::optional<ir::Policy> loadPolicyBuffer(uint32_t buffer, ir::Layer layer, DiagnosticEngine &diags);

} // namespace moat
