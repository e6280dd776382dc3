// The AST of any input kind spelled as .moat statements, for `moat convert
// --to=moat`. The text is unformatted: the caller runs it through the
// formatter of `moat fmt` (parse::formatMoat), so there is one layout.
#pragma once
#include "compiler/ast/Ast.h"

#include <string>

namespace moat::convert {

// Every statement of `file`, each imported rule preceded by a comment saying
// where it came from (`# from filesystem.denyRead[0], line 7`).
std::string moatStatements(const ast::File &file);

} // namespace moat::convert
