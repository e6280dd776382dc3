// moat diff [--format=text|json] [--fail-on-loosen] [--define NAME=/abs/path]... OLD NEW
#include "Cli.h"
#include "Subcommands.h"

#include "compiler/Frontend.h"
#include "compiler/verify/Diff.h"
#include "compiler/verify/DiffReport.h"
#include "lint/Context.h"

#include <llvm/ADT/StringRef.h>

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
  eval::Bindings bindings;
  std::string error;
  for (auto [name, value] :
       {std::pair{"HOME", lint::kModelHome}, {"CWD", lint::kModelCwd}, {"TMPDIR", lint::kModelTmp}})
    bindings.define(name, value, error);
  if (!applyDefines(Defines, bindings))
    return kExitInputError;

  SourceFiles files;
  DiagnosticEngine diags(files);
  std::optional<ir::Policy> policies[2];
  for (int s = 0; s < 2; ++s) {
    unsigned before = diags.errorCount();
    policies[s] = loadPolicy(Args[s], ir::Layer::SharedProject, diags);
    if (!policies[s] || diags.errorCount() != before)
      return inputError(diags);
  }
  for (llvm::StringRef define : Defines) {
    std::string name = define.split('=').first.str();
    if (name != "~" && name != "HOME" && name != "CWD" && name != "TMPDIR" && !policies[0]->variables.count(name) &&
        !policies[1]->variables.count(name)) {
      diags.report(DiagKind::UnusedDefine, SourceLoc{}, name);
      return inputError(diags);
    }
  }
  auto diff = verify::diffPolicies(*policies[0], *policies[1], bindings, error);
  if (!diff) {
    printDiagnostics(diags, llvm::errs());
    llvm::errs() << "moat: error: cannot compare the policies: " << error << "\n";
    return kExitInputError;
  }
  printDiagnostics(diags, llvm::errs()); // warnings only: errors returned above

  verify::DiffReportContext ctx{files, *policies[0], *policies[1], bindings.lookup("HOME").value_or(""),
                                bindings.lookup("CWD").value_or("")};
  if (FormatOpt == Format::Json)
    verify::printDiffJson(ctx, *diff, llvm::outs());
  else
    verify::printDiffText(ctx, *diff, llvm::outs());
  llvm::outs().flush();
  return FailOnLoosen && diff->count(verify::Direction::Looser) > 0 ? kExitFindings : kExitOk;
}

} // namespace moat::cli
