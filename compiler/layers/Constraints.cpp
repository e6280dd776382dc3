// The managed layer's constraints over the merged policy. Every question is
// exact (compiler/verify/Witness.h: a witness path or endpoint, never a
// sample), and a search that runs out of budget counts as a violation (fail
// closed). In order:
//   1. locks: under `lock network` / `lock filesystem read|write` a lower
//      rule of that dimension is ignored;
//   2. forbids: a lower allow rule that covers anything a `forbid` pattern
//      covers;
//   3. managed denies: a lower allow rule that decides, before a managed
//      deny rule, some path that deny covers (a more specific lower allow,
//      or any lower `always allow` over an ordinary managed deny). Managed
//      rules keep their tiers, so the managed policy's own exceptions and
//      moat's built-in protections decide as written; what no lower rule may
//      do is enforced by dropping it;
//   4. requirements: each `require` is decided over the effective policy;
//      the lower rule (or default) that decides a counterexample is dropped
//      and the requirement decided again, until it holds or what breaks it
//      is the managed policy's own doing (reported, nothing dropped).
#include "compiler/layers/LayersDetail.h"

#include "compiler/ir/RuleText.h"
#include "compiler/verify/Asserts.h"
#include "compiler/verify/Witness.h"

#include <fmt/format.h>

#include <set>

namespace moat::layers::detail {

namespace {

const ir::Platform kPlatforms[] = {ir::Platform::Linux, ir::Platform::MacOS};

std::string endpointText(const net::Endpoint &e) { return e.host.text() + ":" + std::to_string(e.port); }

const char *accessVerb(ir::Access a) { return a == ir::Access::Read ? "reading" : "writing"; }

const char *forbidKeyword(ir::ForbidSubject s) {
  switch (s) {
  case ir::ForbidSubject::Read:
    return "read";
  case ir::ForbidSubject::Write:
    return "write";
  case ir::ForbidSubject::Connect:
    return "connect";
  case ir::ForbidSubject::UnixSocket:
    return "unix-socket";
  }
  return "write";
}


} // namespace

std::string forbidNote(const ir::Forbid &f) {
  std::string note = fmt::format("forbidden here: 'forbid {} \"{}\"'", forbidKeyword(f.subject), f.text);
  if (!f.reason.empty())
    note += " because " + f.reason;
  return note;
}

namespace {

class Enforcer {
public:
  Enforcer(Merged &merged, const eval::Bindings &bindings, DiagnosticEngine &diags)
      : m_(merged), p_(merged.policy), bindings_(bindings), diags_(diags) {}

  bool run() {
    enforceGitConstraints(p_, optionLock(ir::OptionId::LockNetwork));
    locks();
    if (!forbids() || !managedDenies() || !requirementRules())
      return false;
    compact();
    return requirements();
  }

private:
  // ---- bookkeeping ------------------------------------------------------------

  void violation(SourceLoc lower, std::string message, SourceLoc managed, std::string note) {
    addViolation(p_, lower, std::move(message), managed, std::move(note));
  }

  // Drops each marked rule once; false when it was already dropped (its
  // violation is already recorded).
  bool dropFs(size_t i) { return droppedFs_.insert(i).second; }
  bool dropNet(size_t i) { return droppedNet_.insert(i).second; }
  bool dropSocket(size_t i) { return droppedSockets_.insert(i).second; }

  template <typename T> static void eraseIndices(std::vector<T> &v, std::set<size_t> &drop) {
    std::vector<T> kept;
    kept.reserve(v.size());
    for (size_t i = 0; i < v.size(); ++i)
      if (!drop.count(i))
        kept.push_back(std::move(v[i]));
    v = std::move(kept);
    drop.clear();
  }
  void compact() {
    eraseIndices(p_.fsRules, droppedFs_);
    eraseIndices(p_.netRules, droppedNet_);
    eraseIndices(p_.unixSockets, droppedSockets_);
  }

  std::optional<fs::PathPattern> bind(const fs::PathPattern &pattern, SourceLoc loc) {
    std::string error;
    auto bound = eval::bindPatternParts(p_, bindings_, pattern, error);
    if (!bound)
      diags_.report(DiagKind::UnboundRoot, loc, error);
    return bound;
  }

  // ---- 1. locks -----------------------------------------------------------------

  std::optional<SourceLoc> optionLock(ir::OptionId id) const {
    const auto &s = p_.options.get(id);
    if (s && p_.options.flag(id) && m_.optionsFrom[static_cast<size_t>(id)] == ir::Layer::Managed)
      return s->loc;
    return std::nullopt;
  }

  void locks() {
    std::optional<SourceLoc> read = optionLock(ir::OptionId::LockFilesystemRead);
    std::optional<SourceLoc> write = p_.lockFilesystemWrite;
    std::optional<SourceLoc> network = optionLock(ir::OptionId::LockNetwork);
    for (size_t i = 0; i < p_.fsRules.size(); ++i) {
      const ir::FsRule &r = p_.fsRules[i];
      if (!isLower(r.prov.layer))
        continue;
      bool isRead = r.access == ir::Access::Read;
      const std::optional<SourceLoc> &lock = isRead ? read : write;
      if (lock && dropFs(i))
        violation(r.prov.loc,
                  fmt::format("this rule is ignored: the managed policy locks filesystem {} rules (only its "
                              "own count)",
                              isRead ? "read" : "write"),
                  *lock, fmt::format("'lock filesystem {}' is set here", isRead ? "read" : "write"));
    }
    if (!network)
      return;
    for (size_t i = 0; i < p_.netRules.size(); ++i)
      if (isLower(p_.netRules[i].prov.layer) && dropNet(i))
        violation(p_.netRules[i].prov.loc,
                  "this rule is ignored: the managed policy locks network rules (only its own count)", *network,
                  "'lock network' is set here");
    for (size_t i = 0; i < p_.unixSockets.size(); ++i)
      if (isLower(p_.unixSockets[i].prov.layer) && dropSocket(i))
        violation(p_.unixSockets[i].prov.loc,
                  "this rule is ignored: the managed policy locks network rules, unix sockets included (only "
                  "its own count)",
                  *network, "'lock network' is set here");
  }

  // ---- 2. forbids -------------------------------------------------------------

  bool forbids() {
    for (const ir::Forbid &f : p_.forbids) {
      bool ok = true;
      switch (f.subject) {
      case ir::ForbidSubject::Read:
        ok = forbidFs(f, ir::Access::Read);
        break;
      case ir::ForbidSubject::Write:
        ok = forbidFs(f, ir::Access::Write);
        break;
      case ir::ForbidSubject::Connect:
        forbidConnect(f);
        break;
      case ir::ForbidSubject::UnixSocket:
        ok = forbidSocket(f);
        break;
      }
      if (!ok)
        return false;
    }
    return true;
  }

  // The witness of two bound patterns' overlap; `undecided` when the search
  // ran out of budget (the caller then treats it as an overlap).
  std::optional<std::string> overlap(const fs::PathPattern &a, const fs::PathPattern &b, bool &undecided) {
    verify::SearchBudget budget;
    const fs::PathPattern *both[] = {&a, &b};
    auto witness = verify::findPath(both, {}, budget);
    undecided = !witness && budget.exhausted;
    return witness;
  }

  std::string overlapMessage(const std::optional<std::string> &witness, const char *verb, const char *what) {
    if (!witness)
      return fmt::format("this rule may allow {} something the managed policy {} (the overlap is too complex to "
                         "decide; treated as a violation)",
                         verb, what);
    return fmt::format("this rule allows {} {}, which the managed policy {}", verb,
                       verify::displayPath(bindings_, *witness), what);
  }

  bool forbidFs(const ir::Forbid &f, ir::Access access) {
    auto forbidden = bind(f.path, f.prov.loc);
    if (!forbidden)
      return false;
    for (size_t i = 0; i < p_.fsRules.size(); ++i) {
      const ir::FsRule &r = p_.fsRules[i];
      if (!isLower(r.prov.layer) || r.effect != ir::Effect::Allow || r.access != access ||
          !platformsMeet(r.platform, f.platform) || droppedFs_.count(i))
        continue;
      auto bound = bind(r.pattern, r.prov.loc);
      if (!bound)
        return false;
      bool undecided = false;
      auto witness = overlap(*bound, *forbidden, undecided);
      if ((witness || undecided) && dropFs(i))
        violation(r.prov.loc, overlapMessage(witness, accessVerb(access), "forbids"), f.prov.loc, forbidNote(f));
    }
    return true;
  }

  void forbidConnect(const ir::Forbid &f) {
    for (size_t i = 0; i < p_.netRules.size(); ++i) {
      const ir::NetRule &r = p_.netRules[i];
      if (!isLower(r.prov.layer) || r.effect != ir::Effect::Allow || !platformsMeet(r.platform, f.platform) ||
          droppedNet_.count(i))
        continue;
      const net::HostPattern *both[] = {&r.host, &f.host};
      if (auto witness = verify::findEndpoint(both, {}); witness && dropNet(i))
        violation(r.prov.loc,
                  fmt::format("this rule allows connecting to {}, which the managed policy forbids",
                              endpointText(*witness)),
                  f.prov.loc, forbidNote(f));
    }
  }

  bool forbidSocket(const ir::Forbid &f) {
    auto forbidden = bind(f.path, f.prov.loc);
    if (!forbidden)
      return false;
    for (size_t i = 0; i < p_.unixSockets.size(); ++i) {
      const ir::UnixSocketRule &r = p_.unixSockets[i];
      if (!isLower(r.prov.layer) || r.effect != ir::Effect::Allow || !platformsMeet(r.platform, f.platform) ||
          droppedSockets_.count(i))
        continue;
      auto bound = bind(r.path, r.prov.loc);
      if (!bound)
        return false;
      bool undecided = false;
      auto witness = overlap(*bound, *forbidden, undecided);
      if ((witness || undecided) && dropSocket(i))
        violation(r.prov.loc, overlapMessage(witness, "connecting to the socket", "forbids"), f.prov.loc,
                  forbidNote(f));
    }
    // allow-all-unix-sockets from a lower layer reaches the forbidden
    // socket too: it is switched off.
    const auto id = ir::OptionId::AllowAllUnixSockets;
    const auto &all = p_.options.get(id);
    const auto &from = m_.optionsFrom[static_cast<size_t>(id)];
    if (all && p_.options.flag(id) && from && isLower(*from)) {
      violation(all->loc, "'allow-all-unix-sockets' is ignored: it reaches a socket the managed policy forbids",
                f.prov.loc, forbidNote(f));
      p_.options.set(id, ir::OptionSetting{ir::OptionValue{false}, all->loc});
    }
    return true;
  }

  // ---- 3. managed denies ------------------------------------------------------

  bool managedDenies() {
    for (ir::Platform platform : kPlatforms)
      for (ir::Access access : {ir::Access::Read, ir::Access::Write})
        if (!deniesOn(platform, access))
          return false;
    return true;
  }

  bool deniesOn(ir::Platform platform, ir::Access access) {
    std::string error;
    auto rules = verify::boundFsRules(p_, bindings_, platform, access, error);
    if (!rules) {
      diags_.report(DiagKind::UnboundRoot, SourceLoc{}, error);
      return false;
    }
    // Rules before the current one that stay whatever is dropped: a path
    // one of them decides is not the current rule's doing. Lower allows are
    // not among them (each may be dropped in turn).
    std::vector<const fs::PathPattern *> before;
    for (size_t i = 0; i < rules->size(); ++i) {
      const verify::BoundFsRule &lower = (*rules)[i];
      if (droppedFs_.count(lower.index))
        continue; // gone already (a lock or a forbid)
      bool candidate = isLower(lower.rule->prov.layer) && lower.rule->effect == ir::Effect::Allow;
      if (!candidate) {
        before.push_back(&lower.bound);
        continue;
      }
      for (size_t j = i + 1; j < rules->size(); ++j) {
        const verify::BoundFsRule &managed = (*rules)[j];
        if (managed.rule->prov.layer != ir::Layer::Managed || managed.rule->effect != ir::Effect::Deny)
          continue;
        verify::SearchBudget budget;
        const fs::PathPattern *both[] = {&lower.bound, &managed.bound};
        auto witness = verify::findPath(both, before, budget);
        if (!witness && !budget.exhausted)
          continue;
        if (dropFs(lower.index))
          violation(lower.rule->prov.loc, overlapMessage(witness, accessVerb(access), "denies"),
                    managed.rule->prov.loc, "the managed rule is here");
        break;
      }
    }
    return true;
  }

  // ---- 4. requirements --------------------------------------------------------

  // A lower rule breaks `require allow|deny read|write "P"` when it decides
  // some path of P the other way: a path of P it covers that no rule before
  // it (in decision order) covers. Independent of the defaults, so a
  // requirement the managed policy itself fails still names every lower
  // rule that breaks it too.
  bool requirementRules() {
    for (const ir::Assertion &req : p_.requirements) {
      if (req.subject == ir::AssertSubject::Connect) {
        requirementNet(req);
        continue;
      }
      auto subject = bind(req.path, req.prov.loc);
      if (!subject)
        return false;
      ir::Access access = req.subject == ir::AssertSubject::Read ? ir::Access::Read : ir::Access::Write;
      for (ir::Platform platform : kPlatforms) {
        if (!platformsMeet(platform, req.platform))
          continue;
        std::string error;
        auto rules = verify::boundFsRules(p_, bindings_, platform, access, error);
        if (!rules) {
          diags_.report(DiagKind::UnboundRoot, req.prov.loc, error);
          return false;
        }
        std::vector<const fs::PathPattern *> before; // rules that stay, as in deniesOn
        for (const verify::BoundFsRule &r : *rules) {
          if (droppedFs_.count(r.index))
            continue;
          if (!isLower(r.rule->prov.layer) || r.rule->effect == req.expected) {
            before.push_back(&r.bound);
            continue;
          }
          verify::SearchBudget budget;
          const fs::PathPattern *both[] = {subject.operator->(), &r.bound};
          auto witness = verify::findPath(both, before, budget);
          if ((witness || budget.exhausted) && dropFs(r.index))
            violation(r.rule->prov.loc,
                      witness ? fmt::format("this rule breaks a managed requirement: it {} {} {}",
                                            r.rule->effect == ir::Effect::Allow ? "allows" : "denies",
                                            accessVerb(access), verify::displayPath(bindings_, *witness))
                              : std::string("this rule may break a managed requirement (the overlap is too "
                                            "complex to decide; treated as a violation)"),
                      req.prov.loc, fmt::format("required here: 'require {}'", verify::assertionText(req)));
        }
      }
    }
    return true;
  }

  // Connect: any matching deny denies, so a lower allow breaks `require
  // deny connect "H"` for an endpoint of H no deny rule covers, and a lower
  // deny breaks `require allow connect "H"` wherever it meets H.
  void requirementNet(const ir::Assertion &req) {
    for (size_t i = 0; i < p_.netRules.size(); ++i) {
      const ir::NetRule &r = p_.netRules[i];
      if (!isLower(r.prov.layer) || r.effect == req.expected || !platformsMeet(r.platform, req.platform) ||
          droppedNet_.count(i))
        continue;
      std::vector<const net::HostPattern *> denies;
      if (r.effect == ir::Effect::Allow)
        for (size_t k = 0; k < p_.netRules.size(); ++k)
          if (p_.netRules[k].effect == ir::Effect::Deny && !droppedNet_.count(k) &&
              platformsMeet(p_.netRules[k].platform, r.platform))
            denies.push_back(&p_.netRules[k].host);
      const net::HostPattern *both[] = {&req.host, &r.host};
      if (auto witness = verify::findEndpoint(both, denies); witness && dropNet(i))
        violation(r.prov.loc,
                  fmt::format("this rule breaks a managed requirement: it {} connecting to {}",
                              r.effect == ir::Effect::Allow ? "allows" : "denies", endpointText(*witness)),
                  req.prov.loc, fmt::format("required here: 'require {}'", verify::assertionText(req)));
    }
  }

  // Restores the built-in default a lower layer replaced; true if it did.
  bool dropLowerDefault(const verify::AssertOutcome &o) {
    ir::Defaults builtin;
    ir::Defaults &d = p_.defaults;
    if (o.endpoint) {
      if (!m_.defaultsFrom.connect || !isLower(*m_.defaultsFrom.connect))
        return false;
      d.connect = builtin.connect;
      d.connectLoc = SourceLoc{};
      m_.defaultsFrom.connect.reset();
      return true;
    }
    bool read = o.assertion->subject == ir::AssertSubject::Read;
    std::optional<ir::Layer> &from = read ? m_.defaultsFrom.read : m_.defaultsFrom.write;
    if (!from || !isLower(*from))
      return false;
    (read ? d.read : d.write) = read ? builtin.read : builtin.write;
    (read ? d.readLoc : d.writeLoc) = SourceLoc{};
    from.reset();
    return true;
  }

  std::string requireNote(const verify::AssertOutcome &o) {
    return fmt::format("required here: 'require {}'", verify::assertionText(*o.assertion));
  }

  bool requirements() {
    if (p_.requirements.empty())
      return true;
    // Each round drops at least one lower rule or default, so the rounds
    // are bounded by their number.
    const size_t maxRounds = p_.fsRules.size() + p_.netRules.size() + 4;
    for (size_t round = 0; round <= maxRounds; ++round) {
      ir::Policy probe = p_;
      probe.asserts = p_.requirements;
      std::string error;
      auto outcomes = verify::checkAsserts(probe, bindings_, error);
      if (!outcomes) {
        diags_.report(DiagKind::UnboundRoot, p_.requirements.front().prov.loc, error);
        return false;
      }
      bool droppedAny = false;
      std::vector<const verify::AssertOutcome *> ownFailures;
      for (const verify::AssertOutcome &o : *outcomes) {
        if (o.holds)
          continue;
        SourceLoc requireLoc = o.assertion->prov.loc;
        std::string message =
            "this rule breaks a managed requirement: " + verify::counterexampleText(bindings_, o);
        if (!o.endpoint && o.fs.by == eval::DecidedBy::Rule && isLower(o.fs.rule->prov.layer)) {
          if (dropFs(static_cast<size_t>(o.fs.rule - probe.fsRules.data()))) {
            violation(o.fs.rule->prov.loc, message, requireLoc, requireNote(o));
            droppedAny = true;
          }
        } else if (o.endpoint && o.net.by == eval::DecidedBy::Rule && isLower(o.net.rule->prov.layer)) {
          if (dropNet(static_cast<size_t>(o.net.rule - probe.netRules.data()))) {
            violation(o.net.rule->prov.loc, message, requireLoc, requireNote(o));
            droppedAny = true;
          }
        } else if ((o.endpoint ? o.net.by : o.fs.by) == eval::DecidedBy::Default) {
          SourceLoc at = o.endpoint ? p_.defaults.connectLoc : (o.assertion->subject == ir::AssertSubject::Read
                                                                    ? p_.defaults.readLoc
                                                                    : p_.defaults.writeLoc);
          if (dropLowerDefault(o)) {
            violation(at,
                      "this default breaks a managed requirement: " + verify::counterexampleText(bindings_, o),
                      requireLoc, requireNote(o));
            droppedAny = true;
          } else {
            ownFailures.push_back(&o);
          }
        } else {
          ownFailures.push_back(&o);
        }
      }
      if (droppedAny) {
        compact();
        continue;
      }
      // What is left is the managed policy's (or moat's built-in) doing:
      // nothing below can be dropped to fix it.
      for (const verify::AssertOutcome *o : ownFailures)
        addViolation(p_, o->assertion->prov.loc,
                     fmt::format("the managed policy does not satisfy its own requirement 'require {}': {}",
                                 verify::assertionText(*o->assertion), verify::counterexampleText(bindings_, *o)),
                     SourceLoc{}, verify::decidedByText(probe, *o), false);
      return true;
    }
    return true;
  }

  Merged &m_;
  ir::Policy &p_;
  const eval::Bindings &bindings_;
  DiagnosticEngine &diags_;
  std::set<size_t> droppedFs_, droppedNet_, droppedSockets_;
};

} // namespace

bool enforceConstraints(Merged &merged, const eval::Bindings &bindings, DiagnosticEngine &diags) {
  if (merged.optionsFrom.size() != static_cast<size_t>(ir::OptionId::Count))
    merged.optionsFrom.resize(static_cast<size_t>(ir::OptionId::Count));
  return Enforcer(merged, bindings, diags).run();
}

} // namespace moat::layers::detail
