// `moat diff OLD NEW`: the exact set of accesses that became looser or
// tighter between two policies, as regions, each with one concrete witness
// and the rule (or default, or option) that decides it on each side.
//
// Both policies are bound with the same roots (the lint model plus
// --define), and every access is compared on Linux and on macOS. A region is
// the set of paths (or endpoints) that one pair (old decider, new decider)
// decides differently; docs/semantics.md ("What diff compares") describes the
// enumeration and why it is exact.
#pragma once
#include "compiler/eval/Bindings.h"
#include "compiler/ir/Options.h"
#include "compiler/ir/Policy.h"
#include "compiler/net/Host.h"

#include <optional>
#include <string>
#include <vector>

namespace moat::verify {

enum class DiffAccess { Read, Write, Connect, UnixSocket };
const char *diffAccessName(DiffAccess a); // "read", "write", "connect", "unix-socket"

enum class Direction { Looser, Tighter };
const char *directionName(Direction d); // "looser", "tighter"

// Ordered from strict to permissive: a change towards Allow is looser.
enum class Outcome { Deny, Ask, Allow };
const char *outcomeName(Outcome o); // "deny", "ask", "allow"

// What decided an access on one side of the diff.
struct Decider {
  enum class Kind { Rule, Default, Option };
  Kind kind = Kind::Default;
  Outcome outcome = Outcome::Deny;
  // Kind::Rule: exactly one of these, by access.
  const ir::FsRule *fsRule = nullptr;
  const ir::NetRule *netRule = nullptr;
  const ir::UnixSocketRule *socketRule = nullptr;
  // Kind::Option: the option that decided (sandbox-disabled,
  // filesystem-disabled, allow-all-unix-sockets).
  ir::OptionId option = ir::OptionId::Count;

  friend bool operator==(const Decider &a, const Decider &b) {
    return a.kind == b.kind && a.outcome == b.outcome && a.fsRule == b.fsRule && a.netRule == b.netRule &&
           a.socketRule == b.socketRule && a.option == b.option;
  }
  friend bool operator!=(const Decider &a, const Decider &b) { return !(a == b); }
};

// One region: every access in it is decided by `before` in the old policy
// and by `after` in the new one, with different outcomes. `path` (read,
// write, unix-socket) or `endpoint` (connect) is one member of it.
struct DiffRegion {
  DiffAccess access = DiffAccess::Read;
  Direction direction = Direction::Looser;
  ir::Platform platform = ir::Platform::Any; // Any: the same region on Linux and macOS
  std::string path;                          // absolute, normalised
  net::Endpoint endpoint;
  Decider before, after;
};

// A changed option. Scalars compare their effective values; for list
// options every added or removed element is its own change.
struct OptionChange {
  ir::OptionId option = ir::OptionId::Count;
  Direction direction = Direction::Looser;
  bool isList = false;
  // Scalars: the values as text ("false", "true", "8080", "unset").
  std::string before, after;
  // Lists: the element and whether it was added (else removed).
  std::string element;
  bool added = false;
};

// A change to what the git proxy lets the sandbox do with one remote
// (`git { }` blocks). Each remote has a set of grants: `fetch`, each `push
// "PATTERN"` of its block, `allow delete`, `allow force-push`, and its token
// source (`token env "T"`: another credential is a removed and an added
// grant). A grant gained is looser, one lost tighter; a remote only one
// side names is one change (`grant` empty). Push patterns compare as
// written: a pattern replaced by an equivalent spelling reads as a change.
struct GitChange {
  Direction direction = Direction::Looser;
  std::string remote; // canonical URL
  std::string grant;  // "" = the whole remote
  bool added = false;
};

struct PolicyDiff {
  std::vector<DiffRegion> regions;  // sorted: direction, access, old rule, new rule, platform
  std::vector<OptionChange> options; // sorted: direction, option order, element
  std::vector<GitChange> git;        // sorted: direction, remote, grant
  size_t count(Direction d) const;
};

// Compares two loaded policies under `bindings` (both policies see the same
// roots; `let` variables keep each policy's default unless bound). Every
// region's witness is re-checked with the reference evaluator before it is
// returned. Fails (nullopt, `error`) when a pattern cannot be bound or, as an
// internal error, when the evaluator disagrees with a region.
//
// How the changes are cut into regions. Every changed access lies in a
// region either way; what differs is how many lines name the same change.
//  * FoldShadowed (the default, `moat diff`): a path rule that a later rule
//    with the same effect covers entirely, with nothing of the other effect
//    between them, shares that rule's regions. Exported settings restate a
//    runtime's protections at every root (`~/proj/**/.bashrc` beside
//    `/**/.bashrc`); each copy would be one more line and, worse, one more
//    set of exact searches. A region is named by the rules that decide its
//    witness.
//  * EveryRulePair: one region per pair of deciding rules, the finest cut.
enum class RegionCut { FoldShadowed, EveryRulePair };
std::optional<PolicyDiff> diffPolicies(const ir::Policy &before, const ir::Policy &after,
                                       const eval::Bindings &bindings, std::string &error,
                                       RegionCut cut = RegionCut::FoldShadowed);

// The git half on its own (diffPolicies includes it; DiffGit.cpp).
std::vector<GitChange> diffGit(const std::vector<ir::GitBlock> &before, const std::vector<ir::GitBlock> &after);

// The option half on its own (diffPolicies includes it).
std::vector<OptionChange> diffOptions(const ir::Options &before, const ir::Options &after);

} // namespace moat::verify
