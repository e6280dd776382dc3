// moat convert FILE --to=moat|yaml|srt|claude [-o OUT] [--define K=V]...
// Argument handling only: the conversion is backends/convert. Like `moat
// build`, warnings say what a target tightened; any error means exit 2 and
// no output (an existing OUT is left as it was).
#include "Cli.h"
#include "Subcommands.h"

#include "backends/convert/Convert.h"
#include "compiler/support/AtomicFile.h"

namespace moat::cli {

llvm::cl::SubCommand ConvertSub("convert", "Convert a policy between .moat, YAML, srt and Claude Code settings");

namespace {
llvm::cl::opt<std::string> To("to", llvm::cl::desc("The output format: moat, yaml, srt or claude"),
                              llvm::cl::sub(ConvertSub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> Output("o", llvm::cl::desc("Write the output to FILE (atomically) instead of stdout"),
                                  llvm::cl::value_desc("FILE"), llvm::cl::sub(ConvertSub),
                                  llvm::cl::cat(MoatCategory));
llvm::cl::list<std::string> Defines("define", llvm::cl::desc("Bind a root or variable: NAME=/abs/path"),
                                    llvm::cl::sub(ConvertSub), llvm::cl::cat(MoatCategory));
llvm::cl::list<std::string> Args(llvm::cl::Positional, llvm::cl::desc("FILE"), llvm::cl::sub(ConvertSub),
                                 llvm::cl::cat(MoatCategory));
} // namespace

int runConvert() {
  if (Args.size() != 1 || To.empty()) {
    llvm::errs() << "moat: error: usage: moat convert FILE --to=" << "moat|yaml|srt|claude [-o OUT] "
                 << "[--define NAME=PATH]...\n";
    return kExitInputError;
  }
  std::optional<convert::Format> to = convert::parseFormat(To);
  if (!to) {
    llvm::errs() << "moat: error: unknown format '" << To << "'; the formats are: " << convert::formatNames()
                 << "\n";
    return kExitInputError;
  }
  backends::BuildOptions options;
  options.bindings = eval::Bindings::fromEnvironment();
  if (!applyDefines(Defines, options.bindings))
    return kExitInputError;
  for (llvm::StringRef define : Defines) {
    llvm::StringRef name = define.split('=').first;
    options.definedNames.push_back(name == "~" ? "HOME" : name.str());
  }
  SourceFiles files;
  DiagnosticEngine diags(files);
  std::optional<std::string> text = convert::convertFile(Args[0], *to, options, diags);
  if (text && !Output.empty())
    if (auto err = writeFileAtomically(Output, *text))
      diags.report(DiagKind::OutputFailed, SourceLoc{}, Output, *err);
  printDiagnostics(diags, llvm::errs());
  if (!text || diags.hasInputErrors())
    return kExitInputError;
  if (Output.empty()) {
    llvm::outs() << *text;
    llvm::outs().flush();
  }
  return kExitOk;
}

} // namespace moat::cli
