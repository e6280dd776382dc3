// moat check [--format=text|json] [--fail-on=note|warning|error] POLICY...
#include "Cli.h"
#include "Subcommands.h"

#include "compiler/Frontend.h"
#include "compiler/diagnostics/Emitters.h"
#include "lint/Lint.h"
#include "lint/Sarif.h"

namespace moat::cli {

llvm::cl::OptionCategory MoatCategory("moat options");
llvm::cl::SubCommand CheckSub("check", "Check policies: parse, validate, report findings");

namespace {
enum class Format { Text, Json, Sarif, Github };
llvm::cl::opt<Format> FormatOpt("format", llvm::cl::desc("Output format"), llvm::cl::sub(CheckSub),
                                llvm::cl::init(Format::Text), llvm::cl::cat(MoatCategory),
                                llvm::cl::values(clEnumValN(Format::Text, "text", "clang-style text"),
                                                 clEnumValN(Format::Json, "json", "JSON"),
                                                 clEnumValN(Format::Sarif, "sarif", "SARIF 2.1.0"),
                                                 clEnumValN(Format::Github, "github", "GitHub workflow commands")));
llvm::cl::opt<Severity> FailOn("fail-on", llvm::cl::desc("Lowest severity that makes the exit status 1"),
                               llvm::cl::sub(CheckSub), llvm::cl::init(Severity::Warning),
                               llvm::cl::cat(MoatCategory),
                               llvm::cl::values(clEnumValN(Severity::Note, "note", ""),
                                                clEnumValN(Severity::Warning, "warning", ""),
                                                clEnumValN(Severity::Error, "error", "")));
llvm::cl::opt<bool> NoLint("no-lint", llvm::cl::desc("Only parse and validate; do not run the risk rules"),
                           llvm::cl::sub(CheckSub), llvm::cl::cat(MoatCategory));
llvm::cl::list<std::string> Policies(llvm::cl::Positional, llvm::cl::desc("POLICY..."), llvm::cl::OneOrMore,
                                     llvm::cl::sub(CheckSub), llvm::cl::cat(MoatCategory));
} // namespace

int runCheck() {
  SourceFiles files;
  DiagnosticEngine diags(files);
  bool inputError = false;
  std::vector<ir::Policy> loaded;
  for (const std::string &path : Policies) {
    unsigned before = diags.errorCount();
    auto policy = loadPolicy(path, ir::Layer::SharedProject, diags);
    if (!policy || diags.errorCount() != before)
      inputError = true;
    else
      loaded.push_back(std::move(*policy));
  }
  // Risk rules run on the policies that loaded cleanly.
  if (!NoLint)
    for (const ir::Policy &policy : loaded)
      lint::runLint(policy, diags);
  bool failing = false;
  for (const Diagnostic &d : diags.diagnostics())
    failing |= d.severity >= FailOn;
  unsigned errors = diags.count(Severity::Error), warnings = diags.count(Severity::Warning),
           notes = diags.count(Severity::Note);
  llvm::raw_ostream &os = llvm::outs();
  if (FormatOpt == Format::Json) {
    emitJson(diags, os);
  } else if (FormatOpt == Format::Sarif) {
    lint::emitSarif(diags, os);
  } else if (FormatOpt == Format::Github) {
    emitGithub(diags, os);
  } else {
    printDiagnostics(diags, os);
    os << "moat: checked " << Policies.size() << (Policies.size() == 1 ? " policy: " : " policies: ")
       << errors << (errors == 1 ? " error, " : " errors, ") << warnings
       << (warnings == 1 ? " warning, " : " warnings, ") << notes << (notes == 1 ? " note\n" : " notes\n");
  }
  os.flush();
  if (inputError)
    return kExitInputError;
  return failing ? kExitFindings : kExitOk;
}

} // namespace moat::cli
