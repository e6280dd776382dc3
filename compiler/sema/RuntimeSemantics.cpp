// The runtime transform (see RuntimeSemantics.h). Facts are srt 0.0.83's
// (dist/sandbox/sandbox-manager.js stripWriteGlobs, sandbox-utils.js
// globPatternBaseDir / globBaseDirIsRoot, path-entries.js reExposedBy,
// linux-sandbox-utils.js generateFilesystemArgs); docs/semantics.md says
// what each rewrite models and why.
#include "compiler/sema/RuntimeSemantics.h"

#include "compiler/fs/Glob.h"
#include "compiler/sema/RuntimeProtections.h"

#include <fmt/format.h>

#include <algorithm>

#include <string>
#include <vector>

namespace moat::sema {

namespace {

using Parts = std::vector<std::string>;

// The absolute components a rule names as srt reads it: a plain path, or a
// glob whose only wildcard is a trailing `**` (srt strips it:
// removeTrailingGlobSuffix). Nullopt for any other glob, or a root that
// cannot be bound.
std::optional<Parts> literalParts(const ir::Policy &policy, const eval::Bindings &bindings,
                                  const fs::PathPattern &pattern) {
  std::string error;
  auto bound = eval::bindPatternParts(policy, bindings, pattern, error);
  if (!bound)
    return std::nullopt;
  Parts parts = bound->components;
  if (!bound->isGlob())
    return parts;
  if (!parts.empty() && parts.back() == "**")
    parts.pop_back();
  for (std::string &c : parts) {
    if (fs::hasGlobChars(c))
      return std::nullopt;
    c = fs::unescapeGlobLiteral(c);
  }
  return parts;
}

// A glob srt's Linux side does not treat as a path (after the trailing `**`
// is stripped, a wildcard remains).
bool wildcardRemains(const fs::PathPattern &pattern) {
  if (!pattern.isGlob())
    return false;
  size_t n = pattern.components.size();
  if (n && pattern.components.back() == "**")
    --n;
  for (size_t i = 0; i < n; ++i)
    if (fs::hasGlobChars(pattern.components[i]))
      return true;
  return false;
}

bool atOrUnder(const Parts &p, const Parts &dir) {
  if (p.size() < dir.size())
    return false;
  for (size_t i = 0; i < dir.size(); ++i)
    if (p[i] != dir[i])
      return false;
  return true;
}

bool onLinux(const ir::FsRule &r) { return r.platform != ir::Platform::MacOS; }
bool isSource(const ir::FsRule &r) { return r.prov.layer != ir::Layer::Builtin; }

std::string quoted(const ir::FsRule &r) { return "'" + r.pattern.text() + "'"; }

class Transform {
public:
  Transform(ir::Policy &policy, ir::Runtime runtime, const eval::Bindings &bindings)
      : policy_(policy), name_(ir::runtimeName(runtime)), bindings_(bindings) {}

  void run() {
    dropLinuxGlobs();
    std::vector<ir::FsRule> added;
    bindMechanics(added);
    for (ir::FsRule &r : added)
      policy_.fsRules.push_back(std::move(r));
    unixSockets();
    dropResolvedAddressRules(policy_);
  }

private:
  void note(SourceLoc loc, std::string message, bool looser = false) {
    policy_.runtimeMechanics.push_back(ir::RuntimeMechanic{std::move(message), loc, looser});
  }

  // Write globs (allow and deny) are skipped on Linux; read-deny globs
  // whose walk would start at `/` are refused there. They keep their
  // meaning on macOS.
  void dropLinuxGlobs() {
    std::vector<ir::FsRule> kept;
    for (ir::FsRule &r : policy_.fsRules) {
      bool skipped = false;
      if (isSource(r) && onLinux(r) && wildcardRemains(r.pattern)) {
        if (r.access == ir::Access::Write) {
          skipped = true;
          note(r.prov.loc,
               r.effect == ir::Effect::Allow
                   ? fmt::format("{} skips write globs on Linux: {} grants no write there (it still does on "
                                 "macOS); name the directories instead",
                                 name_, quoted(r))
                   : fmt::format("{} skips write globs on Linux: {} protects nothing there (it still does on "
                                 "macOS); name the paths instead",
                                 name_, quoted(r)),
               r.effect == ir::Effect::Deny);
        } else if (r.effect == ir::Effect::Deny && r.pattern.root.empty() && !r.pattern.components.empty() &&
                   fs::hasGlobChars(r.pattern.components.front())) {
          skipped = true;
          note(r.prov.loc, fmt::format("{} does not enforce on Linux a read-deny glob whose first component "
                                       "is a wildcard (its walk would start at '/'): {} hides nothing there",
                                       name_, quoted(r)),
               true);
        }
      }
      if (!skipped) {
        kept.push_back(std::move(r));
        continue;
      }
      if (r.platform == ir::Platform::Any) {
        r.platform = ir::Platform::MacOS;
        kept.push_back(std::move(r));
      }
    }
    policy_.fsRules = std::move(kept);
  }

  struct Bound {
    const ir::FsRule *rule;
    Parts parts;
  };

  std::vector<Bound> literal(ir::Effect effect, ir::Access access) const {
    std::vector<Bound> out;
    for (const ir::FsRule &r : policy_.fsRules)
      if (isSource(r) && onLinux(r) && r.effect == effect && r.access == access)
        if (auto parts = literalParts(policy_, bindings_, r.pattern))
          out.push_back(Bound{&r, std::move(*parts)});
    return out;
  }

  ir::FsRule linuxRule(const ir::FsRule &from, ir::Effect effect, ir::Access access, const char *origin) const {
    ir::FsRule r;
    r.effect = effect;
    r.access = access;
    r.tier = ir::Tier::Ordinary;
    r.pattern = from.pattern;
    r.platform = ir::Platform::Linux;
    r.prov = from.prov;
    r.prov.origin = std::string(origin) + (from.prov.origin.empty() ? "" : " (" + from.prov.origin + ")");
    return r;
  }

  // bwrap's mounts on Linux: a tmpfs over each read-denied directory
  // (/dev/null bound read-only over a read-denied file), the
  // write roots bound writable (srt binds them back over the tmpfs: a write
  // root re-exposes what it holds), the allowRead carve-outs bound back
  // read-only.
  void bindMechanics(std::vector<ir::FsRule> &added) {
    std::vector<Bound> writeRoots = literal(ir::Effect::Allow, ir::Access::Write);
    std::vector<Bound> readDenies = literal(ir::Effect::Deny, ir::Access::Read);
    std::vector<Bound> readAllows = literal(ir::Effect::Allow, ir::Access::Read);
    for (const Bound &w : writeRoots) {
      for (const Bound &d : readDenies) {
        if (!atOrUnder(w.parts, d.parts))
          continue;
        // Looser than the file: what the deny hid under the write root is
        // readable again (lint's notes say where moat closes it). In the
        // always tier, so that it also beats a deny of the same path; the
        // read denies beneath the write root keep their own mounts, so they
        // join it there and, more specific, still decide.
        ir::FsRule allow = linuxRule(*w.rule, ir::Effect::Allow, ir::Access::Read, "write bind re-exposes denyRead");
        allow.tier = ir::Tier::Always;
        added.push_back(std::move(allow));
        for (const Bound &inner : readDenies)
          if (inner.parts.size() > w.parts.size() && atOrUnder(inner.parts, w.parts)) {
            ir::FsRule keep = linuxRule(*inner.rule, ir::Effect::Deny, ir::Access::Read, "denyRead under a write bind");
            keep.tier = ir::Tier::Always;
            added.push_back(std::move(keep));
          }
        break;
      }
    }
    for (const Bound &d : readDenies) {
      const Bound *root = nullptr;
      bool reExposed = false;
      for (const Bound &w : writeRoots) {
        if (atOrUnder(w.parts, d.parts))
          reExposed = true;
        else if (atOrUnder(d.parts, w.parts) && !root)
          root = &w;
      }
      if (!root || reExposed)
        continue;
      added.push_back(linuxRule(*d.rule, ir::Effect::Deny, ir::Access::Write, "tmpfs over denyRead"));
      note(d.rule->prov.loc,
           fmt::format("{} hides {} on Linux by mounting over it (a tmpfs on a directory, /dev/null read-only "
                       "on a file): writes there, which {} grants, vanish with the tmpfs or fail",
                       name_, quoted(*d.rule), quoted(*root->rule)));
    }
    // A carve-out inside a read deny is bound back read-only, unless a write
    // root that the deny's tmpfs wiped (one at or under the deny, which srt
    // binds back first) covers it: srt then skips the read-only bind and the
    // write root's bind stands (linux-sandbox-utils.js pushReadDenyDirMounts).
    // Only a write root that is an ancestor of the deny leaves the carve-out
    // read-only.
    for (const Bound &a : readAllows) {
      const Bound *root = nullptr;
      for (const Bound &d : readDenies) {
        if (!(atOrUnder(a.parts, d.parts) && a.parts.size() > d.parts.size()))
          continue;
        bool reBoundCovers = false;
        const Bound *ancestorRoot = nullptr;
        for (const Bound &w : writeRoots) {
          if (!atOrUnder(a.parts, w.parts))
            continue;
          if (atOrUnder(w.parts, d.parts))
            reBoundCovers = true;
          else if (!ancestorRoot)
            ancestorRoot = &w;
        }
        if (!reBoundCovers && ancestorRoot && !root)
          root = ancestorRoot;
      }
      if (!root)
        continue;
      added.push_back(linuxRule(*a.rule, ir::Effect::Deny, ir::Access::Write, "allowRead bound read-only"));
      note(a.rule->prov.loc, fmt::format("{} binds the allowRead carve-out {} read-only on Linux, over the "
                                         "write root {}: it cannot be written there",
                                         name_, quoted(*a.rule), quoted(*root->rule)));
    }
  }

  // allowUnixSockets is macOS-only: on Linux srt's seccomp filter blocks
  // every unix socket unless allowAllUnixSockets, which opens them all.
  void unixSockets() {
    bool all = policy_.options.flag(ir::OptionId::AllowAllUnixSockets);
    std::vector<ir::UnixSocketRule> kept;
    for (ir::UnixSocketRule &u : policy_.unixSockets) {
      if (!all && u.effect == ir::Effect::Allow && u.platform != ir::Platform::Linux)
        note(u.prov.loc, fmt::format("{} honours allowUnixSockets on macOS only: on Linux '{}' stays blocked "
                                     "(only allowAllUnixSockets opens unix sockets there, all of them)",
                                     name_, u.path.text()));
      if (u.platform == ir::Platform::Any)
        u.platform = ir::Platform::MacOS;
      if (u.platform == ir::Platform::MacOS)
        kept.push_back(std::move(u));
    }
    policy_.unixSockets = std::move(kept);
  }

  ir::Policy &policy_;
  const char *name_;
  const eval::Bindings &bindings_;
};

} // namespace

ir::Platform writtenForPlatform(const ir::Policy &policy) {
  auto enabled = ir::findOption("enabled-platforms");
  if (enabled && policy.options.get(*enabled)) {
    bool mac = false, lin = false;
    for (const std::string &p : policy.options.list(*enabled)) {
      mac |= p == "macos";
      lin |= p == "linux" || p == "wsl";
    }
    if (mac && !lin)
      return ir::Platform::MacOS;
    if (lin)
      return ir::Platform::Linux;
  }
  auto macPath = [](const fs::PathPattern &p) {
    if (p.components.empty())
      return false;
    const std::string &first = p.components.front();
    if (p.root == "HOME") // ~/Library is macOS's per-user library
      return first == "Library";
    return p.root.empty() && (first == "Users" || first == "private" || first == "Library");
  };
  for (const ir::FsRule &r : policy.fsRules)
    if (isSource(r) && macPath(r.pattern))
      return ir::Platform::MacOS;
  for (const ir::UnixSocketRule &u : policy.unixSockets)
    if (macPath(u.path))
      return ir::Platform::MacOS;
  return ir::Platform::Linux;
}

void dropResolvedAddressRules(ir::Policy &policy) {
  auto &rules = policy.netRules;
  rules.erase(std::remove_if(rules.begin(), rules.end(), [](const ir::NetRule &r) { return r.resolvedAddressesOnly; }),
              rules.end());
}

void applyRuntime(ir::Policy &policy, ir::Runtime runtime, ir::Platform platform,
                  const eval::Bindings &bindings) {
  policy.runtime = runtime;
  policy.runtimePlatform = platform;
  if (runtime == ir::Runtime::Moat)
    return;
  std::vector<ir::FsRule> rules = runtimeProtections(runtime, policy.options);
  for (ir::FsRule &r : policy.fsRules)
    if (r.prov.layer != ir::Layer::Builtin)
      rules.push_back(std::move(r));
  policy.fsRules = std::move(rules);
  Transform(policy, runtime, bindings).run();
}

std::optional<ir::Runtime> parseRuntime(std::string_view name) {
  if (name == "moat")
    return ir::Runtime::Moat;
  if (name == "srt")
    return ir::Runtime::Srt;
  if (name == "claude")
    return ir::Runtime::Claude;
  return std::nullopt;
}

} // namespace moat::sema
