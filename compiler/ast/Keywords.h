// The keywords of the AST's enums, as the language spells them (`deny`,
// `read`, `connect`, `ask`, `unix-socket`): one table for everything that
// writes policy text (moat convert's .moat and YAML writers, the fuzzers'
// AST printer).
#pragma once
#include "compiler/ast/Ast.h"

namespace moat::ast {

const char *keyword(Effect e);
const char *keyword(Access a);
const char *keyword(Subject s);
const char *keyword(DefaultValue v);
const char *keyword(ForbidSubject s);
const char *keyword(GitPermission p); // "delete", "force-push"
const char *keyword(GitTokenSource s); // "env", "file"

} // namespace moat::ast
