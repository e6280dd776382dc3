// moat: policy compiler and static verifier for process sandboxes.
// This file only parses the command line and dispatches to a subcommand.
#include "Cli.h"
#include "CliReferenceCommand.h"
#include "Subcommands.h"

#include <llvm/Support/CommandLine.h>
#include <llvm/Support/raw_ostream.h>

#include "runtime/SocksConnect.h"

#include <cstring>

int main(int argc, char **argv) {
  using namespace moat::cli;
  // ssh's ProxyCommand inside the sandbox (GIT_SSH_COMMAND).
  if (argc > 1 && std::strcmp(argv[1], "__connect") == 0)
    return moat::runtime::socksConnectMain(argc, argv);
  // The man page and shell completions (built by cmake/MoatCliDocs.cmake).
  if (argc > 1 && std::strcmp(argv[1], "__cli-reference") == 0)
    return cliReferenceMain(argc, argv);
  // `moat run ... -- CMD ARG...`: the command is not moat's to parse.
  if (argc > 1 && std::strcmp(argv[1], "run") == 0)
    for (int i = 2; i < argc; ++i)
      if (std::strcmp(argv[i], "--") == 0) {
        RunCommandArgs.assign(argv + i + 1, argv + argc);
        argc = i;
        break;
      }
  llvm::cl::SetVersionPrinter([](llvm::raw_ostream &os) { os << "moat " MOAT_VERSION "\n"; });
  llvm::cl::HideUnrelatedOptions(optionCategories());
  std::string errors;
  llvm::raw_string_ostream errStream(errors);
  if (!llvm::cl::ParseCommandLineOptions(argc, argv,
                                         "moat: one policy, checked, compiled to every sandbox\n",
                                         &errStream)) {
    errStream.flush();
    llvm::errs() << errors;
    llvm::errs() << "run 'moat --help' for usage\n";
    return kExitInputError;
  }
  if (CheckSub)
    return runCheck();
  if (QuerySub)
    return runQuery();
  if (FmtSub)
    return runFmt();
  if (ExplainSub)
    return runExplain();
  if (VerifySub)
    return runVerify();
  if (DiffSub)
    return runDiff();
  if (BuildSub)
    return runBuild();
  if (ConvertSub)
    return runConvert();
  if (LayersSub)
    return runLayers();
  if (RunSub)
    return runRun();
  if (ReportSub)
    return runReport();
  if (LogSub)
    return runLog();
  llvm::errs() << "moat: error: expected a subcommand: check, verify, diff, query, build, convert, run, log, layers, report, fmt or explain (see 'moat --help')\n";
  return kExitInputError;
}
