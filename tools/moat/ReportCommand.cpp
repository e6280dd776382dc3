// moat report [-o FILE] [--managed=FILE] [--user=FILE] [--define NAME=VALUE]...
//             [--runtime=srt|claude|moat] [--platform=linux|macos]
//             [--fail-on=note|warning|error] [--fail-on-loosen] POLICY [NEW-POLICY]
// One self-contained HTML page for reviewers: the effective filesystem tree,
// the network rules, the findings with their docs and, given two policies,
// the diff from the first to the second. The page is computed and rendered
// by the report library (report/); this file loads the layers as `moat
// check` does and writes the page atomically.
#include "Cli.h"
#include "PolicyLoading.h"
#include "Subcommands.h"

#include "compiler/layers/Layers.h"
#include "compiler/support/AtomicFile.h"
#include "compiler/verify/Diff.h"
#include "lint/Config.h"
#include "report/DiffSection.h"
#include "report/Findings.h"
#include "report/ReportBuilder.h"
#include "report/ReportHtml.h"

namespace moat::cli {

llvm::cl::SubCommand ReportSub("report",
                               "Write one self-contained HTML page: filesystem tree, network, findings, diff");

namespace {
llvm::cl::opt<std::string> Output("o", llvm::cl::desc("Write the page to FILE, atomically ('-': standard output)"),
                                  llvm::cl::value_desc("FILE"), llvm::cl::init("-"), llvm::cl::sub(ReportSub),
                                  llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> Managed("managed",
                                   llvm::cl::desc("Report POLICY as a project layer under this managed policy "
                                                  "(default: the machine's, docs/managed.md)"),
                                   llvm::cl::value_desc("FILE"), llvm::cl::sub(ReportSub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> UserOpt("user", llvm::cl::desc("The user layer under POLICY (docs/managed.md)"),
                                   llvm::cl::value_desc("FILE"), llvm::cl::sub(ReportSub), llvm::cl::cat(MoatCategory));
llvm::cl::list<std::string> Defines("define", llvm::cl::desc("Bind a root or variable: NAME=/abs/path"),
                                    llvm::cl::value_desc("NAME=VALUE"), llvm::cl::sub(ReportSub),
                                    llvm::cl::cat(MoatCategory));
llvm::cl::opt<ir::Runtime> RuntimeOpt(
    "runtime", llvm::cl::desc("Judge the policy by this runtime's semantics (default: the file's own kind)"),
    llvm::cl::sub(ReportSub), llvm::cl::init(ir::Runtime::Moat), llvm::cl::cat(MoatCategory),
    llvm::cl::values(clEnumValN(ir::Runtime::Srt, "srt", "sandbox-runtime: its mandatory denies and Linux mounts"),
                     clEnumValN(ir::Runtime::Claude, "claude", "Claude Code's sandbox (srt plus its settings files)"),
                     clEnumValN(ir::Runtime::Moat, "moat", "moat: the rules plus moat's built-in protections")));
llvm::cl::opt<ir::Platform> PlatformOpt(
    "platform",
    llvm::cl::desc("Decide on this platform (default: the file's for srt and Claude Code, else Linux; findings as "
                   "moat check)"),
    llvm::cl::sub(ReportSub), llvm::cl::init(ir::Platform::Linux), llvm::cl::cat(MoatCategory),
    llvm::cl::values(clEnumValN(ir::Platform::Linux, "linux", ""), clEnumValN(ir::Platform::MacOS, "macos", "")));
llvm::cl::opt<Severity> FailOn("fail-on", llvm::cl::desc("Lowest finding severity that makes the exit status 1"),
                               llvm::cl::sub(ReportSub), llvm::cl::init(Severity::Warning),
                               llvm::cl::cat(MoatCategory),
                               llvm::cl::values(clEnumValN(Severity::Note, "note", ""),
                                                clEnumValN(Severity::Warning, "warning", ""),
                                                clEnumValN(Severity::Error, "error", "")));
llvm::cl::opt<bool> FailOnLoosen("fail-on-loosen",
                                 llvm::cl::desc("With two policies: exit 1 when anything became looser"),
                                 llvm::cl::sub(ReportSub), llvm::cl::cat(MoatCategory));
llvm::cl::list<std::string> Args(llvm::cl::Positional, llvm::cl::desc("POLICY [NEW-POLICY]"),
                                 llvm::cl::sub(ReportSub), llvm::cl::cat(MoatCategory));

int inputError(const DiagnosticEngine &diags) {
  printDiagnostics(diags, llvm::errs());
  return kExitInputError;
}

// One POLICY as `moat check` reads it: a project layer under the managed
// and user layers, with what loading it reported and the files it came from.
struct LoadedPolicy {
  std::optional<ir::Policy> policy;
  std::vector<Diagnostic> diagnostics;
  std::vector<uint32_t> buffers;
};

LoadedPolicy loadProject(const std::string &path, const layers::ManagedLayer &managed,
                         const std::optional<ir::Policy> &user, const std::vector<uint32_t> &shared,
                         const eval::Bindings &bindings, DiagnosticEngine &diags) {
  LoadedPolicy loaded;
  DiagnosticEngine policyDiags(diags.files());
  unsigned firstBuffer = diags.files().mgr().getNumBuffers() + 1;
  loaded.policy = layers::loadLayer(path, ir::Layer::SharedProject, policyDiags);
  if (loaded.policy && (managed.policy || user)) {
    std::vector<const ir::Policy *> lower{&*loaded.policy};
    if (user)
      lower.push_back(&*user);
    loaded.policy = layers::merge(managed.policy ? &*managed.policy : nullptr, lower, bindings, policyDiags);
  }
  if (!loaded.policy || policyDiags.inputErrorCount() != 0) { // findings are reported, not refused
    for (const Diagnostic &d : policyDiags.diagnostics())
      diags.add(d);
    loaded.policy.reset();
    return loaded;
  }
  loaded.diagnostics = policyDiags.diagnostics();
  loaded.buffers = shared;
  for (unsigned b = firstBuffer; b <= diags.files().mgr().getNumBuffers(); ++b)
    loaded.buffers.push_back(b);
  return loaded;
}
} // namespace

int runReport() {
  if (Args.empty() || Args.size() > 2) {
    llvm::errs() << "moat: error: usage: moat report [-o FILE] [--managed=FILE] [--user=FILE] "
                    "[--define NAME=VALUE]... POLICY [NEW-POLICY] (one policy, or two to diff)\n";
    return kExitInputError;
  }
  if (FailOnLoosen && Args.size() != 2) {
    llvm::errs() << "moat: error: --fail-on-loosen needs two policies (OLD NEW)\n";
    return kExitInputError;
  }
  std::string dateError;
  auto today = lint::todayUtc(dateError); // expiry of .moat.yaml ignores, as in moat check
  if (!today) {
    llvm::errs() << "moat: error: " << dateError << "\n";
    return kExitInputError;
  }
  // Roots as lint, `moat diff` and `moat check` bind them (HOME=/home/user,
  // CWD=/home/user/project, TMPDIR=/tmp), moved by --define: the page must
  // not depend on who runs moat where.
  auto bindings = modelBindings(Defines);
  if (!bindings)
    return kExitInputError;

  SourceFiles files;
  DiagnosticEngine diags(files);
  layers::ManagedLayer managed = layers::loadManagedLayer(Managed, diags);
  std::optional<ir::Policy> user;
  if (!UserOpt.empty() && !(user = layers::loadLayer(UserOpt, ir::Layer::User, diags)))
    return inputError(diags);
  if (!managed.ok)
    return inputError(diags); // never report as if the managed layer were absent
  std::vector<uint32_t> shared;
  for (unsigned b = 1; b <= files.mgr().getNumBuffers(); ++b)
    shared.push_back(b);

  std::vector<LoadedPolicy> loaded;
  for (const std::string &path : Args) {
    loaded.push_back(loadProject(path, managed, user, shared, *bindings, diags));
    if (!loaded.back().policy)
      return inputError(diags);
  }
  std::vector<const ir::Policy *> all;
  for (const LoadedPolicy &l : loaded)
    all.push_back(&*l.policy);
  if (!definesAreUsed(Defines, all, diags))
    return inputError(diags);
  LoadedPolicy &current = loaded.back();
  const std::string &policyPath = Args[Args.size() - 1];

  // The diff compares the policies as written (moat's semantics), exactly
  // as `moat diff OLD NEW` does.
  std::optional<report::DiffSection> diffSection;
  bool looser = false;
  if (loaded.size() == 2) {
    std::string error;
    auto diff = verify::diffPolicies(*loaded[0].policy, *current.policy, *bindings, error);
    if (!diff) {
      printDiagnostics(diags, llvm::errs());
      llvm::errs() << "moat: error: cannot compare the policies: " << error << "\n";
      return kExitInputError;
    }
    verify::DiffReportContext ctx{files, *loaded[0].policy, *current.policy, bindings->lookup("HOME").value_or(""),
                                  bindings->lookup("CWD").value_or("")};
    diffSection = report::buildDiffSection(ctx, *diff, Args[0], Args[1]);
    looser = diff->count(verify::Direction::Looser) > 0;
  }

  // Judged as `moat check` judges it: by the runtime that reads the file
  // unless --runtime says otherwise.
  ir::Policy &policy = *current.policy;
  ir::Runtime runtime = RuntimeOpt.getNumOccurrences() ? RuntimeOpt.getValue() : policy.fileRuntime;
  std::optional<ir::Platform> platform;
  if (PlatformOpt.getNumOccurrences())
    platform = PlatformOpt.getValue();
  std::optional<ir::Policy> twin = judgeByRuntime(policy, runtime, platform, *bindings);
  auto checked = report::checkFindings(policyPath, policy, twin ? &*twin : nullptr, current.diagnostics,
                                       current.buffers, *today, diags);
  if (!checked)
    return inputError(diags);

  report::ReportInputs inputs(files, policy, *bindings);
  // The tree is decided on one platform: the one asked for, else the one
  // the runtime's file is written for, else Linux.
  inputs.platform = platform ? *platform
                    : policy.runtimePlatform != ir::Platform::Any ? policy.runtimePlatform
                                                                  : ir::Platform::Linux;
  inputs.file = policyPath;
  for (const std::string &file : managed.files)
    inputs.inputs.emplace_back("managed", file);
  inputs.inputs.emplace_back("project", policyPath);
  if (!UserOpt.empty())
    inputs.inputs.emplace_back("user", UserOpt);
  inputs.findings = report::toFindings(*checked, files);
  inputs.diff = std::move(diffSection);
  std::string error;
  auto page = report::buildReport(std::move(inputs), error);
  if (!page) {
    diags.report(DiagKind::InvalidQuery, SourceLoc{}, error);
    return inputError(diags);
  }
  std::string html = report::renderHtml(*page);
  if (Output == "-") {
    llvm::outs() << html;
    llvm::outs().flush();
  } else if (auto err = writeFileAtomically(Output, html)) {
    diags.report(DiagKind::OutputFailed, SourceLoc{}, Output, *err);
    return inputError(diags);
  }
  printDiagnostics(diags, llvm::errs()); // warnings only: errors returned above

  bool failing = FailOnLoosen && looser;
  for (const Diagnostic &d : checked->shown)
    failing |= d.severity >= FailOn;
  return failing ? kExitFindings : kExitOk;
}

} // namespace moat::cli
