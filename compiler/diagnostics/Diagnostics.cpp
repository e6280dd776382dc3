#include "compiler/diagnostics/Diagnostics.h"

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
  if (d.severity == Severity::Error)
    ++errors_;
  diags_.push_back(std::move(d));
  return diags_.back();
}

} // namespace moat
