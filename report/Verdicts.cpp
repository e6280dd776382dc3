#include "report/Verdicts.h"

#include "compiler/ir/RuleText.h"

namespace moat::report {

namespace {
Verdict byRule(std::string effect, std::string text, const ir::Provenance &prov, const SourceFiles &files) {
  Verdict v;
  v.effect = std::move(effect);
  v.by = Verdict::By::Rule;
  v.rule = std::move(text);
  v.location = locationText(files, prov.loc);
  v.layer = ir::layerName(prov.layer);
  // moat's own protections say "builtin" twice; a runtime's set names itself.
  if (prov.origin != "builtin")
    v.origin = prov.origin;
  return v;
}

Verdict byDefault(std::string effect, const std::string &subject, SourceLoc at, const SourceFiles &files) {
  Verdict v;
  v.by = Verdict::By::Default;
  v.rule = "default " + subject + " " + effect;
  v.effect = std::move(effect);
  v.location = locationText(files, at);
  v.layer = "default";
  return v;
}

Verdict disabled(std::string effect, const char *what) {
  Verdict v;
  v.effect = std::move(effect);
  v.by = Verdict::By::Disabled;
  v.rule = what;
  v.layer = "option";
  return v;
}
} // namespace

std::string locationText(const SourceFiles &files, SourceLoc loc) {
  if (!loc.valid())
    return "";
  return std::string(files.name(loc.buffer)) + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.col);
}

Verdict fsVerdict(const eval::FsDecision &d, ir::Access access, const ir::Policy &policy, const SourceFiles &files) {
  std::string effect = ir::effectName(d.effect);
  switch (d.by) {
  case eval::DecidedBy::Rule:
    return byRule(effect, ir::ruleText(*d.rule), d.rule->prov, files);
  case eval::DecidedBy::Disabled:
    return disabled(effect, "filesystem confinement is disabled");
  case eval::DecidedBy::Default:
    break;
  }
  SourceLoc at = access == ir::Access::Read ? policy.defaults.readLoc : policy.defaults.writeLoc;
  return byDefault(effect, ir::accessName(access), at, files);
}

Verdict netVerdict(const eval::NetDecision &d, const ir::Policy &policy, const SourceFiles &files) {
  using Outcome = eval::NetDecision::Outcome;
  std::string effect = d.outcome == Outcome::Allow ? "allow" : d.outcome == Outcome::Deny ? "deny" : "ask";
  switch (d.by) {
  case eval::DecidedBy::Rule:
    return byRule(effect, ir::ruleText(*d.rule), d.rule->prov, files);
  case eval::DecidedBy::Disabled:
    return disabled(effect, "the sandbox is disabled");
  case eval::DecidedBy::Default:
    break;
  }
  return byDefault(effect, "connect", policy.defaults.connectLoc, files);
}

} // namespace moat::report
