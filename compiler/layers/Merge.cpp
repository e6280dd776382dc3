// Combining layers: managed files into one managed policy, then the managed
// policy over the lower layers into the effective policy. This file decides
// what each layer contributes (rules, defaults, options, variables);
// Constraints.cpp then finds the lower rules that break what the managed
// layer decided.
#include "compiler/layers/Layers.h"
#include "compiler/ir/RuleText.h"
#include "compiler/layers/LayersDetail.h"

#include "compiler/Frontend.h"
#include "compiler/sema/BuiltinProtections.h"
#include "compiler/sema/GitSema.h"

#include <fmt/format.h>

#include <array>

namespace moat::layers {

using detail::isLower;

namespace {

template <typename T> void append(std::vector<T> &to, const std::vector<T> &from) {
  to.insert(to.end(), from.begin(), from.end());
}

// A lower layer may not loosen a dimension the managed layer locks, even
// through an option: these options open the network (sockets, local ports,
// another proxy) or lift write protections.
bool optionLockedBy(ir::OptionId id, const ir::Policy &managed) {
  const ir::Options &o = managed.options;
  switch (id) {
  case ir::OptionId::AllowLocalBinding:
  case ir::OptionId::AllowAllUnixSockets:
  case ir::OptionId::HttpProxyPort:
  case ir::OptionId::SocksProxyPort:
  case ir::OptionId::WeakerNetworkIsolation:
    return o.flag(ir::OptionId::LockNetwork);
  case ir::OptionId::AllowGitConfig:
    return managed.lockFilesystemWrite.has_value();
  default:
    return false;
  }
}

// Options that switch confinement off: under a managed policy a lower layer
// never may (every managed rule would be void).
bool disablesConfinement(ir::OptionId id) {
  return id == ir::OptionId::SandboxDisabled || id == ir::OptionId::FilesystemDisabled;
}

// Options only the managed layer sets (a lower layer cannot lock itself).
bool isLockOption(ir::OptionId id) {
  return id == ir::OptionId::LockNetwork || id == ir::OptionId::LockFilesystemRead;
}

const char *defaultText(ir::Effect e) { return e == ir::Effect::Allow ? "allow" : "deny"; }
const char *defaultText(ir::NetDefault d) {
  return d == ir::NetDefault::Allow ? "allow" : d == ir::NetDefault::Ask ? "ask" : "deny";
}

// Builds the merged policy layer by layer, highest first.
class Merger {
public:
  Merger(const ir::Policy *managed, DiagnosticEngine &diags) : managed_(managed), diags_(diags) {}

  bool add(const ir::Policy &p, ir::Layer layer) {
    if (out_.policy.name.empty()) {
      out_.policy.name = p.name;
      out_.policy.nameLoc = p.nameLoc;
    }
    append(out_.policy.sourceFiles, p.sourceFiles);
    append(out_.policy.asserts, p.asserts);
    bool ok = variables(p);
    for (const ir::FsRule &r : p.fsRules)
      if (r.prov.layer != ir::Layer::Builtin)
        out_.policy.fsRules.push_back(r);
    append(out_.policy.netRules, p.netRules);
    append(out_.policy.unixSockets, p.unixSockets);
    append(out_.policy.git, p.git); // one remote in two layers: checkGitRemotesUnique
    defaults(p, layer);
    options(p, layer);
    onlyClaude_ = onlyClaude_ && p.fileRuntime == ir::Runtime::Claude;
    return ok;
  }

  // Applies the runtimes' defaults for absent keys where no layer set the
  // value, then adds the built-in protections once, for the merged options.
  detail::Merged finish() {
    applyImplied();
    std::vector<ir::FsRule> rules = sema::builtinProtections(out_.policy.options);
    append(rules, out_.policy.fsRules);
    out_.policy.fsRules = std::move(rules);
    out_.optionsFrom.assign(optionFrom_.begin(), optionFrom_.end());
    return std::move(out_);
  }

  ir::Policy &policy() { return out_.policy; }

private:
  bool variables(const ir::Policy &p) {
    bool ok = true;
    for (const auto &[name, var] : p.variables) {
      auto [it, inserted] = out_.policy.variables.try_emplace(name, var);
      if (!inserted && it->second.value.text() != var.value.text()) {
        // Rules of both layers name $NAME; one value would change the other's meaning.
        diags_.report(DiagKind::RedefinedVariable, var.loc, name);
        diags_.note(DiagKind::DefinedHere, it->second.loc,
                    "'" + name + "' is defined differently here, in a higher layer");
        ok = false;
      }
    }
    return ok;
  }

  // One default: the highest layer that sets it wins; a lower one that
  // differs from what the managed layer set, or from what a lock keeps, is a
  // violation.
  template <typename Value>
  void oneDefault(Value &current, SourceLoc &currentLoc, std::optional<ir::Layer> &from, Value value,
                  SourceLoc loc, ir::Layer layer, const char *subject, std::optional<SourceLoc> lock,
                  const char *lockKeyword, const char *lockText) {
    if (!loc.valid())
      return; // not set by this layer
    if (!isLower(layer)) {
      if (!from) {
        current = value;
        currentLoc = loc;
        from = layer;
      } else if (current != value) {
        diags_.report(DiagKind::ConflictingDefault, loc, subject, defaultText(current));
        diags_.note(DiagKind::DefinedHere, currentLoc, "another managed file sets it here");
      }
      return;
    }
    if (from && *from == ir::Layer::Managed) {
      if (current != value)
        detail::addViolation(out_.policy, loc,
                             fmt::format("'default {} {}' is ignored: the managed policy sets 'default {} {}'",
                                         subject, defaultText(value), subject, defaultText(current)),
                             currentLoc, "the managed default is set here");
      return;
    }
    if (lock) {
      if (current != value)
        detail::addViolation(out_.policy, loc,
                             fmt::format("'default {} {}' is ignored: the managed policy locks {}", subject,
                                         defaultText(value), lockText),
                             *lock, fmt::format("'{}' is set here", lockKeyword));
      return;
    }
    if (from)
      return; // a higher lower layer set it (Claude Code: scalars take the highest scope)
    current = value;
    currentLoc = loc;
    from = layer;
  }

  std::optional<SourceLoc> lockAt(ir::OptionId id) const {
    if (!managed_)
      return std::nullopt;
    const auto &s = managed_->options.get(id);
    if (s && managed_->options.flag(id))
      return s->loc;
    return std::nullopt;
  }

  void defaults(const ir::Policy &p, ir::Layer layer) {
    ir::Defaults &d = out_.policy.defaults;
    detail::DefaultSources &from = out_.defaultsFrom;
    const ir::Defaults &in = p.defaults;
    oneDefault(d.read, d.readLoc, from.read, in.read, in.readLoc, layer, "read",
               lockAt(ir::OptionId::LockFilesystemRead), "lock filesystem read", "filesystem read rules");
    oneDefault(d.write, d.writeLoc, from.write, in.write, in.writeLoc, layer, "write",
               managed_ ? managed_->lockFilesystemWrite : std::nullopt, "lock filesystem write",
               "filesystem write rules");
    if (in.connectImplied && in.connect == ir::NetDefault::Ask) {
      if (!impliedConnect_)
        impliedConnect_ = std::make_pair(layer, in.connectLoc);
      return; // applied at the end where no layer sets it (applyImplied)
    }
    oneDefault(d.connect, d.connectLoc, from.connect, in.connect, in.connectLoc, layer, "connect",
               lockAt(ir::OptionId::LockNetwork), "lock network", "network rules");
  }

  // The default of a key a file left out (Claude Code: the sandbox is off
  // unless `enabled: true`, a command may ask to run unsandboxed, unlisted
  // hosts are asked about) is not that file's word: another scope may set
  // it, as Claude Code's own merge of scopes does. So an implied value waits
  // until every layer is in and holds only where no layer set the value; the
  // highest layer's implied value wins among them. Under a managed policy an
  // implied value of a lower layer never switches confinement off (the rule
  // for written values, below).
  struct Implied {
    ir::OptionSetting setting;
    ir::Layer layer;
  };
  std::optional<Implied> implied_[static_cast<size_t>(ir::OptionId::Count)];
  std::optional<std::pair<ir::Layer, SourceLoc>> impliedConnect_;
  // Claude Code's defaults are the defaults of a stack of Claude Code
  // scopes; a layer written for moat or srt says the sandbox is on (their
  // own semantics: confinement always, unlisted hosts denied).
  bool onlyClaude_ = true;

  void applyImplied() {
    if (!onlyClaude_)
      return; // a moat or srt policy in the stack means a sandbox that is on, hosts not asked
    for (size_t k = 0; k < static_cast<size_t>(ir::OptionId::Count); ++k) {
      auto id = static_cast<ir::OptionId>(k);
      if (!implied_[k] || optionFrom_[k])
        continue;
      if (managed_ && isLower(implied_[k]->layer) && disablesConfinement(id))
        continue;
      out_.policy.options.set(id, implied_[k]->setting);
      optionFrom_[k] = implied_[k]->layer;
    }
    ir::Defaults &d = out_.policy.defaults;
    // A managed network lock (Claude Code: allowManagedDomainsOnly) is what
    // turns asking off, so an implied ask does not survive it.
    if (impliedConnect_ && !out_.defaultsFrom.connect && !lockAt(ir::OptionId::LockNetwork)) {
      d.connect = ir::NetDefault::Ask;
      d.connectLoc = impliedConnect_->second;
      d.connectImplied = true;
      out_.defaultsFrom.connect = impliedConnect_->first;
    }
  }

  void options(const ir::Policy &p, ir::Layer layer) {
    for (size_t k = 0; k < static_cast<size_t>(ir::OptionId::Count); ++k) {
      auto id = static_cast<ir::OptionId>(k);
      const auto &setting = p.options.get(id);
      if (!setting)
        continue;
      if (setting->implied) {
        if (!implied_[k])
          implied_[k] = Implied{*setting, layer};
        continue;
      }
      const char *name = ir::optionInfo(id).name;
      std::optional<ir::Layer> &from = optionFrom_[k];
      const auto &current = out_.policy.options.get(id);
      if (!isLower(layer)) {
        if (!from) {
          out_.policy.options.set(id, *setting);
          from = layer;
        } else if (current->value != setting->value) {
          diags_.report(DiagKind::DuplicateOption, setting->loc, name);
          diags_.note(DiagKind::DefinedHere, current->loc, "another managed file sets it differently here");
        }
        continue;
      }
      if (isLockOption(id))
        continue; // only the managed layer locks (sema warns about `lock` elsewhere)
      const bool changes = !current ? true : current->value != setting->value;
      if (from && *from == ir::Layer::Managed) {
        if (changes)
          detail::addViolation(out_.policy, setting->loc,
                               fmt::format("'{} = {}' is ignored: the managed policy sets it to {}", name,
                                           ir::optionValueText(setting->value), ir::optionValueText(current->value)),
                               current->loc, "the managed setting is here");
        continue;
      }
      if (managed_ && disablesConfinement(id) && p.options.flag(id)) {
        detail::addViolation(out_.policy, setting->loc,
                             fmt::format("'{}' is ignored: under a managed policy a lower layer cannot switch "
                                         "confinement off",
                                         name),
                             managed_->nameLoc, "the managed policy is here");
        continue;
      }
      if (managed_ && optionLockedBy(id, *managed_)) {
        bool network = id != ir::OptionId::AllowGitConfig;
        std::optional<SourceLoc> lock = network ? lockAt(ir::OptionId::LockNetwork) : managed_->lockFilesystemWrite;
        detail::addViolation(out_.policy, setting->loc,
                             fmt::format("'{}' is ignored: the managed policy locks {}", name,
                                         network ? "network rules" : "filesystem write rules"),
                             lock.value_or(SourceLoc{}),
                             network ? "'lock network' is set here" : "'lock filesystem write' is set here");
        continue;
      }
      if (from)
        continue; // a higher lower layer set it
      out_.policy.options.set(id, *setting);
      from = layer;
    }
  }

  const ir::Policy *managed_;
  DiagnosticEngine &diags_;
  detail::Merged out_;
  std::array<std::optional<ir::Layer>, static_cast<size_t>(ir::OptionId::Count)> optionFrom_;
};

// The layer a loaded policy belongs to: that of its first stamped rule,
// else the caller's position in the list.
ir::Layer layerOf(const ir::Policy &p, ir::Layer fallback) {
  for (const ir::FsRule &r : p.fsRules)
    if (r.prov.layer != ir::Layer::Builtin)
      return r.prov.layer;
  if (!p.netRules.empty())
    return p.netRules.front().prov.layer;
  if (!p.unixSockets.empty())
    return p.unixSockets.front().prov.layer;
  if (!p.git.empty())
    return p.git.front().prov.layer;
  return fallback;
}

} // namespace

namespace detail {
void addViolation(ir::Policy &policy, SourceLoc lowerLoc, std::string message, SourceLoc managedLoc,
                  std::string managedNote, bool dropped) {
  policy.managedViolations.push_back(
      ir::ManagedViolation{std::move(message), lowerLoc, std::move(managedNote), managedLoc, dropped});
}
} // namespace detail

Diagnostic violationDiagnostic(const ir::ManagedViolation &v, Severity severity, const std::string &suffix) {
  Diagnostic d{DiagKind::Finding, severity, kManagedViolationId, v.lowerLoc, v.message + suffix, {}};
  if (!v.managedNote.empty())
    d.notes.push_back(Diagnostic{DiagKind::Finding, Severity::Note, kManagedViolationId, v.managedLoc,
                                 v.managedNote, {}});
  return d;
}

std::optional<ir::Policy> loadLayer(const std::string &path, ir::Layer layer, DiagnosticEngine &diags) {
  return loadPolicy(path, layer, diags);
}

std::optional<ir::Policy> loadManaged(llvm::ArrayRef<std::string> files, DiagnosticEngine &diags) {
  std::vector<ir::Policy> loaded;
  bool ok = true;
  for (const std::string &f : files) {
    auto p = loadPolicy(f, ir::Layer::Managed, diags);
    if (p)
      loaded.push_back(std::move(*p));
    ok &= p.has_value();
  }
  if (!ok || loaded.empty())
    return std::nullopt;
  if (loaded.size() == 1)
    return std::move(loaded.front());
  const unsigned errorsBefore = diags.inputErrorCount();
  Merger m(nullptr, diags);
  for (const ir::Policy &p : loaded) {
    m.add(p, ir::Layer::Managed);
    if (!m.policy().lockFilesystemWrite)
      m.policy().lockFilesystemWrite = p.lockFilesystemWrite;
    append(m.policy().requirements, p.requirements);
    append(m.policy().forbids, p.forbids);
  }
  sema::checkGitRemotesUnique(m.policy().git, diags);
  if (diags.inputErrorCount() != errorsBefore)
    return std::nullopt;
  return m.finish().policy;
}

ManagedLayer loadManagedLayer(const std::string &overrideFile, DiagnosticEngine &diags) {
  ManagedLayer out;
  if (!overrideFile.empty()) {
    out.files.push_back(overrideFile);
  } else {
    std::string error;
    auto found = findManagedFiles(error);
    if (!found) {
      diags.report(DiagKind::FileUnreadable, SourceLoc{}, "the managed policy", error);
      out.ok = false;
      return out;
    }
    out.files = std::move(*found);
  }
  if (out.files.empty())
    return out;
  out.policy = loadManaged(out.files, diags);
  out.ok = out.policy.has_value();
  return out;
}

std::optional<ir::Policy> merge(const ir::Policy *managed, llvm::ArrayRef<const ir::Policy *> lower,
                                const eval::Bindings &bindings, DiagnosticEngine &diags) {
  if (!managed && lower.size() == 1)
    return *lower.front(); // one layer: the policy as written
  const unsigned errorsBefore = diags.inputErrorCount();
  Merger m(managed, diags);
  bool ok = true;
  if (managed) {
    ok &= m.add(*managed, ir::Layer::Managed);
    m.policy().lockFilesystemWrite = managed->lockFilesystemWrite;
    m.policy().requirements = managed->requirements;
    m.policy().forbids = managed->forbids;
  }
  for (const ir::Policy *p : lower)
    ok &= m.add(*p, layerOf(*p, ir::Layer::SharedProject));
  // Which block's token and refs apply to a remote two layers name would be
  // ambiguous: an error, not a precedence.
  ok &= sema::checkGitRemotesUnique(m.policy().git, diags);
  // The effective policy is named after the highest lower layer that has a
  // name (the project being built), the managed policy's name otherwise.
  for (const ir::Policy *p : lower)
    if (!p->name.empty()) {
      m.policy().name = p->name;
      m.policy().nameLoc = p->nameLoc;
      break;
    }
  if (!ok || diags.inputErrorCount() != errorsBefore)
    return std::nullopt;
  detail::Merged merged = m.finish();
  if (!detail::enforceConstraints(merged, bindings, diags))
    return std::nullopt;
  // `default connect ask` prompts for hosts outside the allowlist; under a
  // network lock only the managed allowlist counts, so nothing is asked.
  ir::Policy &out = merged.policy;
  if (out.options.flag(ir::OptionId::LockNetwork) && out.defaults.connect == ir::NetDefault::Ask) {
    diags.report(DiagKind::AskUnderLock, out.defaults.connectLoc);
    out.defaults.connect = ir::NetDefault::Deny;
  }
  return std::move(out);
}

} // namespace moat::layers
