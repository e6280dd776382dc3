#include "backends/srt/RoundTrip.h"

#include "compiler/import/Importers.h"
#include "compiler/ir/RuleText.h"
#include "compiler/sema/RuntimeSemantics.h"
#include "compiler/sema/Sema.h"
#include "compiler/verify/Diff.h"
#include "compiler/verify/DiffReport.h"

#include <fmt/format.h>

namespace moat::backends::sandbox {

namespace {

bool inScope(Scope scope, ir::Platform regionPlatform) {
  switch (regionPlatform) {
  case ir::Platform::Any:
    return true;
  case ir::Platform::Linux:
    return scopeIncludesLinux(scope);
  case ir::Platform::MacOS:
    return scopeIncludesMacOS(scope);
  }
  return true;
}

const char *platformSuffix(ir::Platform p) {
  switch (p) {
  case ir::Platform::Any:
    return "";
  case ir::Platform::Linux:
    return " on Linux";
  case ir::Platform::MacOS:
    return " on macOS";
  }
  return "";
}

// The policy's side of a region: what warnings are attached to, and where.
struct Subject {
  const void *key = nullptr;
  SourceLoc loc;
  const char *what = "rule";
};

Subject subjectOf(const ir::Policy &policy, const verify::Decider &d, verify::DiffAccess access) {
  switch (d.kind) {
  case verify::Decider::Kind::Rule:
    if (d.fsRule)
      return {d.fsRule, d.fsRule->prov.loc, "rule"};
    if (d.netRule)
      return {d.netRule, d.netRule->prov.loc, "rule"};
    return {d.socketRule, d.socketRule ? d.socketRule->prov.loc : SourceLoc{}, "rule"};
  case verify::Decider::Kind::Default:
    switch (access) {
    case verify::DiffAccess::Read:
      return {&policy.defaults.read, policy.defaults.readLoc, "default"};
    case verify::DiffAccess::Write:
      return {&policy.defaults.write, policy.defaults.writeLoc, "default"};
    case verify::DiffAccess::Connect:
      return {&policy.defaults.connect, policy.defaults.connectLoc, "default"};
    case verify::DiffAccess::UnixSocket:
      return {&policy.unixSockets, SourceLoc{}, "default"};
    }
    break;
  case verify::Decider::Kind::Option: {
    const auto &setting = policy.options.get(d.option);
    return {&setting, setting ? setting->loc : SourceLoc{}, "option"};
  }
  }
  return {};
}

// What decides in the re-imported settings, named the way the settings
// file names it ("filesystem.denyWrite[3]") so a reader can find the entry.
std::string afterText(const verify::Decider &d) {
  switch (d.kind) {
  case verify::Decider::Kind::Rule:
    if (d.fsRule) {
      if (d.fsRule->prov.layer == ir::Layer::Builtin)
        return "moat's built-in protection `" + ir::ruleText(*d.fsRule) + "`";
      return d.fsRule->prov.origin + " `" + d.fsRule->pattern.text() + "`";
    }
    if (d.netRule)
      return d.netRule->prov.origin + " `" + d.netRule->host.text() + "`";
    if (d.socketRule)
      return d.socketRule->prov.origin;
    return "a rule";
  case verify::Decider::Kind::Default:
    return "default";
  case verify::Decider::Kind::Option:
    return std::string("option ") + ir::optionInfo(d.option).name;
  }
  return "";
}

} // namespace

bool checkRoundTrip(ExportContext &ctx, const std::string &text, const std::string &name) {
  SourceFiles &files = ctx.diags.files();
  uint32_t buffer = files.addBuffer(name, text);
  // The read-back's own diagnostics stay private: a problem there is the
  // exporter's, reported below as one refusal.
  DiagnosticEngine local(files);
  std::optional<ast::File> file = ctx.dialect == Dialect::Srt ? import::importSrt(buffer, local)
                                                              : import::importClaude(buffer, "", local);
  std::optional<ir::Policy> back;
  if (file && !local.hasErrors()) {
    sema::IncludeReader noIncludes = [](const std::string &, SourceLoc) {
      return std::optional<ast::File>();
    };
    back = sema::analyse(*file, noIncludes, sema::SemaOptions{}, local);
  }
  if (!back || local.hasErrors()) {
    std::string first = "no policy";
    for (const Diagnostic &d : local.sorted())
      if (d.severity == Severity::Error) {
        first = fmt::format("{}:{}: {} [{}]", d.loc.line, d.loc.col, d.message, d.id);
        break;
      }
    ctx.refuse(SourceLoc{}, fmt::format("internal error: the generated {} do not read back ({}); "
                                        "nothing is written",
                                        dialectName(ctx.dialect), first));
    return false;
  }

  // deniedResolvedAddresses is read as srt applies it, not as moat's
  // semantics would: it never binds an IP-literal host or a loopback name
  // (ir::NetRule::resolvedAddressesOnly), which is all a static comparison
  // sees of it. An allowed address or `localhost` the range covers must
  // therefore have been left out (ExportNetwork.cpp), or this refuses.
  sema::dropResolvedAddressRules(*back);

  std::string error;
  auto diff = verify::diffPolicies(ctx.policy, *back, ctx.bindings, error);
  if (!diff) {
    ctx.refuse(SourceLoc{}, fmt::format("cannot compare the generated {} with the policy: {}",
                                        dialectName(ctx.dialect), error));
    return false;
  }

  verify::DiffReportContext report{files, ctx.policy, *back,
                                   ctx.bindings.lookup("HOME").value_or(""),
                                   ctx.bindings.lookup("CWD").value_or("")};
  auto witness = [&](const verify::DiffRegion &r) {
    if (r.access == verify::DiffAccess::Connect)
      return r.endpoint.host.text() + ":" + std::to_string(r.endpoint.port);
    return verify::displayPath(report, r.path);
  };

  for (const verify::DiffRegion &r : diff->regions) {
    if (r.direction != verify::Direction::Looser || !inScope(ctx.scope, r.platform))
      continue;
    ctx.refuse(subjectOf(ctx.policy, r.before, r.access).loc,
               fmt::format("internal error: the generated {} would allow {} {}{} ({}), which the "
                           "policy denies; nothing is written",
                           dialectName(ctx.dialect), verify::diffAccessName(r.access), witness(r),
                           platformSuffix(r.platform), afterText(r.after)));
    return false;
  }
  for (const verify::DiffRegion &r : diff->regions) {
    if (r.direction != verify::Direction::Tighter || !inScope(ctx.scope, r.platform))
      continue;
    Subject s = subjectOf(ctx.policy, r.before, r.access);
    if (!s.key || ctx.explained(s.key))
      continue;
    ctx.tightened(s.key, s.loc,
                  fmt::format("the {} are stricter than this {}: {} {}{} is {} there by {}",
                              dialectName(ctx.dialect), s.what, verify::diffAccessName(r.access),
                              witness(r), platformSuffix(r.platform),
                              r.after.outcome == verify::Outcome::Ask ? "asked about" : "denied",
                              afterText(r.after)));
  }
  return true;
}

} // namespace moat::backends::sandbox
