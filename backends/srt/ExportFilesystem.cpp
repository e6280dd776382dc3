// The filesystem lists of srt / Claude Code settings (SandboxExport.h says
// what each list means once re-imported). The IR has two tiers, exact-file
// patterns and defaults in both directions; the lists have one read tier, an
// ordinary allow-write and an `always` deny-write. Each step below says how
// it keeps the result from being looser; RoundTrip.h checks the whole.
#include "backends/srt/SandboxExport.h"

#include "backends/srt/SettingsPaths.h"
#include "compiler/eval/Evaluator.h"
#include "compiler/fs/Glob.h"
#include "compiler/fs/MatchClass.h"
#include "compiler/fs/Specificity.h"
#include "compiler/verify/Witness.h"

#include <fmt/format.h>

#include <algorithm>

namespace moat::backends::sandbox {

namespace {

enum class Origin {
  Rule,           // a policy rule
  Default,        // `default read deny` / `default write allow`
  ExactRemainder, // "X/*": keeps a single-file grant from covering X's contents
  Protection,     // a built-in protection spelled out at the top of a write root
  LaunchDir,      // Claude: takes back the launch directory Claude always grants
};

struct Entry {
  ir::Effect effect = ir::Effect::Deny;
  fs::PathPattern pattern; // settings roots ("", HOME, CWD); Subtree or Glob
  const ir::FsRule *rule = nullptr;
  Origin origin = Origin::Rule;
  bool alwaysTier = false;
  bool fromExact = false;
  fs::PathPattern bound;
  fs::Specificity spec;
  bool dropped = false;
};

const char *platformLabel(ir::Platform p) { return p == ir::Platform::MacOS ? "macOS" : "Linux"; }

fs::PathPattern subtreeOf(fs::PathPattern p) {
  p.form = fs::PatternForm::Subtree;
  return p;
}

// "X/*" for a literal X: every strict descendant of X.
fs::PathPattern childrenOf(const fs::PathPattern &literal) {
  fs::PathPattern p;
  p.root = literal.root;
  p.form = fs::PatternForm::Glob;
  for (const std::string &c : literal.components)
    p.components.push_back(fs::escapeGlobLiteral(c));
  p.components.push_back("*");
  return p;
}

// "X/**" covers exactly what the subtree X covers; srt on Linux honours the
// literal form in denyWrite but not the glob.
fs::PathPattern trailingStarsAsSubtree(const fs::PathPattern &p) {
  if (!p.isGlob() || p.components.empty() || p.components.back() != "**")
    return p;
  for (size_t i = 0; i + 1 < p.components.size(); ++i)
    if (fs::hasGlobChars(p.components[i]))
      return p;
  fs::PathPattern out;
  out.root = p.root;
  out.form = fs::PatternForm::Subtree;
  for (size_t i = 0; i + 1 < p.components.size(); ++i)
    out.components.push_back(fs::unescapeGlobLiteral(p.components[i]));
  return out;
}

bool overlaps(const fs::PathPattern &a, const fs::PathPattern &b) {
  const fs::PathPattern *include[] = {&a, &b};
  return verify::findPath(include, {}).has_value();
}

class FsExport {
public:
  FsExport(ExportContext &ctx) : ctx_(ctx), policy_(ctx.policy) {}

  bool run(SettingsLists &lists) {
    if (!createEvaluators())
      return false;
    bool ok = collectReads() && collectWrites();
    if (!ok)
      return false;
    flattenReadTiers();
    resolveSamePathReads();
    warnReadGlobs();
    honourLinuxWriteGlobs();
    dropWriteWithoutRead();
    if (ctx_.dialect == Dialect::Claude && !takeBackLaunchDir())
      return false;
    if (!spellOutProtections())
      return false;
    for (const Entry &e : reads_)
      if (!e.dropped)
        appendUnique(e.effect == ir::Effect::Allow ? lists.allowRead : lists.denyRead,
                     settingsText(e.pattern));
    for (const Entry &e : writes_)
      if (!e.dropped)
        appendUnique(e.effect == ir::Effect::Allow       ? lists.allowWrite
                     : e.origin == Origin::Protection ? lists.protectionDenyWrite
                                                      : lists.denyWrite,
                     settingsText(e.pattern));
    return true;
  }

private:
  bool createEvaluators() {
    std::string error;
    for (ir::Platform p : {ir::Platform::Linux, ir::Platform::MacOS}) {
      if ((p == ir::Platform::Linux && !scopeIncludesLinux(ctx_.scope)) ||
          (p == ir::Platform::MacOS && !scopeIncludesMacOS(ctx_.scope)))
        continue;
      auto ev = eval::Evaluator::create(policy_, ctx_.bindings, p, error);
      if (!ev) {
        ctx_.refuse(SourceLoc{}, "cannot bind the policy: " + error);
        return false;
      }
      evaluators_.push_back(std::move(ev));
    }
    return true;
  }

  // Adds an entry with its bound form; false (after an error) when it
  // cannot be bound.
  bool add(std::vector<Entry> &list, Entry e) {
    std::string error;
    auto bound = eval::bindPatternParts(policy_, ctx_.bindings, e.pattern, error);
    if (!bound) {
      ctx_.refuse(e.rule ? e.rule->prov.loc : SourceLoc{},
                  fmt::format("cannot bind '{}': {}", settingsText(e.pattern), error));
      return false;
    }
    e.bound = std::move(*bound);
    e.spec = fs::specificityOf(e.bound);
    list.push_back(std::move(e));
    return true;
  }

  Entry entry(ir::Effect effect, fs::PathPattern pattern, const ir::FsRule *rule, Origin origin) {
    Entry e;
    e.effect = effect;
    e.pattern = std::move(pattern);
    e.rule = rule;
    e.origin = origin;
    e.alwaysTier = rule && origin == Origin::Rule && rule->tier == ir::Tier::Always;
    return e;
  }

  // The rule's pattern in settings roots, or nullopt after an error. Allow
  // rules for one platform of a portable file are left out with a warning.
  std::optional<fs::PathPattern> pattern(const ir::FsRule &r, bool &skip) {
    skip = false;
    bool applies = r.effect == ir::Effect::Allow ? ctx_.allowApplies(r.platform)
                                                 : ctx_.denyApplies(r.platform);
    if (!applies) {
      skip = true;
      if (r.effect == ir::Effect::Allow)
        ctx_.tightened(&r, r.prov.loc,
                       fmt::format("this rule holds on {0} only, and the {1} file applies on "
                                   "every platform: it is left out (build with --format={2} for "
                                   "a {0}-only file)",
                                   platformLabel(r.platform), dialectName(ctx_.dialect),
                                   r.platform == ir::Platform::MacOS ? "macos" : "linux"));
      return std::nullopt;
    }
    std::string error;
    auto p = settingsPattern(policy_, ctx_.options, r.pattern, error);
    if (!p)
      ctx_.refuse(r.prov.loc, fmt::format("cannot write '{}' in {}: {}", r.pattern.text(),
                                          dialectName(ctx_.dialect), error));
    return p;
  }

  bool collectReads() {
    bool ok = true;
    if (policy_.defaults.read == ir::Effect::Deny)
      ok &= add(reads_, entry(ir::Effect::Deny, fs::PathPattern{}, nullptr, Origin::Default));
    for (const ir::FsRule &r : policy_.fsRules) {
      if (r.access != ir::Access::Read)
        continue;
      bool skip = false;
      auto p = pattern(r, skip);
      if (!p) {
        ok &= skip;
        continue;
      }
      if (p->form != fs::PatternForm::Exact) {
        ok &= add(reads_, entry(r.effect, *p, &r, Origin::Rule));
        continue;
      }
      // The settings have no exact-file form: the subtree X, and for an
      // allow "X/*" denied so that X's contents stay as they were.
      Entry e = entry(r.effect, subtreeOf(*p), &r, Origin::Rule);
      e.fromExact = true;
      ok &= add(reads_, std::move(e));
      if (r.effect == ir::Effect::Allow)
        ok &= add(reads_, entry(ir::Effect::Deny, childrenOf(*p), &r, Origin::ExactRemainder));
    }
    return ok;
  }

  // Re-imported read rules are all ordinary, and are ordered as the
  // evaluator orders them (docs/semantics.md "Specificity": match class,
  // then the five keys). An ordinary allow that would then decide a path an
  // `always` deny covers would win there, while the IR lets the deny win.
  // The deny is restated so that it wins again: inside the allow's
  // directory when the deny is "L/**/S" (restate), else as "STEM/**/*",
  // which matches everything beneath what the deny matches itself
  // (restateBeneath). When neither wins everywhere, the allow is left out
  // (tighter; a warning unless the IR left it nothing to grant).
  void flattenReadTiers() {
    std::vector<Entry> restated;
    for (Entry &a : reads_) {
      if (a.effect != ir::Effect::Allow || a.alwaysTier)
        continue;
      for (const Entry &d : reads_) {
        if (d.effect != ir::Effect::Deny || !d.alwaysTier || !allowWinsSomewhere(a, d))
          continue;
        if (restate(a, d, restated) || restateBeneath(a, d, restated))
          continue;
        a.dropped = true;
        const fs::PathPattern *include[] = {&a.bound};
        const fs::PathPattern *exclude[] = {&d.bound};
        if (a.rule && verify::findPath(include, exclude))
          ctx_.tightened(a.rule, a.rule->prov.loc,
                         fmt::format("the settings have no `always` tier for reads: allowRead '{}' "
                                     "would win over denyRead '{}' where the policy denies (srt "
                                     "orders them by match and specificity only), so it is left out",
                                     settingsText(a.pattern), settingsText(d.pattern)));
        break;
      }
    }
    for (Entry &e : restated)
      add(reads_, std::move(e)); // binds as everything else; the patterns are valid
  }

  // Whether the allow `a` would decide some path the deny `d` covers once
  // both are ordinary: where `a` matches the path itself and `d` only an
  // ancestor of it, or both in the same class and `a` is at least as
  // specific (equal counts: the importers let allowRead beat denyRead at
  // the same path). With `denySelfOnly`, only the paths `d` matches itself.
  // An exhausted search counts as a win (the caller then tightens).
  bool allowWinsSomewhere(const Entry &a, const Entry &d, bool denySelfOnly = false) {
    fs::PathPattern aSelf = fs::selfStem(a.bound), dSelf = fs::selfStem(d.bound);
    std::optional<fs::PathPattern> aBelow = fs::descendantsOf(a.bound), dBelow = fs::descendantsOf(d.bound);
    verify::PathSet aS{&aSelf, aSelf.form == fs::PatternForm::Glob};
    verify::PathSet dS{&dSelf, dSelf.form == fs::PatternForm::Glob};
    verify::SearchBudget budget;
    auto some = [&](std::initializer_list<verify::PathSet> in, std::initializer_list<verify::PathSet> out) {
      bool found = verify::findPathSets(in, out, budget).has_value();
      return found || budget.exhausted;
    };
    bool atLeast = fs::compareSpecificity(a.spec, d.spec) >= 0;
    if (atLeast && some({aS, dS}, {}))
      return true;
    if (denySelfOnly || !dBelow)
      return false;
    verify::PathSet dD{&*dBelow, false};
    if (some({aS, dD}, {dS}))
      return true;
    if (atLeast && aBelow && some({verify::PathSet{&*aBelow, false}, dD}, {aS, dS}))
      return true;
    return false;
  }

  // The deny `d` restated as "STEM/**/*" (STEM: d without trailing `**`),
  // which matches every path beneath what d matches itself, so it meets
  // the allow in the self class there. Kept only when the allow then wins
  // nowhere that d covers: not beneath (against the restatement) and not
  // at what d matches itself.
  bool restateBeneath(const Entry &a, const Entry &d, std::vector<Entry> &out) {
    fs::PathPattern stem = fs::selfStem(d.pattern);
    fs::PathPattern p;
    p.root = stem.root;
    p.form = fs::PatternForm::Glob;
    for (const std::string &c : stem.components)
      p.components.push_back(stem.form == fs::PatternForm::Exact ? fs::escapeGlobLiteral(c) : c);
    p.components.push_back("**");
    p.components.push_back("*");
    Entry r = entry(ir::Effect::Deny, std::move(p), d.rule, Origin::Rule);
    r.alwaysTier = true; // it stands for the `always` deny
    std::vector<Entry> bound;
    if (!add(bound, std::move(r)))
      return false;
    if (allowWinsSomewhere(a, bound.front()) || allowWinsSomewhere(a, d, /*denySelfOnly=*/true))
      return false;
    for (const Entry &e : out)
      if (e.pattern == bound.front().pattern)
        return true;
    out.push_back(std::move(bound.front()));
    return true;
  }

  // The part of the deny "L/**/S" inside the literal directory A = L/M, as
  // denies more specific than A: "A/**/S", and "A/T" wherever the last
  // components of A already match the first ones of S = (those, T). False
  // when the deny has another shape, or covers A whole (then the allow is
  // dead in the IR too, and leaving it out loses nothing).
  bool restate(const Entry &a, const Entry &d, std::vector<Entry> &out) {
    if (a.pattern.form != fs::PatternForm::Subtree || !d.bound.isGlob())
      return false;
    const std::vector<std::string> &dc = d.bound.components;
    const std::vector<std::string> &ac = a.bound.components;
    size_t star = 0;
    while (star < dc.size() && dc[star] != "**" && !fs::hasGlobChars(dc[star]))
      ++star;
    if (star == dc.size() || dc[star] != "**" || star + 1 == dc.size() || star > ac.size())
      return false;
    std::vector<std::string> tail(dc.begin() + star + 1, dc.end());
    for (const std::string &c : tail)
      if (c == "**")
        return false;
    for (size_t i = 0; i < star; ++i)
      if (fs::unescapeGlobLiteral(dc[i]) != ac[i])
        return false;
    std::string aPath;
    for (const std::string &c : ac)
      aPath += "/" + c;
    if (fs::patternMatchesPath(d.bound, aPath.empty() ? "/" : aPath))
      return false;

    auto inside = [&](std::vector<std::string> rest) {
      fs::PathPattern p;
      p.root = a.pattern.root;
      p.form = fs::PatternForm::Glob;
      for (const std::string &c : a.pattern.components)
        p.components.push_back(fs::escapeGlobLiteral(c));
      p.components.insert(p.components.end(), rest.begin(), rest.end());
      Entry e = entry(ir::Effect::Deny, std::move(p), d.rule, Origin::Rule);
      e.alwaysTier = true; // it stands for the `always` deny
      out.push_back(std::move(e));
    };
    std::vector<std::string> deep{"**"};
    deep.insert(deep.end(), tail.begin(), tail.end());
    inside(deep);
    for (size_t k = 1; k < tail.size() && star + k <= ac.size(); ++k) {
      bool match = true;
      for (size_t j = 0; j < k && match; ++j)
        match = fs::matchComponent(tail[j], ac[ac.size() - k + j]);
      if (match)
        inside(std::vector<std::string>(tail.begin() + k, tail.end()));
    }
    return true;
  }

  // The importers let allowRead beat denyRead at the same path, while the
  // IR lets the deny win at equal specificity. Keep an allow only where the
  // IR would let it win too.
  void resolveSamePathReads() {
    auto allowBeats = [](const Entry &a, const Entry &d) {
      if (d.origin == Origin::Default || d.origin == Origin::ExactRemainder)
        return true; // an allow of "/" beats the default; X/* only corrects a broadening
      if (a.alwaysTier != d.alwaysTier)
        return a.alwaysTier;
      return a.fromExact && !d.fromExact; // exact X beats subtree X; X/* stays denied
    };
    for (Entry &a : reads_) {
      if (a.effect != ir::Effect::Allow || a.dropped)
        continue;
      for (const Entry &d : reads_)
        if (d.effect == ir::Effect::Deny && !d.dropped && d.pattern == a.pattern &&
            !allowBeats(a, d)) {
          a.dropped = true;
          break;
        }
    }
  }

  // On Linux srt hides what a read-deny glob matches when the sandbox
  // starts; files created later are not hidden (the same limit as the bwrap
  // backend's launch-time scan, docs/semantics.md).
  void warnReadGlobs() {
    if (!scopeIncludesLinux(ctx_.scope))
      return;
    std::set<const ir::FsRule *> warned;
    for (const Entry &d : reads_) {
      if (d.effect != ir::Effect::Deny || d.dropped || !d.pattern.isGlob() || !d.rule ||
          !warned.insert(d.rule).second)
        continue;
      if (d.origin == Origin::ExactRemainder)
        ctx_.diags.report(DiagKind::UnenforceableRule, d.rule->prov.loc,
                          fmt::format("the settings deny reading '{}' so that this single-file "
                                      "grant does not cover what is beneath it; on Linux srt "
                                      "hides only what exists there when the sandbox starts",
                                      settingsText(d.pattern)));
      else
        ctx_.diags.report(DiagKind::UnenforceableRule, d.rule->prov.loc,
                          "on Linux srt hides what this glob matches only if it exists when the "
                          "sandbox starts; files created later stay readable there");
    }
  }

  bool collectWrites() {
    bool ok = true;
    if (policy_.defaults.write == ir::Effect::Allow)
      ok &= add(writes_, entry(ir::Effect::Allow, fs::PathPattern{}, nullptr, Origin::Default));
    for (const ir::FsRule &r : policy_.fsRules) {
      if (r.access != ir::Access::Write)
        continue;
      if (r.prov.layer == ir::Layer::Builtin) {
        if (r.effect == ir::Effect::Deny)
          protections_.push_back(&r);
        continue; // the importers add them back; spellOutProtections closes srt's gaps
      }
      bool skip = false;
      auto p = pattern(r, skip);
      if (!p) {
        ok &= skip;
        continue;
      }
      if (r.effect == ir::Effect::Deny) {
        fs::PathPattern q = p->form == fs::PatternForm::Exact ? subtreeOf(*p) : trailingStarsAsSubtree(*p);
        ok &= add(writes_, entry(ir::Effect::Deny, q, &r, Origin::Rule));
        continue;
      }
      if (p->form == fs::PatternForm::Exact) {
        if (ctx_.scope != Scope::MacOS) {
          ctx_.tightened(&r, r.prov.loc,
                         "the settings cannot grant writing one file without what is beneath it, "
                         "and on Linux srt ignores the glob that would limit the grant: it is "
                         "left out");
          continue;
        }
        ok &= add(writes_, entry(ir::Effect::Allow, subtreeOf(*p), &r, Origin::Rule));
        ok &= add(writes_, entry(ir::Effect::Deny, childrenOf(*p), &r, Origin::ExactRemainder));
        continue;
      }
      if (p->isGlob() && ctx_.scope == Scope::Linux) {
        ctx_.tightened(&r, r.prov.loc,
                       "srt on Linux ignores globs in write rules (sandbox-runtime#154): it is "
                       "left out");
        continue;
      }
      if (p->isGlob())
        ctx_.tightened(&r, r.prov.loc,
                       "srt on Linux ignores globs in write rules (sandbox-runtime#154): this "
                       "grant holds on macOS only");
      ok &= add(writes_, entry(ir::Effect::Allow, *p, &r, Origin::Rule));
    }
    return ok;
  }

  // On Linux srt enforces denyWrite entries that are literal paths and
  // ignores globs. A write grant that a glob deny cuts into is therefore
  // left out, so the glob's paths stay unwritable there.
  void honourLinuxWriteGlobs() {
    if (!scopeIncludesLinux(ctx_.scope))
      return;
    std::optional<fs::PathPattern> cwd = launchDirBound();
    for (const Entry &d : writes_) {
      if (d.effect != ir::Effect::Deny || !d.pattern.isGlob() || d.origin != Origin::Rule)
        continue;
      std::vector<std::string> lost;
      for (Entry &a : writes_) {
        if (a.effect != ir::Effect::Allow || a.dropped || !overlaps(a.bound, d.bound))
          continue;
        a.dropped = true;
        lost.push_back("'" + settingsText(a.pattern) + "'");
      }
      if (ctx_.dialect == Dialect::Claude && cwd && overlaps(*cwd, d.bound)) {
        launchDirDenied_ = true;
        lost.push_back("the launch directory");
      }
      if (lost.empty())
        continue;
      std::string list;
      for (const std::string &l : lost)
        list += (list.empty() ? "" : ", ") + l;
      ctx_.tightened(d.rule, d.rule->prov.loc,
                     fmt::format("srt on Linux ignores globs in denyWrite (only literal paths "
                                 "hold there), so to keep this rule the {} leave out write access "
                                 "to {}",
                                 dialectName(ctx_.dialect), list));
      for (Entry &a : writes_)
        if (a.dropped && a.rule)
          ctx_.explain(a.rule); // the warning at the deny says why
    }
  }

  // srt grants a write root by binding it read-write, which also makes it
  // readable (sandbox-runtime: denyRead "~" with allowWrite "~" leaves
  // ~/.ssh readable). A root the policy hides from reading is left out.
  void dropWriteWithoutRead() {
    for (Entry &a : writes_) {
      if (a.effect != ir::Effect::Allow || a.dropped || a.pattern.isGlob())
        continue;
      std::string path = "/";
      for (const std::string &c : a.bound.components)
        path += (path.size() > 1 ? "/" : "") + c;
      bool hidden = false;
      for (const auto &ev : evaluators_)
        hidden |= ev->decide(path, ir::Access::Read).effect == ir::Effect::Deny;
      if (!hidden)
        continue;
      a.dropped = true;
      const void *subject = a.rule ? static_cast<const void *>(a.rule)
                                   : static_cast<const void *>(&policy_.defaults.write);
      SourceLoc loc = a.rule ? a.rule->prov.loc : policy_.defaults.writeLoc;
      ctx_.tightened(subject, loc,
                     fmt::format("srt cannot grant writing without reading: it would bind '{}' "
                                 "read-write, which makes it readable, and the policy hides it "
                                 "from reading; the write grant is left out",
                                 settingsText(a.pattern)));
    }
  }

  std::optional<fs::PathPattern> launchDirPattern() {
    fs::PathPattern cwd;
    cwd.root = "CWD";
    std::string error;
    return settingsPattern(policy_, ctx_.options, cwd, error);
  }
  std::optional<fs::PathPattern> launchDirBound() {
    auto p = launchDirPattern();
    if (!p)
      return std::nullopt;
    std::string error;
    return eval::bindPatternParts(policy_, ctx_.bindings, *p, error);
  }

  // Claude Code's sandbox always lets the process write the launch
  // directory. Unless the policy allows or denies writing all of it by one
  // rule, whatever the launch directory is, the settings deny writing it
  // outright (denyWrite beats that grant). With --define CWD the directory
  // is known and the question is asked of it exactly.
  bool takeBackLaunchDir() {
    auto cwd = launchDirPattern();
    auto bound = launchDirBound();
    if (!cwd || !bound) {
      ctx_.refuse(SourceLoc{}, "cannot bind the launch directory ($CWD): pass --define CWD=PATH");
      return false;
    }
    std::string why;
    if (!launchDirDenied_ && policy_.defaults.write == ir::Effect::Deny) {
      for (ir::Platform p : {ir::Platform::Linux, ir::Platform::MacOS}) {
        if ((p == ir::Platform::Linux && !scopeIncludesLinux(ctx_.scope)) ||
            (p == ir::Platform::MacOS && !scopeIncludesMacOS(ctx_.scope)))
          continue;
        std::optional<std::string> gap;
        if (!launchDirCovered(p, *cwd, *bound, gap))
          return false;
        if (gap) {
          why = *gap;
          break;
        }
      }
    }
    if (!launchDirDenied_ && why.empty())
      return true;
    if (!add(writes_, entry(ir::Effect::Deny, *cwd, nullptr, Origin::LaunchDir)))
      return false;
    launchDirDenied_ = true;
    // Write grants inside it are dead now (denyWrite beats allowWrite);
    // leave them out rather than list what does not hold.
    for (Entry &a : writes_) {
      const auto &c = a.pattern.components;
      if (a.effect == ir::Effect::Allow && a.pattern.root == cwd->root &&
          c.size() >= cwd->components.size() &&
          std::equal(cwd->components.begin(), cwd->components.end(), c.begin(),
                     [&](const std::string &x, const std::string &y) {
                       return (a.pattern.isGlob() ? fs::escapeGlobLiteral(x) : x) == y;
                     }))
        a.dropped = true;
    }
    SourceLoc loc = policy_.defaults.writeLoc.valid() ? policy_.defaults.writeLoc : policy_.nameLoc;
    if (why.empty())
      why = "a glob in denyWrite cannot protect it on Linux";
    ctx_.explain(&policy_.defaults.write);
    ctx_.diags.report(DiagKind::UnenforceableRule, loc,
                      fmt::format("Claude Code's sandbox always lets the process write the launch "
                                  "directory, and {}: the settings deny writing '{}', which also "
                                  "takes back every write grant inside it",
                                  why, settingsText(*cwd)));
    return true;
  }

  // Whether the policy's write rules for `platform` decide every path of
  // the launch directory; otherwise `gap` says where the default decides.
  // False after an error.
  bool launchDirCovered(ir::Platform platform, const fs::PathPattern &cwd,
                        const fs::PathPattern &bound, std::optional<std::string> &gap) {
    bool symbolic = cwd.root == "CWD";
    std::vector<fs::PathPattern> covering;
    for (const ir::FsRule &r : policy_.fsRules) {
      if (r.access != ir::Access::Write || (r.platform != ir::Platform::Any && r.platform != platform))
        continue;
      if (symbolic) {
        // Covers every launch directory: "/", "$CWD", or either followed
        // by `**` only (after `let` variables are replaced).
        std::string error;
        auto p = settingsPattern(policy_, ctx_.options, r.pattern, error);
        if (!p || p->form == fs::PatternForm::Exact || (p->root != "" && p->root != "CWD"))
          continue;
        bool all = true;
        for (const std::string &c : p->components)
          all &= c == "**";
        if (all)
          return true;
        continue;
      }
      std::string error;
      auto b = eval::bindPatternParts(policy_, ctx_.bindings, r.pattern, error);
      if (!b) {
        ctx_.refuse(r.prov.loc, "cannot bind '" + r.pattern.text() + "': " + error);
        return false;
      }
      covering.push_back(std::move(*b));
    }
    if (symbolic) {
      gap = "no rule of this policy decides writes to all of it, wherever it is";
      return true;
    }
    std::vector<const fs::PathPattern *> exclude;
    for (const fs::PathPattern &c : covering)
      exclude.push_back(&c);
    const fs::PathPattern *include[] = {&bound};
    if (auto witness = verify::findPath(include, exclude))
      gap = fmt::format("this policy leaves {} to the default (deny)", *witness);
    return true;
  }

  // srt protects shell startup files, git hooks and config and agent
  // settings only where its own scan finds them (under the launch
  // directory, to a few levels; on macOS anchored there too). The settings
  // list moat's protections explicitly at the top of every write root, and
  // as globs beneath it for macOS, where srt honours globs in denyWrite.
  bool spellOutProtections() {
    struct Root {
      fs::PathPattern pattern;
      SourceLoc loc;
    };
    std::vector<Root> roots;
    for (const Entry &a : writes_)
      if (a.effect == ir::Effect::Allow && !a.dropped && !a.pattern.isGlob())
        roots.push_back(Root{a.pattern, a.rule ? a.rule->prov.loc : policy_.defaults.writeLoc});
    std::optional<fs::PathPattern> cwd;
    if (ctx_.dialect == Dialect::Claude && !launchDirDenied_)
      cwd = launchDirPattern();
    std::vector<fs::PathPattern> rootPatterns;
    for (const Root &r : roots)
      rootPatterns.push_back(r.pattern);
    if (cwd)
      rootPatterns.push_back(*cwd);

    bool ok = true;
    std::vector<Entry> extra;
    for (const fs::PathPattern &root : rootPatterns) {
      for (const ir::FsRule *b : protections_) {
        const std::vector<std::string> &c = b->pattern.components;
        if (b->pattern.root != "" || !b->pattern.isGlob() || c.size() < 2 || c[0] != "**")
          continue;
        std::vector<std::string> rest(c.begin() + 1, c.end());
        bool literal = true;
        for (const std::string &part : rest)
          literal &= !fs::hasGlobChars(part);
        if (literal) {
          fs::PathPattern top;
          top.root = root.root;
          top.components = root.components;
          for (const std::string &part : rest)
            top.components.push_back(fs::unescapeGlobLiteral(part));
          ok &= add(extra, entry(ir::Effect::Deny, top, nullptr, Origin::Protection));
        }
        if (scopeIncludesMacOS(ctx_.scope)) {
          fs::PathPattern deep;
          deep.root = root.root;
          deep.form = fs::PatternForm::Glob;
          for (const std::string &part : root.components)
            deep.components.push_back(fs::escapeGlobLiteral(part));
          deep.components.push_back("**");
          deep.components.insert(deep.components.end(), rest.begin(), rest.end());
          ok &= add(extra, entry(ir::Effect::Deny, deep, nullptr, Origin::Protection));
        }
      }
    }
    for (Entry &e : extra)
      writes_.push_back(std::move(e));

    if (!scopeIncludesLinux(ctx_.scope) || protections_.empty())
      return ok;
    // What the explicit entries cannot do on Linux: protect copies deeper
    // inside a write root (a nested repository's .git/hooks).
    auto report = [&](SourceLoc loc, const std::string &where) {
      ctx_.diags.report(
          DiagKind::UnenforceableRule, loc,
          fmt::format("on Linux srt protects shell startup files, git hooks and config and agent "
                      "settings only at the paths it finds under the launch directory (to depth "
                      "{}); the settings also list them at the top of {}, but copies deeper "
                      "inside it stay writable there",
                      ctx_.dialect == Dialect::Srt ? kSrtSearchDepth : 3, where));
    };
    for (const Root &r : roots)
      report(r.loc, "'" + settingsText(r.pattern) + "'");
    if (cwd) {
      bool listed = false;
      for (const Root &r : roots)
        listed |= r.pattern == *cwd;
      if (!listed)
        report(policy_.nameLoc, "the launch directory (Claude Code always lets it be written)");
    }
    return ok;
  }

  ExportContext &ctx_;
  const ir::Policy &policy_;
  std::vector<std::unique_ptr<eval::Evaluator>> evaluators_;
  std::vector<Entry> reads_, writes_;
  std::vector<const ir::FsRule *> protections_;
  bool launchDirDenied_ = false;
};

} // namespace

bool exportFilesystem(ExportContext &ctx, SettingsLists &lists) {
  return FsExport(ctx).run(lists);
}

} // namespace moat::backends::sandbox
