// The AST of any input kind spelled as .moat statements, for `moat convert
// --to=moat`. The text is unformatted: the caller runs it through the
// formatter of `moat fmt` (parse::formatMoat), so there is one layout.
#pragma once
#include "compiler/ast/Ast.h"
#include "compiler/diagnostics/SourceFiles.h"

#include <string>

namespace moat::convert {

// Every statement of `file`, each imported rule preceded by a comment saying
// where it came from: the setting, the entry as written when the rule spells
// it differently, and its line (`# from permissions.deny[2]: "Read(.env)",
// line 7`). `files` holds the file's text.
std::string moatStatements(const ast::File &file, const SourceFiles &files);

} // namespace moat::convert
