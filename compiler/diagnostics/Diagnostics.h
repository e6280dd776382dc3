// Diagnostics: one registry of kinds (DiagnosticKinds.def), one engine that
// collects them, and emitters that render them (Emitters.h).
#pragma once
#include "compiler/diagnostics/SourceFiles.h"
#include "compiler/diagnostics/SourceLoc.h"

#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

namespace moat {

enum class Severity { Note, Warning, Error };
const char *severityName(Severity s);

enum class DiagKind {
#define DIAG(Enum, Sev, Id, Format) Enum,
#include "compiler/diagnostics/DiagnosticKinds.def"
#undef DIAG
  // Findings of lint rules use this kind; their id is the rule id.
  Finding,
};

struct DiagKindInfo {
  Severity severity;
  const char *id;
  const char *format;
};
const DiagKindInfo &diagKindInfo(DiagKind kind);
// All registered kinds, for the registry coverage test and `moat explain`.
std::vector<DiagKind> allDiagKinds();

struct Diagnostic {
  DiagKind kind = DiagKind::Finding;
  Severity severity = Severity::Error;
  std::string id; // registry id or lint rule id
  SourceLoc loc;
  std::string message;
  std::vector<Diagnostic> notes; // attached notes (severity Note)
};

class DiagnosticEngine {
public:
  explicit DiagnosticEngine(SourceFiles &files) : files_(files) {}

  template <typename... Args>
  Diagnostic &report(DiagKind kind, SourceLoc loc, Args &&...args) {
    const DiagKindInfo &info = diagKindInfo(kind);
    return add(Diagnostic{kind, info.severity, info.id, loc, format(info, std::forward<Args>(args)...), {}});
  }
  // Attach a note to the most recent diagnostic.
  template <typename... Args>
  void note(DiagKind kind, SourceLoc loc, Args &&...args) {
    const DiagKindInfo &info = diagKindInfo(kind);
    if (diags_.empty())
      return;
    diags_.back().notes.push_back(
        Diagnostic{kind, Severity::Note, info.id, loc, format(info, std::forward<Args>(args)...), {}});
  }
  Diagnostic &add(Diagnostic d);

  // Every error, findings included.
  unsigned errorCount() const { return errors_; }
  bool hasErrors() const { return errors_ != 0; }
  // Errors that are not findings: what makes an input unreadable or a
  // policy unusable (exit 2, "cannot build"). A settings finding such as
  // misplaced-setting is an error about what the file means, not about
  // whether it can be read, so a file with only findings is still analysed.
  unsigned inputErrorCount() const { return inputErrors_; }
  bool hasInputErrors() const { return inputErrors_ != 0; }
  const std::vector<Diagnostic> &diagnostics() const { return diags_; }
  // In reading order: by file (in load order), line and column; diagnostics
  // without a location first. Stable, so notes stay with their diagnostic.
  std::vector<Diagnostic> sorted() const;
  // Counts per severity, attached notes included.
  unsigned count(Severity s) const;
  SourceFiles &files() { return files_; }
  const SourceFiles &files() const { return files_; }

private:
  // A registry format string that does not fit its arguments is a defect;
  // it must not turn a diagnostic into a crash.
  template <typename... Args> static std::string format(const DiagKindInfo &info, Args &&...args) {
    try {
      return fmt::format(fmt::runtime(info.format), std::forward<Args>(args)...);
    } catch (const fmt::format_error &) {
      return std::string(info.format) + " (malformed diagnostic)";
    }
  }

  SourceFiles &files_;
  std::vector<Diagnostic> diags_;
  unsigned errors_ = 0;
  unsigned inputErrors_ = 0;
};

} // namespace moat
