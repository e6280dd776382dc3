// Shared helpers of the moat subcommands (the CLI stays thin: argument
// handling and dispatch; the work happens in the libraries).
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/eval/Bindings.h"

#include <llvm/Support/raw_ostream.h>

#include <string>
#include <vector>

namespace moat::cli {

// Exit codes of the interface contract.
constexpr int kExitOk = 0;
constexpr int kExitFindings = 1;
constexpr int kExitInputError = 2;

bool useColor(llvm::raw_ostream &os);
// Prints collected diagnostics as text to `os`.
void printDiagnostics(const DiagnosticEngine &diags, llvm::raw_ostream &os);
// Applies `--define NAME=VALUE` arguments; reports usage errors to stderr.
bool applyDefines(const std::vector<std::string> &defines, eval::Bindings &bindings);
// "file:line:col" or "" for an invalid location.
std::string locationText(const SourceFiles &files, SourceLoc loc);

int runCheck();
int runQuery();
int runFmt();
int runExplain();

} // namespace moat::cli
