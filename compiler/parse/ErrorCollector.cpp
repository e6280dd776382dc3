#include "compiler/parse/ErrorCollector.h"

#include <algorithm>

namespace moat::parse {

size_t ErrorCollector::flush(DiagnosticEngine &diags, const LineTable &lines) {
  std::stable_sort(errors_.begin(), errors_.end(),
                   [](const Pending &a, const Pending &b) { return a.offset < b.offset; });
  size_t shown = std::min(errors_.size(), kMaxErrors);
  for (size_t i = 0; i < shown; ++i) {
    const Pending &e = errors_[i];
    const DiagKindInfo &info = diagKindInfo(e.kind);
    diags.add(Diagnostic{e.kind, info.severity, info.id, lines.loc(e.offset), e.message, {}});
    if (e.noteOffset)
      diags.note(DiagKind::DefinedHere, lines.loc(*e.noteOffset), e.noteMessage);
  }
  if (errors_.size() > kMaxErrors)
    diags.report(DiagKind::TooManyErrors, lines.loc(errors_[kMaxErrors].offset), kMaxErrors);
  size_t n = errors_.size();
  errors_.clear();
  return n;
}

} // namespace moat::parse
