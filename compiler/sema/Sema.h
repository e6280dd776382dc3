// Sema: AST -> Policy IR. Validates everything (variables, paths, globs,
// hosts, ports, options, duplicates and conflicts, include cycles), binds
// `let` variables symbolically, adds the built-in protections, and stamps
// provenance on every rule.
#pragma once
#include "compiler/ast/Ast.h"
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/ir/Policy.h"

#include <functional>
#include <optional>
#include <string>

namespace moat::sema {

// Reads an included file into an AST (the front end provides it).
using IncludeReader =
    std::function<std::optional<ast::File>(const std::string &path, SourceLoc from)>;

struct SemaOptions {
  ir::Layer layer = ir::Layer::SharedProject;
  bool addBuiltinProtections = true;
};

std::optional<ir::Policy> analyse(const ast::File &file, const IncludeReader &readInclude,
                                  const SemaOptions &options, DiagnosticEngine &diags);

} // namespace moat::sema
