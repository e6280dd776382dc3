// The .moat front end. This directory is the only code that sees ANTLR types;
// ANTLR exceptions are caught here.
#pragma once
#include "compiler/ast/Ast.h"
#include "compiler/diagnostics/Diagnostics.h"

#include <optional>
#include <string>

namespace moat::parse {

// Parses a .moat buffer. Reports every syntax error it can recover from
// (`syntax-error` with file:line:col and friendly token names) and returns
// nullopt if there was any.
std::optional<ast::File> parseMoat(uint32_t buffer, DiagnosticEngine &diags);

// Canonical formatting of a .moat buffer: idempotent, keeps every comment.
// Returns nullopt (with diagnostics) if the buffer does not parse.
std::optional<std::string> formatMoat(uint32_t buffer, DiagnosticEngine &diags);

} // namespace moat::parse
