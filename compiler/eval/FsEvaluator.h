// The filesystem half of the reference evaluator: every fs rule bound once,
// at creation, and indexed in a trie keyed by the literal leading components
// of its bound pattern (per access). A query walks only the trie path of the
// queried path: at each node it tests the subtree, exact and glob rules
// attached there, so its cost depends on the path's depth and on the globs
// that share its prefix, not on the number of rules.
#pragma once
#include "compiler/eval/Bindings.h"
#include "compiler/fs/Glob.h"
#include "compiler/fs/Specificity.h"
#include "compiler/ir/Policy.h"

#include <llvm/ADT/StringMap.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moat::eval {

struct FsMatch {
  const ir::FsRule *rule = nullptr;
  size_t index = 0; // position in policy.fsRules
  fs::Specificity specificity;
  // The match class at the queried path (fs/MatchClass.h): the pattern
  // matches the path itself, rather than only an ancestor directory of it.
  bool self = true;
  // A yieldsToSamePathAllow deny whose bound pattern an allow of the same
  // tier also has (yieldingIn): it ranks after the allows of its level.
  bool yields = false;
};

// The decision order over matching rules (docs/semantics.md, "Specificity"):
// the `always` tier first, then a rule matching the path itself before one
// covering it only from an ancestor, then more specific, then deny before
// allow (a yielding deny after allow), then the earlier rule. True when `a`
// decides before `b`. Total: two distinct rules never compare equal.
bool decidesBefore(const FsMatch &a, const FsMatch &b);

// Which rules of `group` (rules of one access with one bound pattern) give
// way, FsMatch::yields: a yieldsToSamePathAllow deny with an allow of the
// same tier in the group. Ranking such a deny after every allow of its
// level, rather than after just this one, keeps the order total and
// changes no outcome: wherever it matches, that allow matches too.
std::vector<bool> yieldingIn(const std::vector<const ir::FsRule *> &group);

class FsEvaluator {
public:
  // Binds every fs rule (so an unbound root is an error whatever the
  // platform) and indexes those that apply on `platform` (rule platform Any
  // or equal). Fails with `error` naming the rule's pattern.
  static std::unique_ptr<FsEvaluator> create(const ir::Policy &policy, const Bindings &bindings,
                                             ir::Platform platform, std::string &error);

  // The deciding rule for a normalised absolute path's components, or
  // nullopt when no rule matches (the default decides).
  std::optional<FsMatch> decide(const std::vector<std::string_view> &path, ir::Access access) const;
  // Every matching rule, in decision order (the first one decides).
  std::vector<FsMatch> matching(const std::vector<std::string_view> &path, ir::Access access) const;

  size_t indexedRules() const { return rules_.size(); }

private:
  // Rules that share one bound pattern match together: they are tested once
  // per query, and `winner` (the group's first rule in decision order; the
  // specificity is the same for all) is all that `decide` needs.
  struct Group {
    fs::PatternMatcher matcher;
    fs::Specificity specificity;
    std::vector<uint32_t> rules; // indices into rules_, in decision order
  };
  struct Node {
    llvm::StringMap<std::unique_ptr<Node>> children;
    std::vector<uint32_t> groups; // tested whenever a query reaches the node
    // Globs that need a literal component after this node (`/**/.bashrc`
    // needs ".bashrc"): tested only when the rest of the path has it.
    llvm::StringMap<std::vector<uint32_t>> byLiteral;
  };

  template <typename Visit>
  void visitMatches(const std::vector<std::string_view> &path, ir::Access access, Visit visit) const;

  std::vector<FsMatch> rules_;
  std::vector<Group> groups_;
  Node tries_[2]; // by ir::Access
};

} // namespace moat::eval
