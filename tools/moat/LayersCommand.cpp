// moat layers [--managed=FILE] [--user=FILE] [--define K=V]... [--platform=P]
//             [POLICY] [read|write PATH | connect HOST[:PORT]]
// The effective policy of the layers with each rule's layer and location,
// and what the merge dropped; with a query, the decision path: every rule
// that matches, across layers, in decision order (docs/managed.md).
#include "Cli.h"
#include "Subcommands.h"

#include "compiler/eval/Evaluator.h"
#include "compiler/ir/GitText.h"
#include "compiler/ir/RuleText.h"
#include "compiler/layers/Layers.h"
#include "compiler/verify/Asserts.h"

#include <llvm/Support/Format.h>

namespace moat::cli {

llvm::cl::SubCommand LayersSub("layers", "Show the effective policy of the managed, user and project layers");

namespace {
llvm::cl::opt<std::string> Managed("managed", llvm::cl::desc("The managed policy (default: the machine's)"),
                                   llvm::cl::value_desc("FILE"), llvm::cl::sub(LayersSub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> UserOpt("user", llvm::cl::desc("The user layer"), llvm::cl::value_desc("FILE"),
                                   llvm::cl::sub(LayersSub), llvm::cl::cat(MoatCategory));
llvm::cl::list<std::string> Defines("define", llvm::cl::desc("Bind a root or variable: NAME=/abs/path"),
                                    llvm::cl::sub(LayersSub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<ir::Platform> PlatformOpt("platform", llvm::cl::desc("Platform whose rules a query sees"),
                                        llvm::cl::sub(LayersSub), llvm::cl::init(ir::Platform::Linux),
                                        llvm::cl::cat(MoatCategory),
                                        llvm::cl::values(clEnumValN(ir::Platform::Linux, "linux", ""),
                                                         clEnumValN(ir::Platform::MacOS, "macos", "")));
llvm::cl::list<std::string> Args(llvm::cl::Positional,
                                 llvm::cl::desc("[POLICY] [read|write PATH | connect HOST[:PORT]]"),
                                 llvm::cl::sub(LayersSub), llvm::cl::cat(MoatCategory));

const char *forbidKeyword(ir::ForbidSubject s) {
  return s == ir::ForbidSubject::Read      ? "read"
         : s == ir::ForbidSubject::Write   ? "write"
         : s == ir::ForbidSubject::Connect ? "connect"
                                           : "unix-socket";
}

class Printer {
public:
  Printer(const ir::Policy &p, const SourceFiles &files) : p_(p), files_(files) {}

  void where(const char *layer, SourceLoc loc) {
    std::string at = loc.valid() ? locationText(files_, loc) : "-";
    os_ << llvm::left_justify(layer, 15) << ' ' << llvm::left_justify(at, 24) << ' ';
  }
  void where(const ir::Provenance &prov) { where(ir::layerName(prov.layer), prov.loc); }

  static std::string platformPrefix(ir::Platform p) {
    return p == ir::Platform::Any ? "" : std::string("on ") + ir::platformName(p) + ": ";
  }

  void listing() {
    os_ << "# effective policy" << (p_.name.empty() ? "" : " \"" + p_.name + "\"") << "\n";
    os_ << "# layer          location                 statement\n";
    size_t builtins = 0;
    for (const ir::FsRule &r : p_.fsRules) {
      if (r.prov.layer == ir::Layer::Builtin) {
        ++builtins;
        continue;
      }
      where(r.prov);
      os_ << platformPrefix(r.platform) << ir::ruleText(r) << "\n";
    }
    for (const ir::NetRule &r : p_.netRules) {
      where(r.prov);
      os_ << platformPrefix(r.platform) << ir::ruleText(r) << "\n";
    }
    for (const ir::UnixSocketRule &r : p_.unixSockets) {
      where(r.prov);
      os_ << platformPrefix(r.platform) << ir::effectName(r.effect) << " unix-socket " << ir::quoted(r.path.text())
          << "\n";
    }
    for (const ir::GitBlock &g : p_.git) {
      const char *layer = ir::layerName(g.prov.layer);
      for (const ir::GitRemote &r : g.remotes)
        where(layer, r.loc), os_ << "git " << ir::gitRemoteText(r) << "\n";
      for (const ir::GitRefPattern &r : g.push)
        where(layer, r.loc), os_ << "git " << ir::gitPushText(r) << "\n";
      if (g.allowDelete)
        where(g.prov), os_ << "git allow delete\n";
      if (g.allowForcePush)
        where(g.prov), os_ << "git allow force-push\n";
      if (g.token)
        where(layer, g.token->loc), os_ << "git " << ir::gitTokenText(*g.token) << "\n";
    }
    if (builtins)
      where("builtin", SourceLoc{}), os_ << builtins << " built-in write protections ('always deny write')\n";
    const ir::Defaults &d = p_.defaults;
    defaultLine("read", ir::effectName(d.read), d.readLoc);
    defaultLine("write", ir::effectName(d.write), d.writeLoc);
    defaultLine("connect",
                d.connect == ir::NetDefault::Ask     ? "ask"
                : d.connect == ir::NetDefault::Allow ? "allow"
                                                     : "deny",
                d.connectLoc);
    for (size_t k = 0; k < static_cast<size_t>(ir::OptionId::Count); ++k) {
      const auto &s = p_.options.get(static_cast<ir::OptionId>(k));
      if (!s)
        continue;
      where("(option)", s->loc);
      os_ << "set " << ir::optionInfo(static_cast<ir::OptionId>(k)).name << " = " << ir::optionValueText(s->value) << "\n";
    }
    if (p_.lockFilesystemWrite)
      where("managed", *p_.lockFilesystemWrite), os_ << "lock filesystem write\n";
    for (const ir::Assertion &r : p_.requirements)
      where(r.prov), os_ << "require " << verify::assertionText(r) << "\n";
    for (const ir::Forbid &f : p_.forbids)
      where(f.prov), os_ << "forbid " << forbidKeyword(f.subject) << " " << ir::quoted(f.text) << "\n";
    if (p_.managedViolations.empty())
      return;
    os_ << "# dropped or failing (managed-violation)\n";
    for (const ir::ManagedViolation &v : p_.managedViolations)
      where(v.dropped ? "dropped" : "failing", v.lowerLoc), os_ << v.message << "\n";
  }

  void defaultLine(const char *subject, const char *value, SourceLoc loc) {
    // The layer that set a default is the file it is in; a built-in one has none.
    where(loc.valid() ? "(default)" : "builtin", loc);
    os_ << "default " << subject << " " << value << "\n";
  }

  // Every matching rule in decision order; the first decides.
  int fsQuery(const eval::Evaluator &ev, const std::string &path, ir::Access access) {
    auto rules = ev.matchingFsRules(path, access);
    eval::FsDecision d = ev.decide(path, access);
    os_ << ir::effectName(d.effect) << " " << ir::accessName(access) << " " << path << "\n";
    if (d.by == eval::DecidedBy::Disabled)
      os_ << "  decided by: confinement is disabled\n";
    bool first = true;
    for (const ir::FsRule *r : rules) {
      os_ << (first ? "  decides:    " : "  outranked:  ");
      where(r->prov);
      os_ << ir::ruleText(*r) << "\n";
      first = false;
    }
    if (rules.empty() && d.by == eval::DecidedBy::Default) {
      os_ << "  decides:    ";
      defaultLine(ir::accessName(access), ir::effectName(d.effect),
                  access == ir::Access::Read ? p_.defaults.readLoc : p_.defaults.writeLoc);
    }
    return d.effect == ir::Effect::Allow ? kExitOk : kExitFindings;
  }

  // Any matching deny decides; the allows it outranks are listed after it.
  int netQuery(const eval::Evaluator &ev, const net::Endpoint &e, ir::Platform platform) {
    eval::NetDecision d = ev.decide(e.host, e.port);
    const char *answer = d.outcome == eval::NetDecision::Outcome::Allow  ? "allow"
                         : d.outcome == eval::NetDecision::Outcome::Deny ? "deny"
                                                                         : "ask";
    os_ << answer << " connect " << e.host.text() << ":" << e.port << "\n";
    if (d.by == eval::DecidedBy::Rule) {
      os_ << "  decides:    ";
      where(d.rule->prov);
      os_ << ir::ruleText(*d.rule) << "\n";
      for (const ir::NetRule &r : p_.netRules)
        if (&r != d.rule && (r.platform == ir::Platform::Any || r.platform == platform) && r.host.matches(e.host, e.port))
          os_ << "  outranked:  ", where(r.prov), os_ << ir::ruleText(r) << "\n";
    } else if (d.by == eval::DecidedBy::Default) {
      os_ << "  decides:    ";
      defaultLine("connect", answer, p_.defaults.connectLoc);
    } else {
      os_ << "  decided by: the sandbox is disabled\n";
    }
    return d.outcome == eval::NetDecision::Outcome::Allow ? kExitOk : kExitFindings;
  }

private:
  const ir::Policy &p_;
  const SourceFiles &files_;
  llvm::raw_ostream &os_ = llvm::outs();
};

int finish(DiagnosticEngine &diags, int status) {
  llvm::outs().flush();
  printDiagnostics(diags, llvm::errs());
  return diags.hasInputErrors() ? kExitInputError : status;
}
} // namespace

int runLayers() {
  // [POLICY] [VERB SUBJECT]: a query has two words, so 2 args are a query
  // over the managed layer alone.
  const bool query = Args.size() >= 2;
  const bool withPolicy = Args.size() == 1 || Args.size() == 3;
  if (Args.size() > 3 || (!withPolicy && Managed.empty() && UserOpt.empty())) {
    llvm::errs() << "moat: error: usage: moat layers [--managed=FILE] [--user=FILE] [POLICY] "
                    "[read|write PATH | connect HOST[:PORT]]\n";
    return kExitInputError;
  }
  SourceFiles files;
  DiagnosticEngine diags(files);
  eval::Bindings bindings = eval::Bindings::fromEnvironment();
  if (!applyDefines(Defines, bindings))
    return kExitInputError;
  layers::ManagedLayer managed = layers::loadManagedLayer(Managed, diags);
  if (!managed.ok)
    return finish(diags, kExitInputError);
  std::vector<ir::Policy> lower;
  if (withPolicy) {
    auto p = layers::loadLayer(Args[0], ir::Layer::SharedProject, diags);
    if (!p)
      return finish(diags, kExitInputError);
    lower.push_back(std::move(*p));
  }
  if (!UserOpt.empty()) {
    auto u = layers::loadLayer(UserOpt, ir::Layer::User, diags);
    if (!u)
      return finish(diags, kExitInputError);
    lower.push_back(std::move(*u));
  }
  std::vector<const ir::Policy *> lowerPtrs;
  for (const ir::Policy &p : lower)
    lowerPtrs.push_back(&p);
  if (lowerPtrs.empty() && !managed.policy) {
    llvm::errs() << "moat: error: no layers: give a POLICY, --user or --managed (no managed policy is installed)\n";
    return kExitInputError;
  }
  auto effective = layers::merge(managed.policy ? &*managed.policy : nullptr, lowerPtrs, bindings, diags);
  if (!effective || diags.hasInputErrors())
    return finish(diags, kExitInputError);
  Printer printer(*effective, files);
  if (!query) {
    printer.listing();
    return finish(diags, kExitOk);
  }
  std::string error;
  auto evaluator = eval::Evaluator::create(*effective, bindings, PlatformOpt, error);
  if (!evaluator) {
    diags.report(DiagKind::InvalidQuery, SourceLoc{}, error);
    return finish(diags, kExitInputError);
  }
  llvm::StringRef verb = Args[Args.size() - 2], subject = Args[Args.size() - 1];
  if (verb == "read" || verb == "write") {
    auto path = eval::resolveQueryPath(*effective, bindings, subject.str(), error);
    if (!path) {
      diags.report(DiagKind::InvalidQuery, SourceLoc{}, "invalid path '" + subject.str() + "': " + error);
      return finish(diags, kExitInputError);
    }
    return finish(diags, printer.fsQuery(*evaluator, *path, verb == "read" ? ir::Access::Read : ir::Access::Write));
  }
  if (verb == "connect") {
    auto endpoint = net::parseEndpoint(subject.str(), 443, error);
    if (!endpoint) {
      diags.report(DiagKind::InvalidQuery, SourceLoc{}, "invalid host '" + subject.str() + "': " + error);
      return finish(diags, kExitInputError);
    }
    return finish(diags, printer.netQuery(*evaluator, *endpoint, PlatformOpt));
  }
  diags.report(DiagKind::InvalidQuery, SourceLoc{}, "expected read, write or connect, not '" + verb.str() + "'");
  return finish(diags, kExitInputError);
}

} // namespace moat::cli
