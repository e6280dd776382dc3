// The match class of a rule at a path (docs/semantics.md, "Specificity"):
// a pattern matches a path ITSELF, or covers it only because it matches an
// ANCESTOR directory of it (subtree and glob patterns cover everything
// beneath what they match). A rule that matches the path itself outranks
// one that covers it only from an ancestor, so `deny "**/*.key"` keeps
// `src/lib/a/x.key` hidden under `allow "src/lib"`, as sandbox-runtime does.
//
// The verifier decides over all paths with automata, so it needs the two
// classes as two path sets of their own. For a bound pattern P:
//   stem(P)        P without trailing `**` components (`/a/**` covers what
//                  the subtree `/a` covers, and matches itself only at `/a`);
//                  a stem without wildcards is the literal path, Exact form.
//   self set       the paths stem(P) matches exactly: for an Exact or a
//                  literal stem one path; for a glob stem, the glob read
//                  without covering descendants (PathSet::selfOnly).
//   descendant set the paths strictly beneath a self-set path: the covering
//                  glob stem(P)/`*` (empty for an Exact pattern).
// self ∪ descendants is exactly what P covers, and the two are disjoint for
// one path only when P never matches both a path and its ancestor.
#pragma once
#include "compiler/fs/PathPattern.h"

#include <optional>

namespace moat::fs {

// stem(P) as above, for a BOUND or unbound pattern; its form is Exact when
// nothing of a wildcard is left, Glob otherwise.
PathPattern selfStem(const PathPattern &pattern);

// The covering glob stem(P)/`*`, or nullopt for an Exact pattern (it covers
// nothing beneath itself).
std::optional<PathPattern> descendantsOf(const PathPattern &pattern);

} // namespace moat::fs
