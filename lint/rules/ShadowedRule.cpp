// shadowed-rule: a rule that decides nothing, because the rules that decide
// before it cover everything it matches. Docs: docs/rules/shadowed-rule.md.
//
// Filesystem, per platform and access, over the rules split into their
// self and descendant parts in decision order (verify::decisionParts): rule
// R is shadowed iff no path lies in one of R's parts and in no part before
// it, i.e. findPathSets({part}, {parts before it}) is empty for each part.
// That question is exact but not free, so a cheap witness comes first: R's
// own literal path (a glob instantiated, with a few fillers for its
// wildcards) and a child of it, asked of the evaluator; when R decides one of them, R is not shadowed. Only rules
// that fail that test go to the exact procedure, with only the rules whose
// literal prefix agrees with R's (the others share no path with it).
//
// Network: any matching deny wins, so an allow is shadowed iff every
// endpoint it matches is denied; a deny is shadowed iff the other denies
// cover it. Denies are taken from the last to the first and a shadowed one
// leaves the covering set, so of two that cover each other only the later
// is reported, and all reported denies can be removed together.
//
// A rule is reported only when it is shadowed on every platform where it
// applies. Built-in rules are never reported, but are named as the rules
// that cover.
#include "lint/rules/ShadowedRule.h"

#include "compiler/eval/FsEvaluator.h"
#include "compiler/ir/RuleText.h"
#include "compiler/net/HostIndex.h"
#include "compiler/verify/PrefixIndex.h"
#include "compiler/verify/Witness.h"
#include "lint/Background.h"
#include "lint/rules/AssertFailed.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace moat::lint {

namespace {

constexpr size_t kMaxNotes = 5;
// Product states all exact searches of one access may keep together (a
// single search may keep 500k, SearchBudget).
constexpr size_t kStatesPerCheck = 1'000'000;

// Where the findings go: collected, then reported by the caller (this rule
// may run on another thread, lint/Background.h).
struct Findings {
  const ir::Policy &policy;
  const RuleInfo &self;
  std::vector<Diagnostic> list;
  Diagnostic &report(SourceLoc loc, std::string message) {
    return list.emplace_back(findingOf(self, loc, std::move(message)));
  }
};

// What one rule looks like after every platform has been examined.
template <typename Rule> struct Verdict {
  bool applies = false;
  bool shadowed = true;         // on every platform examined so far
  std::vector<const Rule *> by; // the covering rules, of every platform
};

// The rules to name as covering: a cover from which no rule can be left
// out (tried from the last in decision order, so the rules that decide
// first stay). `covers(sub)` says whether `sub` still covers the rule.
// `meets(i)` filters the candidates down to those that share a member with
// the rule; a large cover is named as it is (the search is quadratic).
template <typename Meets, typename Covers>
std::vector<size_t> minimalCover(const std::vector<size_t> &candidates, Meets meets, Covers covers) {
  std::vector<size_t> cover;
  for (size_t c : candidates)
    if (meets(c))
      cover.push_back(c);
  if (cover.size() > 64)
    return cover;
  for (size_t i = cover.size(); i-- > 0;) {
    std::vector<size_t> without = cover;
    without.erase(without.begin() + static_cast<std::ptrdiff_t>(i));
    if (covers(without))
      cover = std::move(without);
  }
  return cover;
}

// `name` (an instance of a glob, wildcards as 'x') with every filler 'x'
// that the glob did not write replaced by `filler`, when the result still
// matches the glob; else `name`. Another filler often dodges a deny that
// the first instance happens to match (`x*?` against `xax`).
std::string refill(const std::string &glob, const std::string &name, char filler) {
  std::string error;
  auto tokens = fs::parseGlobComponent(glob, error);
  if (!tokens || tokens->size() != name.size())
    return name; // `*` instances are one byte per token: otherwise keep it
  std::string out = name;
  for (size_t i = 0; i < tokens->size(); ++i)
    if ((*tokens)[i].kind == fs::GlobToken::Kind::AnyRun || (*tokens)[i].kind == fs::GlobToken::Kind::AnyByte)
      out[i] = filler;
  return fs::matchComponent(glob, out) ? out : name;
}

// A path R itself matches: its literal components, one name per glob
// component, nothing for `**`. nullopt when a glob has no simple instance.
std::optional<std::vector<std::string>> instanceOf(const fs::PathPattern &bound, char filler = 'x') {
  std::vector<std::string> out;
  for (const std::string &c : bound.components) {
    if (!bound.isGlob()) {
      out.push_back(c);
      continue;
    }
    if (c == "**")
      continue;
    std::string error;
    auto cg = fs::ComponentGlob::compile(c, error);
    if (!cg)
      return std::nullopt;
    if (cg->isLiteral()) {
      out.push_back(cg->literal());
      continue;
    }
    auto name = instantiate(c);
    if (!name)
      return std::nullopt;
    out.push_back(filler == 'x' ? *name : refill(c, *name, filler));
  }
  return out;
}

// Does R decide one of a few paths it obviously matches?
bool decidesSomething(const eval::FsEvaluator &ev, const verify::BoundFsRule &r, const fs::PatternMatcher &m,
                      ir::Access access) {
  for (char filler : {'x', '0', '_'}) {
    auto instance = instanceOf(r.bound, filler);
    if (!instance)
      return false;
    std::vector<std::string> child = *instance;
    child.push_back("moat-probe");
    for (const auto *path : {&*instance, &child}) {
      std::vector<std::string_view> parts(path->begin(), path->end());
      if (!m.matches(parts))
        continue;
      auto d = ev.decide(parts, access);
      if (d && d->index == r.index)
        return true;
    }
  }
  return false;
}

std::string fsRuleName(const ir::FsRule &r) {
  return (r.prov.loc.valid() ? "'" : "the built-in protection '") + ir::ruleText(r) + "'";
}

std::string netRuleName(const ir::NetRule &r) {
  return (r.prov.loc.valid() ? "'" : "the built-in rule '") + ir::ruleText(r) + "'";
}

void reportFs(Findings &out, const ir::FsRule &rule, const Verdict<ir::FsRule> &v) {
  const RuleInfo &self = out.self;
  std::string message = "'" + ir::ruleText(rule) + "' never decides: ";
  if (v.by.empty()) {
    message += "no path matches it (a normalised path never has a '.' or '..' component)";
    out.report(rule.prov.loc, message);
    return;
  }
  bool always = false, sameEffect = true;
  for (const ir::FsRule *c : v.by) {
    always |= c->tier == ir::Tier::Always;
    sameEffect &= c->effect == rule.effect;
  }
  message += "every path it matches is decided first by ";
  message += v.by.size() == 1 ? fsRuleName(*v.by.front()) : fmt::format("one of {} rules", v.by.size());
  if (always && rule.tier == ir::Tier::Ordinary)
    message += " (an `always` rule beats every ordinary rule)";
  message += sameEffect ? "; it is redundant" : "; it has no effect";
  Diagnostic &d = out.report(rule.prov.loc, message);
  for (size_t i = 0; i < v.by.size() && i < kMaxNotes; ++i) {
    const ir::FsRule *c = v.by[i];
    if (c->prov.loc.valid())
      d.notes.push_back(LintContext::note(self, c->prov.loc, "this rule decides first: '" + ir::ruleText(*c) + "'"));
    else
      d.notes.push_back(LintContext::note(self, {}, fsRuleName(*c) + " decides first"));
  }
  if (v.by.size() > kMaxNotes)
    d.notes.push_back(LintContext::note(self, {}, fmt::format("and {} more rules", v.by.size() - kMaxNotes)));
}

void checkFs(Findings &out, const eval::Bindings &bindings) {
  const ir::Policy &policy = out.policy;
  std::map<size_t, Verdict<ir::FsRule>> verdicts; // by index in policy.fsRules
  // Without platform blocks both platforms see the same rules: one pass.
  bool neutral = std::all_of(policy.fsRules.begin(), policy.fsRules.end(),
                             [](const ir::FsRule &r) { return r.platform == ir::Platform::Any; });
  for (ir::Platform platform : {ir::Platform::Linux, ir::Platform::MacOS}) {
    if (neutral && platform == ir::Platform::MacOS)
      break;
    std::string error;
    auto ev = eval::FsEvaluator::create(policy, bindings, platform, error);
    if (!ev)
      return; // the context could not bind the policy either: lint-model says so
    for (ir::Access access : {ir::Access::Read, ir::Access::Write}) {
      auto rules = verify::boundFsRules(policy, bindings, platform, access, error);
      if (!rules)
        return;
      verify::PrefixIndex index(*rules);
      // One allowance of search states for the whole access, shared by the
      // rules: a policy full of hard globs costs a bounded time, and the
      // rules left without budget are "cannot decide" (never reported).
      size_t allowance = kStatesPerCheck;
      // Every rule as its self and descendant parts, in decision order.
      std::vector<verify::DecisionPart> parts = verify::decisionParts(*rules);
      std::vector<std::vector<size_t>> partsOf(rules->size());
      std::map<size_t, size_t> positionOf; // policy.fsRules index -> position in *rules
      for (size_t j = 0; j < rules->size(); ++j)
        positionOf[(*rules)[j].index] = j;
      for (size_t q = 0; q < parts.size(); ++q)
        partsOf[parts[q].rule].push_back(q);
      std::vector<fs::PatternMatcher> matchers;
      for (const verify::BoundFsRule &r : *rules)
        matchers.push_back(*fs::PatternMatcher::compile(r.bound, error)); // boundFsRules checked it
      for (size_t k = 0; k < rules->size(); ++k) {
        const verify::BoundFsRule &r = (*rules)[k];
        if (!r.rule->prov.loc.valid())
          continue; // built-in: not ours to report
        Verdict<ir::FsRule> &v = verdicts[r.index];
        v.applies = true;
        if (!v.shadowed)
          continue; // it decides something on another platform
        if (decidesSomething(*ev, r, matchers[k], access)) {
          v.shadowed = false;
          continue;
        }
        // Only the rules on R's branch of the tree can cover it; in the
        // order of parts (self before descendant), a later rule's self part
        // may decide before R's descendant part.
        std::vector<size_t> near = index.comparable(index.prefix(k));
        std::vector<char> isNear(rules->size(), 0);
        for (size_t j : near)
          isNear[j] = 1;
        // R is shadowed iff each of its parts is covered by the parts before
        // it (of the rules in `within`): a path of R that is not, or nullopt.
        // Too complex to decide within the budget: say nothing rather than
        // report a rule that might decide something.
        bool undecided = false;
        auto uncovered = [&](const std::vector<char> &within) -> std::optional<std::string> {
          for (size_t q : partsOf[k]) {
            std::vector<verify::PathSet> before;
            for (size_t j = 0; j < q; ++j)
              if (parts[j].rule != k && within[parts[j].rule])
                before.push_back(parts[j].set());
            verify::SearchBudget budget{std::min(verify::SearchBudget{}.states, allowance), false};
            size_t given = budget.states;
            auto w = verify::findPathSets({parts[q].set()}, before, budget);
            allowance -= given - budget.states;
            undecided |= budget.exhausted;
            if (w || budget.exhausted)
              return w;
          }
          return std::nullopt;
        };
        if (uncovered(isNear) || undecided) {
          v.shadowed = false;
          continue;
        }
        // The covering rules, grown from counterexamples: a path of R that
        // the cover so far leaves to R is decided, in the whole policy, by a
        // rule the cover lacks, and the evaluator names it. One search per
        // rule named, rather than one per rule on R's branch.
        std::vector<size_t> cover;
        std::vector<char> within(rules->size(), 0);
        for (;;) {
          auto w = uncovered(within);
          if (!w || undecided)
            break;
          std::vector<std::string_view> path = fs::splitPath(*w);
          auto d = ev->decide(path, access);
          auto at = d ? positionOf.find(d->index) : positionOf.end();
          if (at == positionOf.end() || at->second == k || within[at->second]) {
            cover.clear(); // cannot happen when R is shadowed; name every candidate
            for (size_t j : near)
              if (j != k)
                cover.push_back(j);
            break;
          }
          within[at->second] = 1;
          cover.push_back(at->second);
        }
        std::sort(cover.begin(), cover.end());
        for (size_t j : minimalCover(
                 cover, [](size_t) { return true; },
                 [&](const std::vector<size_t> &sub) {
                   std::vector<char> in(rules->size(), 0);
                   for (size_t c : sub)
                     in[c] = 1;
                   bool was = undecided;
                   undecided = false;
                   bool covers = !uncovered(in) && !undecided;
                   undecided = was;
                   return covers;
                 }))
          if (std::find(v.by.begin(), v.by.end(), (*rules)[j].rule) == v.by.end())
            v.by.push_back((*rules)[j].rule);
      }
    }
  }
  for (const auto &[index, v] : verdicts)
    if (v.applies && v.shadowed)
      reportFs(out, policy.fsRules[index], v);
}

void checkNet(Findings &out) {
  const ir::Policy &policy = out.policy;
  const RuleInfo &self = out.self;
  std::map<size_t, Verdict<ir::NetRule>> verdicts; // by index in policy.netRules
  bool neutral = std::all_of(policy.netRules.begin(), policy.netRules.end(),
                             [](const ir::NetRule &r) { return r.platform == ir::Platform::Any; });
  for (ir::Platform platform : {ir::Platform::Linux, ir::Platform::MacOS}) {
    if (neutral && platform == ir::Platform::MacOS)
      break;
    std::vector<size_t> allows, denies, ruleAt; // ruleAt: index position -> rule index
    std::vector<const net::HostPattern *> hosts;
    for (size_t i = 0; i < policy.netRules.size(); ++i) {
      const ir::NetRule &r = policy.netRules[i];
      if (r.platform != ir::Platform::Any && r.platform != platform)
        continue;
      (r.effect == ir::Effect::Allow ? allows : denies).push_back(i);
      ruleAt.push_back(i);
      hosts.push_back(&r.host);
    }
    // Only the denies that share an endpoint with a rule can cover it.
    net::HostIndex index(hosts);
    std::vector<char> covering(policy.netRules.size(), 0); // the denies still in the covering set
    for (size_t d : denies)
      covering[d] = 1;
    auto coverOf = [&](size_t i) {
      std::vector<size_t> positions, out;
      index.meeting(policy.netRules[i].host, positions);
      for (size_t k : positions)
        if (ruleAt[k] != i && covering[ruleAt[k]])
          out.push_back(ruleAt[k]);
      return out;
    };
    // Is rule i covered by the rules in `cover` (indices, all meeting it)?
    auto covered = [&](size_t i, const std::vector<size_t> &cover) {
      if (cover.empty())
        return false; // no pattern is empty: every rule matches some endpoint
      std::vector<const net::HostPattern *> ex;
      for (size_t c : cover)
        ex.push_back(&policy.netRules[c].host);
      return !verify::findEndpoint({&policy.netRules[i].host}, ex);
    };
    auto judge = [&](size_t i, const std::vector<size_t> &cover, bool isCovered) {
      const ir::NetRule &r = policy.netRules[i];
      if (!r.prov.loc.valid())
        return; // built-in: not ours to report
      Verdict<ir::NetRule> &v = verdicts[i];
      v.applies = true;
      if (!v.shadowed)
        return;
      if (!isCovered) {
        v.shadowed = false;
        return;
      }
      for (size_t c : minimalCover(
               cover, [](size_t) { return true; }, // coverOf gave only rules that meet it
               [&](const std::vector<size_t> &sub) { return covered(i, sub); }))
        if (std::find(v.by.begin(), v.by.end(), &policy.netRules[c]) == v.by.end())
          v.by.push_back(&policy.netRules[c]);
    };
    for (auto it = denies.rbegin(); it != denies.rend(); ++it) {
      std::vector<size_t> others = coverOf(*it);
      bool isCovered = covered(*it, others);
      if (isCovered)
        covering[*it] = 0; // the rest still cover everything it covered
      judge(*it, others, isCovered);
    }
    for (size_t d : denies)
      covering[d] = 1; // an allow is shadowed by any deny, redundant or not
    for (size_t a : allows) {
      std::vector<size_t> cover = coverOf(a);
      judge(a, cover, covered(a, cover));
    }
  }
  for (const auto &[index, v] : verdicts) {
    if (!v.applies || !v.shadowed)
      continue;
    const ir::NetRule &rule = policy.netRules[index];
    std::string by = v.by.size() == 1 ? netRuleName(*v.by.front()) : fmt::format("{} deny rules", v.by.size());
    std::string message =
        rule.effect == ir::Effect::Allow
            ? "'" + ir::ruleText(rule) + "' never decides: every endpoint it matches is denied by " + by +
                  " (a matching deny always wins); it has no effect"
            : "'" + ir::ruleText(rule) + "' never decides: every endpoint it matches is also denied by " + by +
                  "; it is redundant";
    Diagnostic &d = out.report(rule.prov.loc, message);
    for (size_t i = 0; i < v.by.size() && i < kMaxNotes; ++i) {
      const ir::NetRule *c = v.by[i];
      d.notes.push_back(c->prov.loc.valid()
                            ? LintContext::note(self, c->prov.loc, "this rule denies it: '" + ir::ruleText(*c) + "'")
                            : LintContext::note(self, {}, netRuleName(*c) + " denies it"));
    }
    if (v.by.size() > kMaxNotes)
      d.notes.push_back(LintContext::note(self, {}, fmt::format("and {} more rules", v.by.size() - kMaxNotes)));
  }
}

} // namespace

std::vector<Diagnostic> computeShadowedRule(const ir::Policy &policy, const RuleInfo &self) {
  Findings out{policy, self, {}};
  if (policy.options.flag(ir::OptionId::SandboxDisabled))
    return {}; // nothing is decided by rules at all; other rules say so
  if (!policy.options.flag(ir::OptionId::FilesystemDisabled))
    checkFs(out, modelBindings());
  checkNet(out);
  return std::move(out.list);
}

void checkShadowedRule(const LintContext &ctx, const RuleInfo &self) {
  reportFindings(ctx, self, computeShadowedRule);
}

} // namespace moat::lint
