// Findings about srt and Claude Code settings files. A runtime reads these
// files leniently: srt (zod) strips unknown keys, Claude Code keeps unknown
// top-level keys and drops unknown nested ones, and skips a permission rule
// it cannot parse. So a typo or a key in the wrong place is not a reason to
// refuse the file: the runtime runs it, minus the setting its author meant.
// moat says so as a finding with a rule id (DiagKind::Finding), which
// .moat.yaml, suppressions and SARIF treat like any other rule, and goes on
// analysing the rest. Exit 2 stays for what cannot be read at all.
#pragma once
#include "compiler/diagnostics/Diagnostics.h"

#include <string>
#include <string_view>

namespace moat::import {

// Whose reader moat imitates when it reads a settings file.
enum class SettingsRuntime { Srt, Claude };
const char *settingsRuntimeName(SettingsRuntime rt); // "srt", "Claude Code"

// Stable ids (lint/Registry.cpp settingsRules() registers them; each has a
// docs/rules/<id>.md page).
inline constexpr const char *kUnknownSetting = "unknown-setting";     // Warning
inline constexpr const char *kMisplacedSetting = "misplaced-setting"; // Error
inline constexpr const char *kInvalidEntry = "invalid-entry";         // Error
inline constexpr const char *kDuplicateSetting = "duplicate-setting"; // Warning

void reportSettingsFinding(DiagnosticEngine &diags, const char *id, Severity sev, SourceLoc loc,
                           std::string message);
// Attaches a located note to the most recent diagnostic.
void noteSettingsFinding(DiagnosticEngine &diags, SourceLoc loc, std::string message);

// What a runtime does with an entry it cannot use, for invalid-entry
// messages: "Claude Code skips this entry" / "srt rejects the whole file
// and runs with its built-in defaults".
std::string skippedEntryConsequence(SettingsRuntime rt);

// Reports invalid-entry (an Error finding) at `loc`: `what` says what is
// wrong, the runtime's consequence is appended.
void reportInvalidEntry(DiagnosticEngine &diags, SettingsRuntime rt, SourceLoc loc,
                        const std::string &key, const std::string &what);

} // namespace moat::import
