// moat fmt [-i | --check] FILE...
#include "Cli.h"
#include "Subcommands.h"

#include "compiler/parse/Parser.h"
#include "compiler/support/AtomicFile.h"

namespace moat::cli {

llvm::cl::SubCommand FmtSub("fmt", "Format .moat files canonically");

namespace {
llvm::cl::opt<bool> InPlace("i", llvm::cl::desc("Rewrite files in place (atomically)"), llvm::cl::sub(FmtSub),
                            llvm::cl::cat(MoatCategory));
llvm::cl::opt<bool> CheckOnly("check", llvm::cl::desc("Exit 1 if any file is not formatted; change nothing"),
                              llvm::cl::sub(FmtSub), llvm::cl::cat(MoatCategory));
llvm::cl::list<std::string> Files(llvm::cl::Positional, llvm::cl::desc("FILE..."), llvm::cl::OneOrMore,
                                  llvm::cl::sub(FmtSub), llvm::cl::cat(MoatCategory));
} // namespace

int runFmt() {
  if (InPlace && CheckOnly) {
    llvm::errs() << "moat: error: -i and --check cannot be combined\n";
    return kExitInputError;
  }
  SourceFiles files;
  DiagnosticEngine diags(files);
  bool unformatted = false;
  for (const std::string &path : Files) {
    std::string error;
    auto buffer = files.load(path, error);
    if (!buffer) {
      diags.report(DiagKind::FileUnreadable, SourceLoc{}, path, error);
      continue;
    }
    auto formatted = parse::formatMoat(*buffer, diags);
    if (!formatted)
      continue;
    bool same = *formatted == files.text(*buffer);
    if (CheckOnly) {
      if (!same) {
        unformatted = true;
        llvm::outs() << path << ": not formatted\n";
      }
    } else if (InPlace) {
      if (!same)
        if (auto err = writeFileAtomically(path, *formatted))
          diags.report(DiagKind::OutputFailed, SourceLoc{}, path, *err);
    } else {
      llvm::outs() << *formatted;
    }
  }
  llvm::outs().flush();
  printDiagnostics(diags, llvm::errs());
  if (diags.hasErrors())
    return kExitInputError;
  return unformatted ? kExitFindings : kExitOk;
}

} // namespace moat::cli
