// The `moat diff` driver: for each platform and access, enumerate the
// regions two policies decide differently (DiffRegions.h), check every
// witness with the reference evaluator, fold regions that are the same on
// Linux and macOS into one, and sort.
#include "compiler/verify/Diff.h"

#include "compiler/eval/Evaluator.h"
#include "compiler/verify/DiffSpaces.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <memory>
#include <tuple>

namespace moat::verify {

namespace {

// The name of an enum value from a table in declaration order. The
// static_asserts beside each table tie its length to the enum's last value,
// so adding or inserting a value without a name does not compile.
template <typename E, size_t N> const char *nameOf(E value, const char *const (&names)[N]) {
  size_t i = static_cast<size_t>(value);
  return i < N ? names[i] : "?";
}

constexpr const char *kDiffAccessNames[] = {"read", "write", "connect", "unix-socket"};
static_assert(std::size(kDiffAccessNames) == static_cast<size_t>(DiffAccess::UnixSocket) + 1);

constexpr const char *kOutcomeNames[] = {"deny", "ask", "allow"};
static_assert(std::size(kOutcomeNames) == static_cast<size_t>(Outcome::Allow) + 1);

} // namespace

const char *diffAccessName(DiffAccess a) { return nameOf(a, kDiffAccessNames); }

const char *directionName(Direction d) { return d == Direction::Looser ? "looser" : "tighter"; }

const char *outcomeName(Outcome o) { return nameOf(o, kOutcomeNames); }

size_t PolicyDiff::count(Direction d) const {
  size_t n = 0;
  for (const DiffRegion &r : regions)
    n += r.direction == d;
  for (const OptionChange &c : options)
    n += c.direction == d;
  for (const GitChange &c : git)
    n += c.direction == d;
  return n;
}

namespace {

using namespace detail;

constexpr ir::Platform kPlatforms[2] = {ir::Platform::Linux, ir::Platform::MacOS};

Outcome outcomeOf(ir::Effect e) { return e == ir::Effect::Allow ? Outcome::Allow : Outcome::Deny; }

ir::OptionId disablingOption(const ir::Policy &policy) {
  return policy.options.flag(ir::OptionId::SandboxDisabled) ? ir::OptionId::SandboxDisabled
                                                             : ir::OptionId::FilesystemDisabled;
}

// A decider of the kind `by` names. The caller fills in the rule; a
// decision by a disabled sandbox names `disabling`.
Decider deciderOf(Outcome outcome, eval::DecidedBy by, ir::OptionId disabling) {
  Decider out;
  out.outcome = outcome;
  switch (by) {
  case eval::DecidedBy::Rule:
    out.kind = Decider::Kind::Rule;
    break;
  case eval::DecidedBy::Default:
    out.kind = Decider::Kind::Default;
    break;
  case eval::DecidedBy::Disabled:
    out.kind = Decider::Kind::Option;
    out.option = disabling;
    break;
  }
  return out;
}

Decider fromFs(const ir::Policy &policy, const eval::FsDecision &d) {
  Decider out = deciderOf(outcomeOf(d.effect), d.by, disablingOption(policy));
  if (out.kind == Decider::Kind::Rule)
    out.fsRule = d.rule;
  return out;
}

Decider fromNet(const eval::NetDecision &d) {
  Outcome outcome = d.outcome == eval::NetDecision::Outcome::Allow  ? Outcome::Allow
                    : d.outcome == eval::NetDecision::Outcome::Ask ? Outcome::Ask
                                                                   : Outcome::Deny;
  Decider out = deciderOf(outcome, d.by, ir::OptionId::SandboxDisabled);
  if (out.kind == Decider::Kind::Rule)
    out.netRule = d.rule;
  return out;
}

// A decider's place in the output order: rules in policy order, then the
// default, then options.
std::tuple<int, size_t> orderOf(const ir::Policy &policy, const Decider &d) {
  switch (d.kind) {
  case Decider::Kind::Rule:
    if (d.fsRule)
      return {0, static_cast<size_t>(d.fsRule - policy.fsRules.data())};
    if (d.netRule)
      return {0, static_cast<size_t>(d.netRule - policy.netRules.data())};
    return {0, static_cast<size_t>(d.socketRule - policy.unixSockets.data())};
  case Decider::Kind::Default:
    return {1, 0};
  case Decider::Kind::Option:
    return {2, static_cast<size_t>(d.option)};
  }
  return {3, 0};
}

using DeciderId = std::tuple<int, const void *, int, int>;
DeciderId idOf(const Decider &d) {
  const void *rule = d.fsRule ? static_cast<const void *>(d.fsRule)
                     : d.netRule ? static_cast<const void *>(d.netRule)
                                 : static_cast<const void *>(d.socketRule);
  return {static_cast<int>(d.kind), rule, static_cast<int>(d.option), static_cast<int>(d.outcome)};
}

class Differ {
public:
  Differ(const ir::Policy &before, const ir::Policy &after, const eval::Bindings &bindings, RegionCut cut)
      : policies_{&before, &after}, bindings_(bindings), cut_(cut) {}

  bool run(PolicyDiff &out, std::string &error) {
    for (int s = 0; s < 2; ++s)
      for (int p = 0; p < 2; ++p) {
        auto sockets = socketSide(*policies_[s], bindings_, kPlatforms[p], error);
        if (!sockets)
          return fail(s, error);
        sockets_[s][p] = std::move(*sockets);
      }
    // An access whose rules are the same on both platforms (no `on linux`
    // / `on macos` rule in either policy) is compared once, for both.
    bool fsShared = !platformSpecific(&ir::Policy::fsRules), netShared = !platformSpecific(&ir::Policy::netRules),
         socketsShared = !platformSpecific(&ir::Policy::unixSockets);
    std::vector<DiffRegion> perPlatform[2];
    for (int p = 0; p < 2; ++p) {
      auto platformOf = [&](bool shared) { return shared ? ir::Platform::Any : kPlatforms[p]; };
      if (p == 0 || !fsShared) {
        for (ir::Access access : {ir::Access::Read, ir::Access::Write}) {
          std::optional<PathSide> sides[2];
          for (int s = 0; s < 2; ++s) {
            sides[s] = fsSide(*policies_[s], bindings_, kPlatforms[p], access, error);
            if (!sides[s])
              return fail(s, error);
          }
          DiffAccess what = access == ir::Access::Read ? DiffAccess::Read : DiffAccess::Write;
          PathSpace paths;
          // A rule is two entries (its self and descendant parts,
          // decisionParts): regions that differ only in the part are one
          // change of the same rules, reported once with the shorter witness.
          std::map<std::pair<DeciderId, DeciderId>, size_t> seen;
          // Network and socket lists have no restated copies to fold.
          auto regions = cut_ == RegionCut::FoldShadowed
                             ? enumerateDecisiveRegions(paths, sides[0]->entries, sides[1]->entries)
                             : enumerateRegions(paths, sides[0]->entries, sides[1]->entries);
          for (auto &found : regions) {
            DiffRegion r = region(what, platformOf(fsShared), sides[0]->entries[found.before].decider,
                                  sides[1]->entries[found.after].decider, found.witness, {});
            auto [it, fresh] = seen.try_emplace(std::make_pair(idOf(r.before), idOf(r.after)), perPlatform[p].size());
            if (fresh)
              perPlatform[p].push_back(std::move(r));
            else if (r.path.size() < perPlatform[p][it->second].path.size())
              perPlatform[p][it->second] = std::move(r);
          }
          if (paths.undecided())
            return tooComplex(what, error);
        }
      }
      if (p == 0 || !netShared) {
        HostSide net[2] = {netSide(*policies_[0], kPlatforms[p]), netSide(*policies_[1], kPlatforms[p])};
        // A deny on a loopback address is also an entry for the loopback
        // names (netSide): one change of the same rules, reported once.
        std::set<std::pair<DeciderId, DeciderId>> seenNet;
        for (auto &found : enumerateRegions(HostSpace(), net[0].entries, net[1].entries)) {
          DiffRegion r = region(DiffAccess::Connect, platformOf(netShared), net[0].entries[found.before].decider,
                                net[1].entries[found.after].decider, "", found.witness);
          if (seenNet.emplace(idOf(r.before), idOf(r.after)).second)
            perPlatform[p].push_back(std::move(r));
        }
      }
      if (p == 0 || !socketsShared) {
        PathSpace sockets;
        for (auto &found : enumerateRegions(sockets, sockets_[0][p].entries, sockets_[1][p].entries))
          perPlatform[p].push_back(region(DiffAccess::UnixSocket, platformOf(socketsShared),
                                          sockets_[0][p].entries[found.before].decider,
                                          sockets_[1][p].entries[found.after].decider, found.witness, {}));
        if (sockets.undecided())
          return tooComplex(DiffAccess::UnixSocket, error);
      }
    }
    // Fail closed: a region the evaluator does not confirm is a bug here,
    // and a diff that may be wrong must not pass a CI gate. (Identical
    // policies have nothing to check and skip building the evaluators.)
    if (!perPlatform[0].empty() || !perPlatform[1].empty())
      for (int s = 0; s < 2; ++s)
        for (int p = 0; p < 2; ++p) {
          evaluators_[s][p] = eval::Evaluator::create(*policies_[s], bindings_, kPlatforms[p], error);
          if (!evaluators_[s][p])
            return fail(s, error);
        }
    for (int p = 0; p < 2; ++p)
      for (const DiffRegion &r : perPlatform[p])
        if (!confirmed(r, p, error)) // a shared access has the same lists on macOS
          return false;
    out.regions = mergePlatforms(perPlatform[0], perPlatform[1]);
    sort(out.regions);
    out.options = diffOptions(policies_[0]->options, policies_[1]->options);
    out.git = diffGit(policies_[0]->git, policies_[1]->git);
    return true;
  }

private:
  // Never "no difference" by default: a search that ran out of budget may
  // have missed a region.
  static bool tooComplex(DiffAccess access, std::string &error) {
    error = std::string("cannot decide the ") + diffAccessName(access) +
            " difference: the patterns are too complex to search exhaustively (a glob with many '?' or "
            "classes after a '*' grows exponentially); simplify the glob";
    return false;
  }

  static bool fail(int side, std::string &error) {
    error = std::string(side == 0 ? "old" : "new") + " policy: " + error;
    return false;
  }

  static DiffRegion region(DiffAccess access, ir::Platform platform, const Decider &before, const Decider &after,
                           std::string path, net::Endpoint endpoint) {
    DiffRegion r;
    r.access = access;
    r.platform = platform;
    r.before = before;
    r.after = after;
    r.direction = after.outcome > before.outcome ? Direction::Looser : Direction::Tighter;
    r.path = std::move(path);
    r.endpoint = std::move(endpoint);
    return r;
  }

  template <typename Rule> bool platformSpecific(std::vector<Rule> ir::Policy::*rules) const {
    for (const ir::Policy *policy : policies_)
      for (const Rule &rule : policy->*rules)
        if (rule.platform != ir::Platform::Any)
          return true;
    return false;
  }

  // What decides the region's witness on platform index p, side s.
  Decider decide(int s, int p, const DiffRegion &r) const {
    const eval::Evaluator &ev = *evaluators_[s][p];
    switch (r.access) {
    case DiffAccess::Read:
      return fromFs(*policies_[s], ev.decide(r.path, ir::Access::Read));
    case DiffAccess::Write:
      return fromFs(*policies_[s], ev.decide(r.path, ir::Access::Write));
    case DiffAccess::Connect:
      return fromNet(ev.decide(r.endpoint.host, r.endpoint.port));
    case DiffAccess::UnixSocket:
      return decidePath(sockets_[s][p], r.path);
    }
    return Decider{};
  }

  bool holdsOn(int p, const DiffRegion &r) const {
    return decide(0, p, r) == r.before && decide(1, p, r) == r.after;
  }

  bool confirmed(const DiffRegion &r, int p, std::string &error) const {
    bool ok = holdsOn(p, r);
    if (ok && r.access == DiffAccess::UnixSocket) // the evaluator's own answer, not just our list
      for (int s = 0; s < 2; ++s) {
        bool allowed = (s == 0 ? r.before : r.after).outcome == Outcome::Allow;
        ok = ok && evaluators_[s][p]->unixSocketAllowed(r.path) == allowed;
      }
    if (!ok)
      error = std::string("internal error: the evaluator does not confirm the ") + diffAccessName(r.access) +
              " change at '" + (r.access == DiffAccess::Connect ? r.endpoint.host.text() : r.path) + "' on " +
              ir::platformName(kPlatforms[p]);
    return ok;
  }

  // A region found on both platforms with the same deciders is reported once
  // when one witness shows it on both.
  std::vector<DiffRegion> mergePlatforms(std::vector<DiffRegion> &onLinux, std::vector<DiffRegion> &onMacos) const {
    std::map<std::tuple<int, DeciderId, DeciderId>, size_t> macos;
    for (size_t k = 0; k < onMacos.size(); ++k)
      macos.emplace(std::make_tuple(static_cast<int>(onMacos[k].access), idOf(onMacos[k].before),
                                    idOf(onMacos[k].after)),
                    k);
    std::vector<bool> used(onMacos.size(), false);
    std::vector<DiffRegion> out;
    for (DiffRegion &l : onLinux) {
      auto it = macos.find(std::make_tuple(static_cast<int>(l.access), idOf(l.before), idOf(l.after)));
      if (it != macos.end()) {
        DiffRegion &m = onMacos[it->second];
        if (holdsOn(1, l)) {
          l.platform = ir::Platform::Any;
          used[it->second] = true;
        } else if (holdsOn(0, m)) {
          m.platform = ir::Platform::Any;
          used[it->second] = true;
          out.push_back(std::move(m));
          continue;
        }
      }
      out.push_back(std::move(l));
    }
    for (size_t k = 0; k < onMacos.size(); ++k)
      if (!used[k])
        out.push_back(std::move(onMacos[k]));
    return out;
  }

  void sort(std::vector<DiffRegion> &regions) const {
    auto witness = [](const DiffRegion &r) {
      return std::make_tuple(r.path, r.endpoint.host.text(), r.endpoint.port);
    };
    std::sort(regions.begin(), regions.end(), [&](const DiffRegion &a, const DiffRegion &b) {
      return std::make_tuple(a.direction, a.access, orderOf(*policies_[0], a.before), orderOf(*policies_[1], a.after),
                             a.platform, witness(a)) <
             std::make_tuple(b.direction, b.access, orderOf(*policies_[0], b.before), orderOf(*policies_[1], b.after),
                             b.platform, witness(b));
    });
  }

  const ir::Policy *policies_[2];
  const eval::Bindings &bindings_;
  RegionCut cut_;
  std::unique_ptr<eval::Evaluator> evaluators_[2][2];
  PathSide sockets_[2][2];
};

} // namespace

std::optional<PolicyDiff> diffPolicies(const ir::Policy &before, const ir::Policy &after,
                                       const eval::Bindings &bindings, std::string &error, RegionCut cut) {
  PolicyDiff out;
  if (!Differ(before, after, bindings, cut).run(out, error))
    return std::nullopt;
  return out;
}

} // namespace moat::verify
