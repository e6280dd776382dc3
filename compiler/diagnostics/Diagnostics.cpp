#include "compiler/diagnostics/Diagnostics.h"

#include <algorithm>
#include <tuple>

namespace moat {

namespace {
const DiagKindInfo kInfos[] = {
#define DIAG(Enum, Sev, Id, Format) {Severity::Sev, Id, Format},
#include "compiler/diagnostics/DiagnosticKinds.def"
#undef DIAG
    {Severity::Warning, "finding", "{}"},
};
} // namespace

const char *severityName(Severity s) {
  switch (s) {
  case Severity::Note:
    return "note";
  case Severity::Warning:
    return "warning";
  case Severity::Error:
    return "error";
  }
  return "error";
}

const DiagKindInfo &diagKindInfo(DiagKind kind) { return kInfos[static_cast<size_t>(kind)]; }

std::vector<DiagKind> allDiagKinds() {
  std::vector<DiagKind> kinds;
  for (size_t i = 0; i < static_cast<size_t>(DiagKind::Finding); ++i)
    kinds.push_back(static_cast<DiagKind>(i));
  return kinds;
}

Diagnostic &DiagnosticEngine::add(Diagnostic d) {
  if (d.severity == Severity::Error) {
    ++errors_;
    if (d.kind != DiagKind::Finding)
      ++inputErrors_;
  }
  diags_.push_back(std::move(d));
  return diags_.back();
}

std::vector<Diagnostic> DiagnosticEngine::sorted() const {
  std::vector<Diagnostic> out = diags_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic &a, const Diagnostic &b) {
    return std::tie(a.loc.buffer, a.loc.line, a.loc.col) < std::tie(b.loc.buffer, b.loc.line, b.loc.col);
  });
  return out;
}

unsigned DiagnosticEngine::count(Severity s) const {
  unsigned n = 0;
  for (const Diagnostic &d : diags_) {
    n += d.severity == s;
    for (const Diagnostic &note : d.notes)
      n += note.severity == s;
  }
  return n;
}

} // namespace moat
