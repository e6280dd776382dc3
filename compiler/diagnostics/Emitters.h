// Renderers for collected diagnostics. Lint adds SARIF/GitHub emitters later;
// the text and JSON forms here are the front end's.
#pragma once
#include "compiler/diagnostics/Diagnostics.h"

#include <llvm/Support/raw_ostream.h>

namespace moat {

// clang-style: `file:line:col: error: message [id]`, the source line, a caret.
void emitText(const DiagnosticEngine &diags, llvm::raw_ostream &os, bool color);
void emitText(const SourceFiles &files, const Diagnostic &d, llvm::raw_ostream &os, bool color);
// {"diagnostics":[{"id","severity","message","file","line","column","notes":[...]}]}
void emitJson(const DiagnosticEngine &diags, llvm::raw_ostream &os);

// GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=...::msg`.
void emitGithub(const DiagnosticEngine &diags, llvm::raw_ostream &os);

} // namespace moat
