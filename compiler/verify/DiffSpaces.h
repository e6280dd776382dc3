// The two spaces `moat diff` enumerates regions over (see DiffRegions.h):
// absolute paths (filesystem rules and unix sockets) and endpoints (network
// rules), with the decision lists each policy gives them.
#pragma once
#include "compiler/eval/Bindings.h"
#include "compiler/fs/Glob.h"
#include "compiler/net/HostIndex.h"
#include "compiler/verify/DiffRegions.h"

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace moat::verify::detail {

// ---- paths -------------------------------------------------------------

// A bound pattern (root "") with its matcher.
struct PathItem {
  fs::PathPattern bound;
  fs::PatternMatcher matcher;
  bool selfOnly = false; // Witness.h PathSet::selfOnly (a rule's glob self part)

  bool covers(const std::vector<std::string_view> &path) const {
    return matcher.matches(path) && (!selfOnly || matcher.matchesSelf(path));
  }
};

class PathSpace {
public:
  using Item = PathItem;
  using Witness = std::string; // absolute, normalised

  // A trie over the literal leading components of the items: an item can
  // only overlap a query whose literal prefix is compatible with its own
  // (one a prefix of the other).
  class Index {
  public:
    Index(const PathSpace &space, const std::vector<DecisionEntry<PathItem>> &entries);
    void candidates(const PathItem &q, std::vector<size_t> &out) const;
    // Ascending indices of the entries whose literal prefix is a prefix of
    // q's: the only ones that can cover all of q.
    void onPath(const PathItem &q, std::vector<size_t> &out) const;

  private:
    struct Node {
      std::map<std::string, std::unique_ptr<Node>> children;
      std::vector<size_t> here;
    };
    static void collectBelow(const Node &node, std::vector<size_t> &out);
    // Appends the entries on q's path; the node q's prefix ends at, if any.
    const Node *walk(const PathItem &q, std::vector<size_t> &out) const;
    Node root_;
  };

  bool mayOverlap(const PathItem &a, const PathItem &b) const;
  bool subsumes(const PathItem &outer, const PathItem &inner) const;
  bool covers(const PathItem &item, const std::string &witness) const;
  unsigned selectivity(const PathItem &item) const;
  // Each search has its own budget (SearchBudget); one that runs out
  // answers nullopt and marks the space undecided, which the caller must
  // treat as "cannot decide" (a region may have been missed), never as
  // "no difference".
  std::optional<std::string> find(const std::vector<const PathItem *> &include,
                                  const std::vector<const PathItem *> &exclude) const;
  bool undecided() const { return undecided_; }

private:
  mutable bool undecided_ = false;
};

// A side's decision list over paths; the entries point into `items`.
struct PathSide {
  std::vector<std::unique_ptr<PathItem>> items;
  std::vector<DecisionEntry<PathItem>> entries;
};

// Binds and compiles a pattern as the evaluator does; nullopt with `error`
// naming the pattern when it cannot be bound.
std::optional<PathItem> makePathItem(const ir::Policy &policy, const eval::Bindings &bindings,
                                     const fs::PathPattern &pattern, std::string &error);

// Filesystem `access` on `platform`: the policy's rules in the evaluator's
// decision order (Witness.h boundFsRules), then the default; a disabled
// filesystem is one entry that allows everything.
std::optional<PathSide> fsSide(const ir::Policy &policy, const eval::Bindings &bindings,
                               ir::Platform platform, ir::Access access, std::string &error);

// Unix sockets on `platform`: deny rules, then allow rules (policy order),
// then the default (allow-all-unix-sockets or none); sandbox-disabled allows
// everything.
std::optional<PathSide> socketSide(const ir::Policy &policy, const eval::Bindings &bindings,
                                   ir::Platform platform, std::string &error);

// The first entry of a path decision list that covers `path` (absolute,
// normalised): what decides it.
const Decider &decidePath(const PathSide &side, const std::string &path);

// ---- endpoints -----------------------------------------------------------

struct HostItem {
  const net::HostPattern *pattern = nullptr;
};

class HostSpace {
public:
  using Item = HostItem;
  using Witness = net::Endpoint;

  // The entries that share an endpoint with a query, exactly
  // (net::HostIndex: names by domain, addresses by prefix).
  class Index {
  public:
    Index(const HostSpace &space, const std::vector<DecisionEntry<HostItem>> &entries);
    void candidates(const HostItem &q, std::vector<size_t> &out) const;

  private:
    net::HostIndex hosts_;
    std::vector<size_t> entryAt_; // index position -> entry
  };

  bool mayOverlap(const HostItem &a, const HostItem &b) const;
  bool subsumes(const HostItem &outer, const HostItem &inner) const;
  unsigned selectivity(const HostItem &item) const;
  std::optional<net::Endpoint> find(const std::vector<const HostItem *> &include,
                                    const std::vector<const HostItem *> &exclude) const;
};

struct HostSide {
  std::deque<HostItem> items; // stable addresses without an allocation per rule
  std::deque<net::HostPattern> names; // loopback names a deny on an address also denies
  std::vector<DecisionEntry<HostItem>> entries;
};

// Network rules on `platform`: deny rules, then allow rules (policy order),
// then the default; sandbox-disabled allows everything.
HostSide netSide(const ir::Policy &policy, ir::Platform platform);

} // namespace moat::verify::detail
