#include "compiler/import/SettingsFindings.h"

namespace moat::import {

const char *settingsRuntimeName(SettingsRuntime rt) {
  return rt == SettingsRuntime::Srt ? "srt" : "Claude Code";
}

void reportSettingsFinding(DiagnosticEngine &diags, const char *id, Severity sev, SourceLoc loc,
                           std::string message) {
  diags.add(Diagnostic{DiagKind::Finding, sev, id, loc, std::move(message), {}});
}

void noteSettingsFinding(DiagnosticEngine &diags, SourceLoc loc, std::string message) {
  if (diags.diagnostics().empty())
    return;
  // The engine's note() formats a registered kind; a finding's note is text.
  diags.note(DiagKind::DefinedHere, loc, std::move(message));
}

std::string skippedEntryConsequence(SettingsRuntime rt) {
  return rt == SettingsRuntime::Claude
             ? "Claude Code skips this entry and applies the rest of the file"
             : "srt rejects the whole file and runs with its built-in defaults";
}

void reportInvalidEntry(DiagnosticEngine &diags, SettingsRuntime rt, SourceLoc loc,
                        const std::string &key, const std::string &what) {
  reportSettingsFinding(diags, kInvalidEntry, Severity::Error, loc,
                        fmt::format("invalid entry in '{}': {}; {}", key, what,
                                    skippedEntryConsequence(rt)));
}

} // namespace moat::import
