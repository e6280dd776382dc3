// moat build --target=T [-o OUT [--depfile=FILE]] [--define K=V]... [--format=F]
//            [--managed=FILE] [--user=FILE] [--strict] POLICY
// With a managed policy (--managed, else the machine's: docs/managed.md) the
// effective policy of the layers is built: lower statements that break it
// are dropped with a warning, or with --strict refused (exit 2, no output).
// --depfile lists every file the build read for a build system: the files
// the front end recorded in the effective policy as it read them (the
// policy, its includes, every layer; ir::Policy::sourceFiles), so the list
// cannot drift from what was read. Both files are written only when the
// build succeeds.
#include "Cli.h"
#include "EffectivePolicy.h"
#include "Subcommands.h"

#include "backends/Backend.h"
#include "backends/claude/ManagedForm.h"
#include "compiler/Frontend.h"
#include "compiler/import/SettingsBuildLimits.h"
#include "compiler/layers/Layers.h"
#include "compiler/support/AtomicFile.h"
#include "compiler/support/Depfile.h"

#include <llvm/Support/FileSystem.h>

namespace moat::cli {

llvm::cl::SubCommand BuildSub("build", "Compile a policy into a sandbox's own format");

namespace {
llvm::cl::opt<std::string> TargetOpt("target", llvm::cl::desc("What to build: bwrap, ..."), llvm::cl::sub(BuildSub),
                                     llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> Output("o", llvm::cl::desc("Write the output to FILE (atomically) instead of stdout"),
                                  llvm::cl::value_desc("FILE"), llvm::cl::sub(BuildSub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> DepfileOpt("depfile",
                                      llvm::cl::desc("Also write a Makefile-syntax depfile (OUT: every file read); "
                                                     "needs -o"),
                                      llvm::cl::value_desc("FILE"), llvm::cl::sub(BuildSub),
                                      llvm::cl::cat(MoatCategory));
llvm::cl::list<std::string> Defines("define", llvm::cl::desc("Bind a root or variable: NAME=/abs/path"),
                                    llvm::cl::sub(BuildSub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> FormatOpt("format", llvm::cl::desc("The target's output form (see docs/backends.md)"),
                                     llvm::cl::sub(BuildSub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> Managed("managed", llvm::cl::desc("A managed policy that layers over POLICY"),
                                   llvm::cl::value_desc("FILE"), llvm::cl::sub(BuildSub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> UserOpt("user", llvm::cl::desc("The user layer under POLICY (docs/managed.md)"),
                                   llvm::cl::value_desc("FILE"), llvm::cl::sub(BuildSub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<bool> Strict("strict",
                           llvm::cl::desc("Refuse (exit 2, no output) when a layer breaks the managed policy, "
                                          "instead of dropping what breaks it"),
                           llvm::cl::sub(BuildSub), llvm::cl::cat(MoatCategory));
llvm::cl::list<std::string> Args(llvm::cl::Positional, llvm::cl::desc("POLICY"), llvm::cl::sub(BuildSub),
                                 llvm::cl::cat(MoatCategory));

std::string targetNames() {
  std::string out;
  for (const backends::Target &t : backends::targets())
    out += std::string(out.empty() ? "" : ", ") + t.name;
  return out;
}

int finish(DiagnosticEngine &diags) {
  printDiagnostics(diags, llvm::errs());
  return refused(diags) ? kExitInputError : kExitOk;
}

int outputFailed(const std::string &path, const std::string &why) {
  SourceFiles none;
  DiagnosticEngine out(none);
  out.report(DiagKind::OutputFailed, SourceLoc{}, path, why);
  return finish(out);
}

// -o OUT, then the depfile naming it. The depfile's text is made first, so a
// path it cannot express stops the build before anything is written; when
// the depfile cannot be written the output just written is removed, so a
// build system never sees a new output without its dependencies.
int writeOutputs(const std::string &output, const std::string &depfile, const std::vector<std::string> &read,
                 const std::string &contents) {
  std::optional<std::string> depText;
  if (!depfile.empty()) {
    std::string why;
    if (!(depText = depfileText(output, read, why)))
      return outputFailed(depfile, why);
  }
  if (auto err = writeFileAtomically(output, contents))
    return outputFailed(output, *err);
  if (depText) {
    if (auto err = writeFileAtomically(depfile, *depText)) {
      llvm::sys::fs::remove(output);
      return outputFailed(depfile, *err);
    }
  }
  return kExitOk;
}

} // namespace

int runBuild() {
  if (TargetOpt.empty() || Args.size() > 1 || (Args.empty() && Managed.empty())) {
    llvm::errs() << "moat: error: usage: moat build --target=TARGET [-o OUT [--depfile=FILE]] "
                    "[--define NAME=PATH]... [--format=FORMAT] POLICY (targets: "
                 << targetNames() << ")\n";
    return kExitInputError;
  }
  if (DepfileOpt.getNumOccurrences() && (DepfileOpt.empty() || Output.empty() || DepfileOpt == Output)) {
    llvm::errs() << "moat: error: usage: --depfile=FILE needs -o OUT, another file (the depfile names the "
                    "output it describes)\n";
    return kExitInputError;
  }
  const backends::Target *target = backends::findTarget(TargetOpt);
  if (!target) {
    llvm::errs() << "moat: error: unknown target '" << TargetOpt << "'; the targets are: " << targetNames() << "\n";
    return kExitInputError;
  }
  backends::BuildOptions options;
  options.bindings = eval::Bindings::fromEnvironment();
  if (!applyDefines(Defines, options.bindings))
    return kExitInputError;
  SourceFiles files;
  DiagnosticEngine diags(files);
  LayerFiles layerFiles;
  layerFiles.managed = Managed;
  layerFiles.project = Args.empty() ? "" : Args[0];
  layerFiles.user = UserOpt;
  layerFiles.strict = Strict;
  std::optional<ir::Policy> policy = loadEffectivePolicy(layerFiles, options.bindings, diags);
  if (!policy)
    return finish(diags);
  for (llvm::StringRef define : Defines) {
    std::string name = define.split('=').first.str();
    if (name == "~")
      name = "HOME";
    if (name != "HOME" && name != "CWD" && name != "TMPDIR" && !policy->variables.count(name)) {
      diags.report(DiagKind::UnusedDefine, SourceLoc{}, name);
      return finish(diags);
    }
    options.definedNames.push_back(name);
  }
  // Settings keys check reads but no backend can reproduce (SettingsBuildLimits.h).
  if (!import::refuseUnbuildableSettings(*policy, diags))
    return finish(diags);
  options.format = FormatOpt;
  // --target=claude --managed=FILE: the effective policy as Claude Code's
  // managed-settings.json, lock flags included.
  options.managed = !Managed.empty();
  if (options.managed && llvm::StringRef(target->name) == "claude" &&
      !backends::claude::prepareManagedForm(*policy, diags))
    return finish(diags);
  backends::BuildResult result;
  backends::buildTarget(*target, *policy, options, diags, result);
  int status = finish(diags);
  for (const std::string &line : result.advice)
    llvm::errs() << "moat: " << line << "\n";
  if (status != kExitOk)
    return status; // nothing is written when any error was reported
  if (Output.empty()) {
    llvm::outs() << result.output;
    llvm::outs().flush();
    return kExitOk;
  }
  return writeOutputs(Output, DepfileOpt, policy->sourceFiles, result.output);
}

} // namespace moat::cli
