#include "compiler/parse/Parser.h"
// Placeholder until the grammar lands (being written now).
namespace moat::parse {
std::optional<ast::File> parseMoat(uint32_t, DiagnosticEngine &) { return std::nullopt; }
std::optional<std::string> formatMoat(uint32_t, DiagnosticEngine &) { return std::nullopt; }
} // namespace moat::parse
