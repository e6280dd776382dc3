// The AST of any input kind in the YAML form of the language
// (docs/language-yaml.md), for `moat convert --to=yaml`.
#pragma once
#include "compiler/ast/Ast.h"

#include <string>

namespace moat::convert {

// The YAML document for `file`. The YAML form groups statements by kind
// (filesystem, network, ...), so their order changes; nothing in a policy's
// meaning depends on order. Comments are not kept.
std::string yamlDocument(const ast::File &file);

} // namespace moat::convert
