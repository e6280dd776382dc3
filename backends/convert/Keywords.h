// The keywords of the AST's enums, for the two writers of `moat convert`:
// .moat and its YAML form spell every one the same way (`deny`, `read`,
// `connect`, `ask`, `unix-socket`).
#pragma once
#include "compiler/ast/Ast.h"

namespace moat::convert {

const char *keyword(ast::Effect e);
const char *keyword(ast::Access a);
const char *keyword(ast::Subject s);
const char *keyword(ast::DefaultValue v);
const char *keyword(ast::ForbidSubject s);

} // namespace moat::convert
