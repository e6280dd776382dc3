// moat verify POLICY [--define NAME=/abs/path]... [--format=text|json]
// Decides the policy's asserts over all paths and endpoints they cover
// (compiler/verify/Asserts.h) and prints PASS or FAIL for each.
#include "Cli.h"
#include "PolicyLoading.h"
#include "Subcommands.h"

#include "compiler/ir/RuleText.h"
#include "compiler/verify/Asserts.h"

#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>

namespace moat::cli {

llvm::cl::SubCommand VerifySub("verify", "Prove or refute the policy's asserts over every path and host");

namespace {
enum class Format { Text, Json };
llvm::cl::opt<Format> FormatOpt("format", llvm::cl::desc("Output format"), llvm::cl::sub(VerifySub),
                                llvm::cl::init(Format::Text), llvm::cl::cat(MoatCategory),
                                llvm::cl::values(clEnumValN(Format::Text, "text", "one line per assert"),
                                                 clEnumValN(Format::Json, "json", "JSON")));
llvm::cl::list<std::string> Defines("define",
                                    llvm::cl::desc("Bind a root or variable: NAME=/abs/path (default: HOME=/home/user, "
                                                   "CWD=/home/user/project, TMPDIR=/tmp)"),
                                    llvm::cl::sub(VerifySub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> PolicyPath(llvm::cl::Positional, llvm::cl::desc("POLICY"), llvm::cl::Required,
                                      llvm::cl::sub(VerifySub), llvm::cl::cat(MoatCategory));

int inputError(const DiagnosticEngine &diags) {
  llvm::outs().flush();
  printDiagnostics(diags, llvm::errs());
  return kExitInputError;
}

// What decided the counterexample, in `moat query`'s words.
std::string why(const ir::Policy &policy, const SourceFiles &files, const verify::AssertOutcome &o) {
  auto byRule = [&](const ir::Provenance &prov, const std::string &text) {
    if (!prov.loc.valid())
      return "builtin: " + text;
    return locationText(files, prov.loc) + ": " + text;
  };
  auto setAt = [&](SourceLoc loc) { return loc.valid() ? " (set at " + locationText(files, loc) + ")" : ""; };
  if (o.endpoint) {
    switch (o.net.by) {
    case eval::DecidedBy::Rule:
      return byRule(o.net.rule->prov, ir::ruleText(*o.net.rule));
    case eval::DecidedBy::Disabled:
      return "the sandbox is disabled";
    case eval::DecidedBy::Default:
      break;
    }
    const char *value = policy.defaults.connect == ir::NetDefault::Ask     ? "ask"
                        : policy.defaults.connect == ir::NetDefault::Allow ? "allow"
                                                                           : "deny";
    return std::string("default: connect ") + value + setAt(policy.defaults.connectLoc);
  }
  switch (o.fs.by) {
  case eval::DecidedBy::Rule:
    return byRule(o.fs.rule->prov, ir::ruleText(*o.fs.rule));
  case eval::DecidedBy::Disabled:
    return policy.options.flag(ir::OptionId::SandboxDisabled) ? "the sandbox is disabled"
                                                              : "filesystem confinement is disabled";
  case eval::DecidedBy::Default:
    break;
  }
  bool read = o.assertion->subject == ir::AssertSubject::Read;
  return std::string("default: ") + (read ? "read " : "write ") + ir::effectName(o.fs.effect) +
         setAt(read ? policy.defaults.readLoc : policy.defaults.writeLoc);
}

llvm::json::Object jsonOutcome(const ir::Policy &policy, const SourceFiles &files, const eval::Bindings &bindings,
                               const verify::AssertOutcome &o) {
  const ir::Assertion &a = *o.assertion;
  llvm::json::Object out{{"assert", verify::assertionText(a)}, {"result", o.holds ? "pass" : "fail"}};
  if (a.prov.loc.valid()) {
    out["file"] = std::string(files.name(a.prov.loc.buffer));
    out["line"] = static_cast<int64_t>(a.prov.loc.line);
    out["column"] = static_cast<int64_t>(a.prov.loc.col);
  }
  if (o.holds)
    return out;
  out["counterexample"] = verify::counterexampleText(bindings, o);
  out["subject"] = o.endpoint ? o.endpoint->host.text() + ":" + std::to_string(o.endpoint->port) : o.path;
  out["platform"] = o.everyPlatform ? "all" : o.platform == ir::Platform::MacOS ? "macos" : "linux";
  const ir::Provenance *prov = nullptr;
  eval::DecidedBy by = o.endpoint ? o.net.by : o.fs.by;
  llvm::json::Object decided{{"kind", by == eval::DecidedBy::Rule      ? "rule"
                                      : by == eval::DecidedBy::Default ? "default"
                                                                       : "disabled"},
                             {"why", why(policy, files, o)}};
  if (by == eval::DecidedBy::Rule) {
    prov = o.endpoint ? &o.net.rule->prov : &o.fs.rule->prov;
    decided["rule"] = o.endpoint ? ir::ruleText(*o.net.rule) : ir::ruleText(*o.fs.rule);
    if (prov->loc.valid()) {
      decided["file"] = std::string(files.name(prov->loc.buffer));
      decided["line"] = static_cast<int64_t>(prov->loc.line);
      decided["column"] = static_cast<int64_t>(prov->loc.col);
    }
  }
  out["decidedBy"] = std::move(decided);
  return out;
}
} // namespace

int runVerify() {
  SourceFiles files;
  DiagnosticEngine diags(files);
  // The canonical model of the lint rules, unless --define says otherwise.
  auto model = modelBindings(Defines);
  if (!model)
    return kExitInputError;
  const eval::Bindings &bindings = *model;
  auto policy = loadCleanPolicy(PolicyPath, diags);
  if (!policy)
    return inputError(diags);
  if (!definesAreUsed(Defines, {&*policy}, diags))
    return inputError(diags);
  std::string error;
  auto outcomes = verify::checkAsserts(*policy, bindings, error);
  if (!outcomes) {
    llvm::errs() << "moat: error: cannot decide the asserts of '" << PolicyPath << "': " << error << "\n";
    return kExitInputError;
  }
  unsigned failed = 0;
  for (const verify::AssertOutcome &o : *outcomes)
    failed += o.holds ? 0 : 1;
  unsigned passed = static_cast<unsigned>(outcomes->size()) - failed;

  llvm::raw_ostream &os = llvm::outs();
  if (FormatOpt == Format::Json) {
    llvm::json::Array list;
    for (const verify::AssertOutcome &o : *outcomes)
      list.push_back(jsonOutcome(*policy, files, bindings, o));
    llvm::json::Object doc{{"policy", PolicyPath.getValue()},
                           {"asserts", std::move(list)},
                           {"passed", static_cast<int64_t>(passed)},
                           {"failed", static_cast<int64_t>(failed)}};
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(doc))) << "\n";
  } else {
    for (const verify::AssertOutcome &o : *outcomes) {
      std::string where = locationText(files, o.assertion->prov.loc);
      os << (o.holds ? "PASS " : "FAIL ") << (where.empty() ? "" : where + ": ") << "assert "
         << verify::assertionText(*o.assertion);
      if (!o.holds)
        os << ": " << verify::counterexampleText(bindings, o) << "  # " << why(*policy, files, o);
      os << "\n";
    }
    os << "moat: verified " << outcomes->size() << (outcomes->size() == 1 ? " assert: " : " asserts: ") << passed
       << " passed, " << failed << " failed\n";
  }
  os.flush();
  printDiagnostics(diags, llvm::errs()); // warnings from loading, if any
  return failed ? kExitFindings : kExitOk;
}

} // namespace moat::cli
