// Self and descendant sets of a pattern (MatchClass.h explains why the
// verifier needs them as patterns of their own).
#include "compiler/fs/MatchClass.h"

#include "compiler/fs/Glob.h"

#include <algorithm>

namespace moat::fs {

PathPattern selfStem(const PathPattern &pattern) {
  PathPattern stem = pattern;
  if (pattern.form != PatternForm::Glob) {
    stem.form = PatternForm::Exact;
    return stem;
  }
  while (!stem.components.empty() && stem.components.back() == "**")
    stem.components.pop_back();
  bool literal = std::none_of(stem.components.begin(), stem.components.end(), [](const std::string &c) {
    return c == "**" || hasGlobChars(c);
  });
  if (literal) {
    for (std::string &c : stem.components)
      c = unescapeGlobLiteral(c);
    stem.form = PatternForm::Exact;
  }
  return stem;
}

std::optional<PathPattern> descendantsOf(const PathPattern &pattern) {
  if (pattern.form == PatternForm::Exact)
    return std::nullopt;
  PathPattern stem = selfStem(pattern);
  if (stem.form == PatternForm::Exact)
    for (std::string &c : stem.components)
      c = escapeGlobLiteral(c);
  stem.form = PatternForm::Glob;
  stem.components.push_back("*");
  return stem;
}

} // namespace moat::fs
