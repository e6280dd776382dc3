#include "Cli.h"

#include "compiler/diagnostics/Emitters.h"

#include <cstdlib>

namespace moat::cli {

bool useColor(llvm::raw_ostream &os) {
  const char *noColor = std::getenv("NO_COLOR");
  return (noColor == nullptr || *noColor == '\0') && os.has_colors();
}

void printDiagnostics(const DiagnosticEngine &diags, llvm::raw_ostream &os) {
  emitText(diags, os, useColor(os));
}

bool applyDefines(const std::vector<std::string> &defines, eval::Bindings &bindings) {
  for (const std::string &d : defines) {
    size_t eq = d.find('=');
    if (eq == std::string::npos || eq == 0) {
      llvm::errs() << "moat: error: --define takes NAME=VALUE, got '" << d << "'\n";
      return false;
    }
    std::string name = d.substr(0, eq);
    if (name == "~")
      name = "HOME";
    std::string error;
    if (!bindings.define(name, d.substr(eq + 1), error)) {
      llvm::errs() << "moat: error: --define " << name << ": " << error << "\n";
      return false;
    }
  }
  return true;
}

std::string locationText(const SourceFiles &files, SourceLoc loc) {
  if (!loc.valid())
    return "";
  return std::string(files.name(loc.buffer)) + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.col);
}

} // namespace moat::cli
