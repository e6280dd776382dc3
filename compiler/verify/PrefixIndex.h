// Bound rules indexed by the literal prefix of their patterns. Every path a
// pattern matches starts with its literal prefix, so two patterns can share
// a path only when one prefix is a prefix of the other ("comparable"). The
// verifier asks this before every exact question: with thousands of rules,
// only the few on the same branch of the tree matter.
#pragma once
#include "compiler/verify/Witness.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace moat::verify {

class PrefixIndex {
public:
  explicit PrefixIndex(const std::vector<BoundFsRule> &rules);
  PrefixIndex(const PrefixIndex &) = delete;
  PrefixIndex &operator=(const PrefixIndex &) = delete;

  // The literal prefix of rule i (its leading components without
  // wildcards, unescaped).
  const std::vector<std::string> &prefix(size_t i) const { return prefixes_[i]; }
  // Positions (ascending, so in decision order) of the rules whose prefix
  // is comparable with `prefix`, below `limit`.
  std::vector<size_t> comparable(const std::vector<std::string> &prefix, size_t limit = SIZE_MAX) const;

private:
  struct Node {
    std::map<std::string, std::unique_ptr<Node>> children;
    std::vector<size_t> rules;
  };
  std::vector<std::vector<std::string>> prefixes_;
  Node root_;
};

// The literal prefix of a bound pattern ({} for an invalid one).
std::vector<std::string> literalPrefixOf(const fs::PathPattern &bound);

} // namespace moat::verify
