// Specificity: the total preorder that decides which matching filesystem rule
// wins (docs/semantics.md, "Specificity"). It is computed from a BOUND pattern
// (root "", the root's value spliced in), so `~/.ssh` with HOME=/home/u counts
// three leading literal components, exactly like `/home/u/.ssh`.
//
// Keys, compared in this order (the first difference decides):
//   1. leading literal components: more is more specific
//   2. form: Exact > Glob > Subtree
//   3. total components: more is more specific
//   4. literal bytes (escaped metacharacters count as literal; `*`, `?`,
//      classes and `**` count nothing): more is more specific
//   5. `**` components: fewer is more specific
// Patterns equal on all five keys are equally specific; the evaluator then
// prefers deny, then the earlier rule, which makes the order over rules total.
// Specificity is the third key of that order: the tier and the match class
// (fs/MatchClass.h: the path itself before an ancestor of it) come first
// (eval::decidesBefore).
#pragma once
#include "compiler/fs/PathPattern.h"

#include <string>

namespace moat::fs {

struct Specificity {
  unsigned leadingLiterals = 0;
  unsigned formRank = 0; // Subtree 0, Glob 1, Exact 2
  unsigned components = 0;
  unsigned literalBytes = 0;
  unsigned doubleStars = 0;

  std::string text() const; // "literal-prefix=3 form=glob components=4 literal-bytes=12 double-stars=1"
};

// Components must be in the syntax of the pattern's form (glob syntax for
// Glob patterns, plain names otherwise), as parsePathPattern and
// eval::bindPatternParts produce them.
Specificity specificityOf(const PathPattern &pattern);

// <0 when a is less specific than b, 0 when equal, >0 when more specific.
int compareSpecificity(const Specificity &a, const Specificity &b);

} // namespace moat::fs
