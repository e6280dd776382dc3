// SARIF 2.1.0 output for code-review tools: the lint rules as
// tool.driver.rules, every diagnostic as a result located in the original
// file, with a partial fingerprint that survives unrelated line moves
// (lint/FindingContent.h). Findings hidden by a suppression, the config or a
// baseline are listed too, each with its SARIF `suppressions` entry (kind
// inSource for a comment, external otherwise, and the justification).
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "lint/Triage.h"

#include <llvm/Support/raw_ostream.h>

namespace moat::lint {

void emitSarif(const DiagnosticEngine &diags, llvm::raw_ostream &os,
               const std::vector<SuppressedFinding> &suppressed = {});

} // namespace moat::lint
