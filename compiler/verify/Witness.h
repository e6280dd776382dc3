// Exact emptiness questions over the sets of paths and endpoints that policy
// patterns denote, answered with a concrete witness. This is the decision
// procedure under `moat verify` (asserts), the `shadowed-rule` check and
// `moat diff`: each of them reduces to "is (A ∩ B ∩ ...) \ (C ∪ D ∪ ...)
// empty, and if not, give me one member". docs/semantics.md ("Deciding over
// all paths") describes the construction.
#pragma once
#include "compiler/eval/Bindings.h"
#include "compiler/fs/PathPattern.h"
#include "compiler/fs/Specificity.h"
#include "compiler/ir/Policy.h"
#include "compiler/net/Host.h"

#include <llvm/ADT/ArrayRef.h>

#include <optional>
#include <string>
#include <vector>

namespace moat::verify {

// The set of absolute paths a BOUND pattern (root "", components in the
// syntax of its form, as eval::bindPatternParts gives) covers, exactly as the
// evaluator matches it: Subtree = the path and everything beneath it; Exact =
// that path only; Glob = every path the glob matches and everything beneath
// those (a glob naming a directory covers its contents).
//
// findPath returns a normalised absolute path that lies in every `include`
// set and in no `exclude` set, or nullopt when there is none. It is exact:
// nullopt only when the set really is empty (no sampling). `include` must not
// be empty. Witnesses are chosen to read well: literal components of the
// patterns where possible, short fresh names ("x", "x1", ...) elsewhere, and
// the shortest path first.
std::optional<std::string> findPath(llvm::ArrayRef<const fs::PathPattern *> include,
                                    llvm::ArrayRef<const fs::PathPattern *> exclude);

// A bound on the work of searches. The procedures are exact, but the
// product they explore can grow exponentially with pathological globs (a
// `*a` followed by dozens of `?` has a state per subset of them). Callers
// that must answer promptly pass a budget, shared by the searches they run,
// and treat an exhausted one as "cannot decide" (fail closed), never as
// "empty": when `exhausted` is set, a nullopt answer means nothing.
struct SearchBudget {
  size_t states = 500'000; // product states kept, paths and glob bytes alike, and every
                           // 16 dominance checks between glob states (~1 s in all)
  bool exhausted = false;
};
std::optional<std::string> findPath(llvm::ArrayRef<const fs::PathPattern *> include,
                                    llvm::ArrayRef<const fs::PathPattern *> exclude, SearchBudget &budget);

// A path set for the searches: a bound pattern read as above or, with
// `selfOnly`, only the paths a glob matches itself (no descendants covered;
// fs/MatchClass.h: the self set of a glob stem).
struct PathSet {
  const fs::PathPattern *pattern = nullptr;
  bool selfOnly = false;
};
std::optional<std::string> findPathSets(llvm::ArrayRef<PathSet> include, llvm::ArrayRef<PathSet> exclude,
                                        SearchBudget &budget);

// The same question over endpoints (canonical host + port), with the
// evaluator's matching (net::HostPattern::matches). An empty `include` means
// every endpoint. Witness hosts prefer names from the patterns, then a fresh
// label under a wildcard ("x.example.com"), then fresh names/addresses.
std::optional<net::Endpoint> findEndpoint(llvm::ArrayRef<const net::HostPattern *> include,
                                          llvm::ArrayRef<const net::HostPattern *> exclude);

// A rule competing to decide paths: a bound pattern and its effect. Lists
// of them are in decision order (the first rule covering a path decides it).
struct DecidingRule {
  const fs::PathPattern *pattern = nullptr;
  ir::Effect effect = ir::Effect::Deny;
  bool selfOnly = false; // as PathSet::selfOnly
};

// A path of `subject` that `rules` decide against `expected`: the first
// rule (in list order) covering the path has the other effect, or no rule
// covers it and `defaultEffect` is the other effect. nullopt when every
// path of `subject` is decided `expected`. Exact and shortest, as findPath,
// but one search for the whole rule list: the product also tracks the first
// rule that covers the current branch, and drops a branch as soon as every
// rule that could still decide beneath it agrees with `expected`.
std::optional<std::string> findDecidedAgainst(const fs::PathPattern &subject, llvm::ArrayRef<DecidingRule> rules,
                                              ir::Effect expected, ir::Effect defaultEffect);
std::optional<std::string> findDecidedAgainst(const fs::PathPattern &subject, llvm::ArrayRef<DecidingRule> rules,
                                              ir::Effect expected, ir::Effect defaultEffect, SearchBudget &budget);

// A filesystem rule bound for one platform and access, with what the
// evaluator orders it by.
struct BoundFsRule {
  const ir::FsRule *rule = nullptr;
  size_t index = 0;        // position in policy.fsRules
  fs::PathPattern bound;   // root ""
  fs::Specificity specificity;
  bool yields = false;     // eval::FsMatch::yields
};

// Every fs rule that applies to `access` on `platform`, bound, sorted in the
// evaluator's decision order (eval::decidesBefore: `always` tier first, then
// more specific, then deny, then earlier). The first rule of this list that
// covers a path decides it; a path no rule covers gets the default. Fails
// (nullopt, `error`) when a root cannot be bound.
std::optional<std::vector<BoundFsRule>> boundFsRules(const ir::Policy &policy,
                                                     const eval::Bindings &bindings,
                                                     ir::Platform platform, ir::Access access,
                                                     std::string &error);

// The evaluator's order is over (rule, match class) pairs: a rule that
// matches a path itself outranks one that covers it only from an ancestor
// (fs/MatchClass.h). So the verifier splits every rule into two virtual
// rules with a static rank: its SELF part (the paths its stem matches
// itself) and its DESCENDANT part (everything strictly beneath those; none
// for an exact pattern). Sorted by eval::decidesBefore with the class
// filled in, the first part that covers a path decides it, exactly as the
// evaluator decides (a path that both parts of a rule cover, such as
// `/x.key/y.key` for `/**/*.key`, is decided by the self part first).
struct DecisionPart {
  size_t rule = 0;         // index into the BoundFsRule list
  fs::PathPattern pattern; // bound: the self stem or the descendant glob
  bool selfOnly = false;   // as PathSet::selfOnly (a glob self stem)
  bool self = true;        // the match class of this part

  PathSet set() const { return PathSet{&pattern, selfOnly}; }
};
std::vector<DecisionPart> decisionParts(const std::vector<BoundFsRule> &rules);

} // namespace moat::verify
