// The sbpl target's driver: header, baseline, the filesystem ladders, the
// ancestors of protected paths, and the network section, in that order.
#include "backends/sbpl/Sbpl.h"

#include "backends/sbpl/SbplFilters.h"
#include "backends/sbpl/SbplOrder.h"
#include "backends/sbpl/SbplProfile.h"
#include "backends/sbpl/SbplText.h"
#include "compiler/ir/RuleText.h"

#include <set>

namespace moat::backends::sbpl {

namespace {

struct Placed {
  const ir::FsRule *rule = nullptr;
  size_t index = 0;
  PlacedPattern pattern;
  RuleFilters filters; // the descendant part: everything the rule covers
  RuleFilters self;    // the self part: the paths it matches itself
  // `pattern` for ordering the self part: a subtree's self part is its one
  // path, so it never overlaps what lies beneath another rule's exact path
  // (the specificity keys stay the rule's own).
  PlacedPattern selfPattern;
};

// One emitted part of a rule.
struct Part {
  const Placed *placed = nullptr;
  bool self = false;
  const RuleFilters &filters() const { return self ? placed->self : placed->filters; }
};

std::string joinParams(const std::set<std::string> &params, const char *sep) {
  std::string out;
  for (const std::string &p : params)
    out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string rootSpelling(const std::string &param) { return param == "HOME" ? "~" : "$" + param; }

// Places every fs rule that applies on macOS and computes its filters.
bool placeRules(Profile &profile, std::vector<Placed> &out) {
  const ir::Policy &policy = profile.policy;
  bool ok = true;
  for (size_t i = 0; i < policy.fsRules.size(); ++i) {
    const ir::FsRule &rule = policy.fsRules[i];
    if (rule.platform == ir::Platform::Linux)
      continue;
    std::string why;
    auto pattern = placePattern(policy, profile.options, rule.pattern, why);
    std::optional<RuleFilters> filters, self;
    if (pattern)
      filters = pathFilters(*pattern, rule.effect, why);
    if (filters)
      self = selfFilters(*pattern, rule.effect, why);
    if (!filters || !self) {
      profile.diags.report(DiagKind::BackendRefused, rule.prov.loc,
                           fmt::format("cannot write '{}' in a Seatbelt profile: {}",
                                       ir::ruleText(rule), why));
      ok = false;
      continue;
    }
    const std::string &param = pattern->param;
    if (filters->fit == Fit::Omitted)
      profile.diags.report(
          DiagKind::UnenforceableRule, rule.prov.loc,
          fmt::format("'{}' is left out of the Seatbelt profile (stricter): a Seatbelt regex "
                      "cannot contain the parameter {}; pass --define {}=PATH to compile it "
                      "exactly",
                      ir::ruleText(rule), param, param));
    else if (filters->fit == Fit::Widened)
      profile.diags.report(
          DiagKind::UnenforceableRule, rule.prov.loc,
          fmt::format("'{}' is widened in the Seatbelt profile (stricter): a Seatbelt regex "
                      "cannot contain the parameter {}, so it denies every path below {} that "
                      "has components matching the glob; pass --define {}=PATH to compile it "
                      "exactly",
                      ir::ruleText(rule), param, rootSpelling(param), param));
    if (filters->fit != Fit::Omitted && !param.empty())
      profile.params.insert(param);
    PlacedPattern selfPattern = *pattern;
    if (selfPattern.relative.form == fs::PatternForm::Subtree)
      selfPattern.relative.form = fs::PatternForm::Exact;
    out.push_back(Placed{&rule, i, std::move(*pattern), std::move(*filters), std::move(*self),
                         std::move(selfPattern)});
  }
  return ok;
}

std::string describe(Profile &profile, const ir::FsRule &rule) {
  std::string text = "'" + ir::ruleText(rule) + "'";
  if (rule.prov.loc.valid())
    return text + " (" + profile.locationText(rule.prov.loc) + ")";
  return text + " (a built-in protection)";
}

std::set<std::string> paramsOf(const Placed &a, const Placed &b) {
  std::set<std::string> params;
  for (const Placed *p : {&a, &b})
    if (!p->pattern.param.empty())
      params.insert(p->pattern.param);
  return params;
}

std::string definesFor(const std::set<std::string> &params) {
  std::string out;
  for (const std::string &p : params)
    out += (out.empty() ? "" : " ") + ("--define " + p + "=PATH");
  return out;
}

// Either rule may decide, by the parameters' values: the profile lets the
// deny decide wherever both match. Reported at the allow, whose allowance
// is taken away.
void reportDeniedBoth(Profile &profile, const Placed &allow, const Placed &deny) {
  auto params = paramsOf(allow, deny);
  bool plural = params.size() > 1;
  profile.diags.report(
      DiagKind::UnenforceableRule, allow.rule->prov.loc.valid() ? allow.rule->prov.loc : deny.rule->prov.loc,
      fmt::format("whether {} or {} decides depends on the {} of {}, which the Seatbelt profile "
                  "takes as {}: the profile lets the deny decide wherever both match (stricter); "
                  "pass {} to compile it exactly",
                  describe(profile, *allow.rule), describe(profile, *deny.rule),
                  plural ? "values" : "value", joinParams(params, " and "),
                  plural ? "parameters" : "a parameter", definesFor(params)));
}

void reportCycle(Profile &profile, const Placed &a, const Placed &b) {
  auto params = paramsOf(a, b);
  const Placed &at = a.rule->prov.loc.valid() ? a : b;
  const Placed &other = &at == &a ? b : a;
  profile.diags.report(
      DiagKind::BackendRefused, at.rule->prov.loc,
      fmt::format("{} and {} cannot be ordered so that the Seatbelt profile decides like the "
                  "policy for every value of {}; pass {} to bind {} at build time",
                  describe(profile, *at.rule), describe(profile, *other.rule),
                  joinParams(params, " and "), definesFor(params),
                  params.size() > 1 ? "them" : "it"));
}

// The parts of the rules of one access, least decisive first: per tier
// (ordinary, then always) the descendant parts, then the self parts
// (SbplOrder.h). A descendant part is written as everything the rule
// covers: where that also matches the rule's own paths, its self part
// matches there too and comes later. An exact rule has no descendant part.
std::optional<std::vector<Part>> ladder(Profile &profile, const std::vector<Placed> &all,
                                        ir::Access access) {
  std::vector<Part> out;
  std::set<const Placed *> reported; // one warning per allow rule says what it loses
  for (ir::Tier tier : {ir::Tier::Ordinary, ir::Tier::Always}) {
    for (bool self : {false, true}) {
      std::vector<Part> members;
      std::vector<OrderItem> items;
      for (const Placed &p : all) {
        if (p.rule->access != access || p.rule->tier != tier)
          continue;
        Part part{&p, self};
        if (part.filters().fit == Fit::Omitted)
          continue;
        if (!self && p.pattern.relative.form == fs::PatternForm::Exact)
          continue;
        members.push_back(part);
        items.push_back(
            OrderItem{self ? &p.selfPattern : &p.pattern, p.rule->effect, p.index, true});
      }
      OrderPair cycle;
      auto result = orderRules(items, cycle);
      if (!result) {
        reportCycle(profile, *members[cycle.first].placed, *members[cycle.second].placed);
        return std::nullopt;
      }
      for (const OrderPair &pair : result->deniedBoth)
        if (reported.insert(members[pair.first].placed).second)
          reportDeniedBoth(profile, *members[pair.first].placed, *members[pair.second].placed);
      for (size_t i : result->order)
        out.push_back(members[i]);
    }
  }
  return out;
}

void emitLadder(Profile &profile, const char *operation, ir::Effect byDefault,
                const std::vector<Part> &parts) {
  profile.rule(byDefault, operation, {}, "default");
  for (const Part &p : parts) {
    const ir::FsRule &rule = *p.placed->rule;
    std::string comment = profile.provenance(rule);
    if (rule.pattern.form != fs::PatternForm::Exact)
      comment += p.self ? " (itself)" : " (beneath)";
    profile.rule(rule.effect, operation, p.filters().filters, comment);
  }
}

bool emitFilesystem(Profile &profile) {
  const ir::Policy &policy = profile.policy;
  if (policy.options.flag(ir::OptionId::FilesystemDisabled)) {
    profile.section("Filesystem: not confined (filesystem-disabled is set).");
    profile.rule(ir::Effect::Allow, "file-read*", {}, "");
    profile.rule(ir::Effect::Allow, "process-exec*", {}, "");
    profile.rule(ir::Effect::Allow, "file-write*", {}, "");
    return true;
  }
  std::vector<Placed> placed;
  if (!placeRules(profile, placed))
    return false;
  auto reads = ladder(profile, placed, ir::Access::Read);
  auto writes = ladder(profile, placed, ir::Access::Write);
  if (!reads || !writes)
    return false;

  profile.section("Read: the default, then the rules from least to most decisive.");
  emitLadder(profile, "file-read*", policy.defaults.read, *reads);
  profile.section("Execute: decided like read.");
  emitLadder(profile, "process-exec*", policy.defaults.read, *reads);
  profile.section("Write (create, modify, delete, rename): the default, then the rules.");
  emitLadder(profile, "file-write*", policy.defaults.write, *writes);

  // Ancestors of write-protected paths: renaming or deleting one would carry
  // the protected path away from the name the rule protects.
  bool first = true;
  std::set<std::string> seen;
  for (const Placed &p : placed) {
    if (p.rule->access != ir::Access::Write || p.rule->effect != ir::Effect::Deny)
      continue;
    std::string why;
    auto ancestors = ancestorFilters(p.pattern, why);
    if (!ancestors) {
      profile.diags.report(DiagKind::BackendRefused, p.rule->prov.loc,
                           fmt::format("cannot write the ancestors of '{}' in a Seatbelt profile: {}",
                                       ir::ruleText(*p.rule), why));
      return false;
    }
    std::vector<std::string> fresh;
    for (std::string &f : *ancestors)
      if (seen.insert(f).second)
        fresh.push_back(std::move(f));
    if (fresh.empty())
      continue;
    if (first)
      profile.section("Protected paths' ancestors may not be renamed or deleted.");
    first = false;
    profile.rule(ir::Effect::Deny, "file-write-unlink", fresh, profile.provenance(*p.rule));
  }
  return true;
}

} // namespace

void build(const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
           BuildResult &result) {
  build(policy, options, ProfileOptions{}, diags, result);
}

void build(const ir::Policy &policy, const BuildOptions &options, const ProfileOptions &profileOptions,
           DiagnosticEngine &diags, BuildResult &result) {
  if (!options.format.empty()) {
    diags.report(DiagKind::BackendRefused, SourceLoc{},
                 fmt::format("the sbpl target has one output form; --format={} is not one of "
                             "its formats",
                             options.format));
    return;
  }
  if (policy.options.flag(ir::OptionId::SandboxDisabled)) {
    const auto &set = policy.options.get(ir::OptionId::SandboxDisabled);
    diags.report(DiagKind::BackendRefused, set ? set->loc : SourceLoc{},
                 "the policy disables the sandbox (sandbox-disabled): there is nothing for a "
                 "Seatbelt profile to enforce, and moat does not write an unconfined one");
    return;
  }
  Profile profile{policy, options, profileOptions, diags};
  profile.baseline();
  if (!emitFilesystem(profile))
    return;
  if (!profile.network())
    return;
  if (diags.hasErrors())
    return;
  result.output = profile.text();
  result.advice.push_back(profile.launchAdvice());
}

} // namespace moat::backends::sbpl
