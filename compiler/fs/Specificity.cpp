#include "compiler/fs/Specificity.h"

#include "compiler/fs/Glob.h"

namespace moat::fs {

namespace {

// Literal bytes of one glob-syntax component; false in `isLiteral` when it
// has any metacharacter. Invalid components (never produced by the parser)
// count as non-literal with no literal bytes, the least specific reading.
unsigned globLiteralBytes(const std::string &component, bool &isLiteral) {
  isLiteral = false;
  if (component == "**")
    return 0;
  std::string error;
  auto tokens = parseGlobComponent(component, error);
  if (!tokens)
    return 0;
  unsigned bytes = 0;
  isLiteral = true;
  for (const GlobToken &t : *tokens) {
    if (t.kind == GlobToken::Kind::Literal)
      ++bytes;
    else
      isLiteral = false;
  }
  return bytes;
}

const char *formName(unsigned rank) {
  return rank == 2 ? "exact" : rank == 1 ? "glob" : "subtree";
}

} // namespace

Specificity specificityOf(const PathPattern &pattern) {
  Specificity s;
  s.components = static_cast<unsigned>(pattern.components.size());
  s.formRank = pattern.form == PatternForm::Exact ? 2 : pattern.form == PatternForm::Glob ? 1 : 0;
  if (pattern.form != PatternForm::Glob) {
    s.leadingLiterals = s.components;
    for (const std::string &c : pattern.components)
      s.literalBytes += static_cast<unsigned>(c.size());
    return s;
  }
  bool prefix = true;
  for (const std::string &c : pattern.components) {
    bool literal = false;
    s.literalBytes += globLiteralBytes(c, literal);
    if (c == "**")
      ++s.doubleStars;
    prefix = prefix && literal;
    if (prefix)
      ++s.leadingLiterals;
  }
  return s;
}

int compareSpecificity(const Specificity &a, const Specificity &b) {
  auto cmp = [](unsigned x, unsigned y) { return x < y ? -1 : x > y ? 1 : 0; };
  if (int c = cmp(a.leadingLiterals, b.leadingLiterals))
    return c;
  if (int c = cmp(a.formRank, b.formRank))
    return c;
  if (int c = cmp(a.components, b.components))
    return c;
  if (int c = cmp(a.literalBytes, b.literalBytes))
    return c;
  return cmp(b.doubleStars, a.doubleStars); // fewer `**` is more specific
}

std::string Specificity::text() const {
  return "literal-prefix=" + std::to_string(leadingLiterals) + " form=" + formName(formRank) +
         " components=" + std::to_string(components) +
         " literal-bytes=" + std::to_string(literalBytes) +
         " double-stars=" + std::to_string(doubleStars);
}

} // namespace moat::fs
