// moat check [--format=text|json|sarif|github] [--fail-on=note|warning|error]
//            [--config=FILE] [--baseline=FILE | --write-baseline=FILE]
//            [--managed=FILE] [--user=FILE] [--runtime=srt|claude|moat]
//            [--platform=linux|macos] POLICY...
// Loading, lint, and what is shown (config rules, inline suppressions,
// config ignores, baseline: lint/Triage.h) happen in the libraries; this
// file wires them to the options and prints the report.
#include "Cli.h"
#include "PolicyLoading.h"
#include "Subcommands.h"

#include "compiler/Frontend.h"
#include "compiler/diagnostics/Emitters.h"
#include "compiler/layers/Layers.h"
#include "compiler/support/AtomicFile.h"
#include "lint/Baseline.h"
#include "lint/Config.h"
#include "lint/FoldRepeats.h"
#include "lint/Lint.h"
#include "lint/Sarif.h"
#include "lint/Triage.h"
#include "lint/rules/AssertFailed.h"

#include <map>
#include <algorithm>
#include <set>
#include <memory>

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
llvm::cl::opt<std::string> ConfigOpt("config",
                                     llvm::cl::desc("Use this .moat.yaml for every policy (no search)"),
                                     llvm::cl::value_desc("FILE"), llvm::cl::sub(CheckSub),
                                     llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> BaselineOpt("baseline", llvm::cl::desc("Hide the findings listed in this baseline"),
                                       llvm::cl::value_desc("FILE"), llvm::cl::sub(CheckSub),
                                       llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> WriteBaselineOpt(
    "write-baseline", llvm::cl::desc("Record the current findings in this baseline (and hide them)"),
    llvm::cl::value_desc("FILE"), llvm::cl::sub(CheckSub), llvm::cl::cat(MoatCategory));
llvm::cl::list<std::string> Policies(llvm::cl::Positional, llvm::cl::desc("POLICY..."), llvm::cl::ZeroOrMore,
                                     llvm::cl::sub(CheckSub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> ManagedOpt("managed",
                                      llvm::cl::desc("Check each POLICY as a project layer under this managed "
                                                     "policy (default: the machine's, docs/managed.md)"),
                                      llvm::cl::value_desc("FILE"), llvm::cl::sub(CheckSub),
                                      llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> UserOpt("user", llvm::cl::desc("The user layer under each POLICY (docs/managed.md)"),
                                   llvm::cl::value_desc("FILE"), llvm::cl::sub(CheckSub),
                                   llvm::cl::cat(MoatCategory));

// Whose semantics a policy is judged by (docs/semantics.md, "Runtimes");
// default: the file's own kind.
llvm::cl::opt<ir::Runtime> RuntimeOpt(
    "runtime", llvm::cl::desc("Judge each POLICY by this runtime's semantics (default: the file's own kind)"),
    llvm::cl::sub(CheckSub), llvm::cl::init(ir::Runtime::Moat), llvm::cl::cat(MoatCategory),
    llvm::cl::values(clEnumValN(ir::Runtime::Srt, "srt", "sandbox-runtime: its mandatory denies and Linux mounts"),
                     clEnumValN(ir::Runtime::Claude, "claude", "Claude Code's sandbox (srt plus its settings files)"),
                     clEnumValN(ir::Runtime::Moat, "moat", "moat: the rules plus moat's built-in protections")));
llvm::cl::opt<ir::Platform> CheckPlatformOpt(
    "platform",
    llvm::cl::desc("Judge on this platform only (default: moat both; srt and Claude the file's, else Linux)"),
    llvm::cl::sub(CheckSub), llvm::cl::init(ir::Platform::Linux), llvm::cl::cat(MoatCategory),
    llvm::cl::values(clEnumValN(ir::Platform::Linux, "linux", ""), clEnumValN(ir::Platform::MacOS, "macos", "")));

// Each .moat.yaml is read once, however many policies it governs; one that
// fails to load governs nothing (its errors make the run an input error).
class ConfigSet {
public:
  ConfigSet(const lint::CivilDate &today, DiagnosticEngine &diags) : today_(today), diags_(diags) {}

  // The config for `policyPath` (nullptr: none, or one that did not load).
  const lint::CheckConfig *forPolicy(const std::string &policyPath) {
    std::optional<std::string> file =
        ConfigOpt.getNumOccurrences() ? std::optional<std::string>(ConfigOpt) : lint::findConfigFor(policyPath);
    if (!file)
      return nullptr;
    auto [it, inserted] = loaded_.try_emplace(*file);
    if (inserted) {
      auto config = lint::loadCheckConfig(*file, today_, diags_);
      if (config)
        it->second = std::make_unique<lint::CheckConfig>(std::move(*config));
      else
        failed_ = true;
    }
    return it->second.get();
  }
  bool failed() const { return failed_; }

private:
  const lint::CivilDate &today_;
  DiagnosticEngine &diags_;
  std::map<std::string, std::unique_ptr<lint::CheckConfig>> loaded_;
  bool failed_ = false;
};

std::string plural(unsigned n, const char *one, const char *many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

} // namespace

int runCheck() {
  if (BaselineOpt.getNumOccurrences() && WriteBaselineOpt.getNumOccurrences()) {
    llvm::errs() << "moat: error: --baseline and --write-baseline cannot be combined (--write-baseline "
                    "replaces the file with the current findings)\n";
    return kExitInputError;
  }
  std::string dateError;
  auto today = lint::todayUtc(dateError);
  if (!today) {
    llvm::errs() << "moat: error: " << dateError << "\n";
    return kExitInputError;
  }

  SourceFiles files;
  DiagnosticEngine diags(files);
  lint::CommentIndex comments(files);
  lint::Triage triage(comments);
  ConfigSet configs(*today, diags);
  bool inputError = false;

  std::optional<lint::Baseline> baseline;
  if (BaselineOpt.getNumOccurrences()) {
    baseline = lint::loadBaseline(BaselineOpt, diags);
    inputError |= !baseline;
  }

  // The managed layer (--managed, else the machine's) and the user layer
  // are loaded once; each POLICY is checked as a project layer under them.
  // Without a managed or user layer each POLICY is checked as written.
  layers::ManagedLayer managed = layers::loadManagedLayer(ManagedOpt, diags);
  std::optional<ir::Policy> user;
  if (UserOpt.getNumOccurrences())
    user = layers::loadLayer(UserOpt, ir::Layer::User, diags);
  if (!managed.ok || (UserOpt.getNumOccurrences() && !user)) {
    printDiagnostics(diags, llvm::errs());
    return kExitInputError; // never check as if the managed layer were absent
  }
  // The managed and user files' own suppressions apply to the findings
  // located in them (shown once: see `shown` below).
  std::vector<uint32_t> sharedBuffers;
  for (unsigned b = 1; b <= files.mgr().getNumBuffers(); ++b)
    sharedBuffers.push_back(b);
  std::vector<std::string> targets(Policies.begin(), Policies.end());
  if (targets.empty()) {
    if (!managed.policy) {
      llvm::errs() << "moat: error: usage: moat check [--managed=FILE] [--user=FILE] POLICY... (no POLICY given)\n";
      return kExitInputError;
    }
    targets.push_back(managed.files.front()); // the managed layer alone
  }

  for (const std::string &path : targets) {
    const lint::CheckConfig *config = configs.forPolicy(path);
    // Each policy's diagnostics are triaged on their own: suppressions,
    // config and baseline keys all depend on which policy a finding is of.
    DiagnosticEngine policyDiags(files);
    unsigned firstBuffer = files.mgr().getNumBuffers() + 1;
    std::optional<ir::Policy> policy;
    ir::Runtime fileRuntime = ir::Runtime::Moat;
    if (Policies.empty()) {
      std::vector<const ir::Policy *> lower;
      if (user)
        lower.push_back(&*user);
      policy = layers::merge(&*managed.policy, lower, lint::modelBindings(), policyDiags);
    } else {
      policy = layers::loadLayer(path, ir::Layer::SharedProject, policyDiags);
      if (policy)
        fileRuntime = policy->fileRuntime;
      if (policy && (managed.policy || user)) {
        std::vector<const ir::Policy *> lower{&*policy};
        if (user)
          lower.push_back(&*user);
        policy = layers::merge(managed.policy ? &*managed.policy : nullptr, lower, lint::modelBindings(),
                               policyDiags);
      }
    }
    if (!policy || policyDiags.inputErrorCount() != 0) { // findings are checked, not refused
      inputError = true;
      for (const Diagnostic &d : policyDiags.diagnostics())
        diags.add(d);
      continue;
    }
    // Judged by the runtime that reads the file unless --runtime says
    // otherwise; a moat-semantics twin lets findings say what `moat run`
    // closes.
    ir::Runtime runtime = RuntimeOpt.getNumOccurrences() ? RuntimeOpt.getValue() : fileRuntime;
    std::optional<ir::Platform> platform;
    if (CheckPlatformOpt.getNumOccurrences())
      platform = CheckPlatformOpt.getValue();
    std::optional<ir::Policy> twin = judgeByRuntime(*policy, runtime, platform, lint::modelBindings());
    // Risk rules run on the policies that loaded cleanly. Managed
    // violations are part of validating the layers: --no-lint keeps them.
    lint::LintOptions lintOptions = config ? config->lint : lint::LintOptions{};
    lintOptions.moatTwin = twin ? &*twin : nullptr;
    std::vector<Diagnostic> triaged = lint::lintForTriage(*policy, policyDiags, lintOptions, !NoLint, diags);
    std::vector<uint32_t> buffers = sharedBuffers;
    for (unsigned b = firstBuffer; b <= files.mgr().getNumBuffers(); ++b)
      buffers.push_back(b);
    inputError |= !triage.addPolicy(path, buffers, config, triaged, !NoLint, diags);
  }
  inputError |= configs.failed();

  std::string baselineFile = BaselineOpt;
  if (WriteBaselineOpt.getNumOccurrences()) {
    baselineFile = WriteBaselineOpt;
    // A baseline written from a run that could not read everything would
    // silently accept whatever it missed.
    if (inputError) {
      diags.report(DiagKind::OutputFailed, SourceLoc{}, baselineFile,
                   "not written, because of the input errors above");
    } else {
      baseline = triage.current(baselineFile);
      if (auto err = writeFileAtomically(baselineFile, baseline->render())) {
        diags.report(DiagKind::OutputFailed, SourceLoc{}, baselineFile, *err);
        baseline.reset();
        inputError = true;
      } else {
        size_t n = 0;
        for (const auto &entry : baseline->entries())
          n += entry.second;
        llvm::errs() << "moat: wrote " << n << (n == 1 ? " finding" : " findings") << " to " << baselineFile
                     << "\n";
      }
    }
  }
  triage.finish(baseline ? &*baseline : nullptr, baselineFile, diags);

  // Findings located in the managed or user files are the same for every
  // POLICY checked under them: each is shown once.
  DiagnosticEngine shown(files);
  std::set<std::string> seen;
  // Repeats of one pattern fold into one finding (lint/FoldRepeats.h).
  for (const Diagnostic &d : lint::foldRepeats(diags.diagnostics())) {
    bool shared = d.loc.buffer != 0 && std::find(sharedBuffers.begin(), sharedBuffers.end(), d.loc.buffer) !=
                                           sharedBuffers.end();
    if (!shared || seen.insert(fmt::format("{}|{}|{}|{}|{}", d.id, d.loc.buffer, d.loc.line, d.loc.col, d.message))
                       .second)
      shown.add(d);
  }
  bool failing = false;
  for (const Diagnostic &d : shown.diagnostics())
    failing |= d.severity >= FailOn;
  unsigned errors = shown.count(Severity::Error), warnings = shown.count(Severity::Warning),
           notes = shown.count(Severity::Note);
  size_t hidden = triage.suppressed().size();
  llvm::raw_ostream &os = llvm::outs();
  if (FormatOpt == Format::Json) {
    emitJson(shown, os);
  } else if (FormatOpt == Format::Sarif) {
    lint::emitSarif(shown, os, triage.suppressed());
  } else if (FormatOpt == Format::Github) {
    emitGithub(shown, os);
  } else {
    printDiagnostics(shown, os);
    unsigned n = static_cast<unsigned>(targets.size());
    os << "moat: checked " << plural(n, "policy", "policies") << ": " << plural(errors, "error", "errors")
       << ", " << plural(warnings, "warning", "warnings") << ", " << plural(notes, "note", "notes");
    if (hidden)
      os << " (" << hidden << " suppressed)";
    os << "\n";
  }
  os.flush();
  if (inputError)
    return kExitInputError;
  return failing ? kExitFindings : kExitOk;
}

} // namespace moat::cli
