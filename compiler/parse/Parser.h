// The .moat front end. This directory is the only code that sees ANTLR types;
// ANTLR exceptions are caught here.
#pragma once
#include "compiler/ast/Ast.h"
#include "compiler/diagnostics/Diagnostics.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moat::parse {

// Parses a .moat buffer. Reports every syntax error it can recover from
// (`syntax-error` with file:line:col and friendly token names) and returns
// nullopt if there was any.
std::optional<ast::File> parseMoat(uint32_t buffer, DiagnosticEngine &diags);

// Canonical formatting of a .moat buffer: idempotent, keeps every comment.
// Returns nullopt (with diagnostics) if the buffer does not parse.
std::optional<std::string> formatMoat(uint32_t buffer, DiagnosticEngine &diags);

// One token as the lexer made it (byte offsets, 1-based line, 0-based column).
struct LexedToken {
  size_t type = 0, start = 0, stop = 0, line = 0, column = 0, channel = 0;
  friend bool operator==(const LexedToken &a, const LexedToken &b) {
    return a.type == b.type && a.start == b.start && a.stop == b.stop && a.line == b.line &&
           a.column == b.column && a.channel == b.channel;
  }
};
// Every token of `text` (no BOM handling, no token cap), lexed with the
// lexer's fast path for whitespace and string literals or with the generated
// lexer alone: test/unit/LexerFastPathTest.cpp checks that both agree.
std::vector<LexedToken> lexForTesting(std::string_view text, bool fastPath);

} // namespace moat::parse
