// The alphabet problem of the path decision procedure (Witness.h): a path is
// a sequence of components, and the transitions of the pattern automata are
// predicates over whole component names (a literal name, a one-component
// glob, "anything"). To step from one product state to the next we need one
// name from every non-empty Boolean combination ("atom") of the predicates
// in play. For literal predicates the literal itself is that name. For globs
// this file answers the question exactly, one level down: each glob is a
// small automaton over bytes, and a breadth-first walk of their product finds
// every combination of "matches / does not match" some name realises, with
// the shortest such name.
//
// A name that happens to equal a literal of some pattern would not stand for
// the combination "matches these globs and no literal", so the walk runs in
// product with a trie of the literals: names off the trie are "fresh"; names
// that end on a literal are recorded separately, so a caller can still use
// one when no fresh name realises the combination (e.g. `[a]b` only ever
// matches "ab").
#pragma once
#include "compiler/fs/Glob.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moat::verify::detail {

// Can `name` be a component of a normalised absolute path? Not empty, not
// "." or "..", no '/', no control bytes (below 0x20, 0x7f).
bool validComponentName(std::string_view name);

// Is byte `c` allowed inside a component name?
inline bool componentByte(unsigned char c) { return c >= 0x20 && c != 0x7f && c != '/'; }

// A trie of names. `forbidden` names ("." and "..") are never recorded as
// realisers.
class NameTrie {
public:
  NameTrie();
  void insert(std::string_view name, bool forbidden = false);
  bool contains(std::string_view name) const;

  struct Node {
    std::map<unsigned char, uint32_t> children;
    bool terminal = false;
    bool forbidden = false;
  };
  const Node &node(uint32_t i) const { return nodes_[i]; }
  static constexpr uint32_t kRoot = 0;

private:
  std::vector<Node> nodes_;
};

// One realisable combination of the globs: matches[i] says whether its names
// match glob i. `fresh` is the shortest name realising it that is not in the
// trie (none when every such name is a trie name); `literals` are the trie
// names that realise it.
struct GlobAtom {
  std::vector<bool> matches;
  std::optional<std::string> fresh;
  std::vector<std::string> literals;
};

// Every atom of `globs` (token lists, never `**`) over valid component
// names: exact, no sampling. Atoms come in the order of their shortest
// fresh name (then those realised only by trie names). Each product state
// visited costs one unit of `budget`; nullopt when it runs out (the walk is
// exponential for pathological globs such as `*a` followed by many `?`).
std::optional<std::vector<GlobAtom>> globAtoms(const std::vector<const std::vector<fs::GlobToken> *> &globs,
                                               const NameTrie &trie, size_t &budget);

// The same with a polarity per glob, for a caller that only needs the best
// atoms: +1 when matching the glob is never worse for it (every automaton
// testing it wants more matches), -1 when it is never better, 0 when both
// matter. Atom A dominates atom B when A matches every +1 glob B matches,
// no -1 glob B does not match, and the same 0 globs. The walk keeps, among
// names off the trie, only byte-level states no earlier state dominates
// (positions: superset for +1, subset for -1, equal for 0; a glob's match
// is monotone in its position set), so it returns at least one atom
// dominating each atom (every atom when all polarities are 0). A state on
// the trie is pruned too when a fresh one dominates it: a literal name is
// no better than a fresh one, except for the literals the caller's automata
// test at that point, which the caller tries as names of their own. This is what
// keeps the walk polynomial on N unrelated globs (`*.a*`, `*.b*`, ...):
// their 2^N combinations collapse to the one that matches none of them.
std::optional<std::vector<GlobAtom>> globAtoms(const std::vector<const std::vector<fs::GlobToken> *> &globs,
                                               const std::vector<int8_t> &polarity, const NameTrie &trie,
                                               size_t &budget);

// Does a token list match `name` (the matcher's semantics, for callers that
// hold tokens rather than a compiled ComponentGlob)?
bool tokensMatch(const std::vector<fs::GlobToken> &tokens, std::string_view name);

} // namespace moat::verify::detail
