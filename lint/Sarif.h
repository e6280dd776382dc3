// SARIF 2.1.0 output for code-review tools: the lint rules as
// tool.driver.rules, every diagnostic as a result located in the original
// file, with a partial fingerprint that survives unrelated line moves.
#pragma once
#include "compiler/diagnostics/Diagnostics.h"

#include <llvm/Support/raw_ostream.h>

namespace moat::lint {

void emitSarif(const DiagnosticEngine &diags, llvm::raw_ostream &os);

} // namespace moat::lint
