// What a finding is about, independent of where it sits: the rule id, the
// message (it names the path or host) and the code of the line it points at
// (comment removed, whitespace runs collapsed). Moving the line or editing
// other lines or comments keeps it; editing the offending rule changes it.
// One implementation for SARIF's partialFingerprints and for baselines.
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "lint/SourceComments.h"

#include <string>

namespace moat::lint {

// The code of the finding's line: comment removed, blanks trimmed and runs
// of spaces and tabs collapsed to one space. "" for a finding without a
// location.
std::string findingCode(CommentIndex &comments, const Diagnostic &d);

// A 32-hex-digit hash of rule id, message and findingCode.
std::string findingFingerprint(CommentIndex &comments, const Diagnostic &d);

} // namespace moat::lint
