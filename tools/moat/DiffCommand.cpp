// moat diff [--format=text|json] [--fail-on-loosen] [--define NAME=/abs/path]... OLD NEW
#include "Cli.h"
#include "PolicyLoading.h"
#include "Subcommands.h"

#include "compiler/verify/Diff.h"
#include "compiler/verify/DiffReport.h"

namespace moat::cli {

llvm::cl::SubCommand DiffSub("diff", "Show which accesses became looser or tighter between two policies");

namespace {
enum class Format { Text, Json };
llvm::cl::opt<Format> FormatOpt("format", llvm::cl::desc("Output format"), llvm::cl::sub(DiffSub),
                                llvm::cl::init(Format::Text), llvm::cl::cat(MoatCategory),
                                llvm::cl::values(clEnumValN(Format::Text, "text", "one line per region"),
                                                 clEnumValN(Format::Json, "json", "JSON")));
llvm::cl::opt<bool> FailOnLoosen("fail-on-loosen", llvm::cl::desc("Exit 1 when anything became looser"),
                                 llvm::cl::sub(DiffSub), llvm::cl::cat(MoatCategory));
llvm::cl::list<std::string> Defines("define", llvm::cl::desc("Bind a root or variable: NAME=/abs/path"),
                                    llvm::cl::sub(DiffSub), llvm::cl::cat(MoatCategory));
llvm::cl::list<std::string> Args(llvm::cl::Positional, llvm::cl::desc("OLD NEW"), llvm::cl::sub(DiffSub),
                                 llvm::cl::cat(MoatCategory));

int inputError(const DiagnosticEngine &diags) {
  printDiagnostics(diags, llvm::errs());
  return kExitInputError;
}
} // namespace

int runDiff() {
  if (Args.size() != 2) {
    llvm::errs() << "moat: error: usage: moat diff [--format=text|json] [--fail-on-loosen] "
                    "[--define NAME=/abs/path]... OLD NEW\n";
    return kExitInputError;
  }
  // Both policies are compared in lint's canonical model unless --define
  // moves a root.
  auto bindings = modelBindings(Defines);
  if (!bindings)
    return kExitInputError;

  SourceFiles files;
  DiagnosticEngine diags(files);
  std::optional<ir::Policy> policies[2];
  for (int s = 0; s < 2; ++s) {
    policies[s] = loadCleanPolicy(Args[s], diags);
    if (!policies[s])
      return inputError(diags);
  }
  if (!definesAreUsed(Defines, {&*policies[0], &*policies[1]}, diags))
    return inputError(diags);
  std::string error;
  auto diff = verify::diffPolicies(*policies[0], *policies[1], *bindings, error);
  if (!diff) {
    printDiagnostics(diags, llvm::errs());
    llvm::errs() << "moat: error: cannot compare the policies: " << error << "\n";
    return kExitInputError;
  }
  printDiagnostics(diags, llvm::errs()); // warnings only: errors returned above

  verify::DiffReportContext ctx{files, *policies[0], *policies[1], bindings->lookup("HOME").value_or(""),
                                bindings->lookup("CWD").value_or("")};
  if (FormatOpt == Format::Json)
    verify::printDiffJson(ctx, *diff, llvm::outs());
  else
    verify::printDiffText(ctx, *diff, llvm::outs());
  llvm::outs().flush();
  return FailOnLoosen && diff->count(verify::Direction::Looser) > 0 ? kExitFindings : kExitOk;
}

} // namespace moat::cli
