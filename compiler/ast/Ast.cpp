#include "compiler/ast/Ast.h"

namespace moat::ast {

const char *sourceKindName(SourceKind k) {
  switch (k) {
  case SourceKind::Moat:
    return "moat";
  case SourceKind::Yaml:
    return "yaml";
  case SourceKind::Srt:
    return "srt";
  case SourceKind::Claude:
    return "claude";
  }
  return "?";
}

} // namespace moat::ast
