// Seatbelt path filters for placed patterns.
//
//   subtree  (subpath P)       exact  (literal P)       glob  (regex #"^...(/.*)?$")
//
// P is a string, (param "HOME"), or (string-append (param "HOME") "/.ssh").
// A regex cannot contain a parameter, so a glob below a parameter is not
// expressible exactly: a deny rule is WIDENED to
// (require-all (subpath PREFIX) (regex #"UNANCHORED")), which matches every
// path it matched and possibly more (stricter); an allow rule is OMITTED
// (stricter). Globs whose components after the prefix are all `**` are
// exactly the prefix's subtree and need no regex.
//
// macOS path aliases: /etc, /tmp and /var are symlinks to /private/etc,
// /private/tmp and /private/var, and Seatbelt matches resolved paths. A rule
// on an absolute path under one of them therefore also gets the /private
// spelling as a second filter of the same rule (filters in one rule OR
// together), so it means the same file whichever name the policy used.
#pragma once
#include "backends/sbpl/SbplPlace.h"
#include "compiler/ir/Policy.h"

#include <optional>
#include <string>
#include <vector>

namespace moat::backends::sbpl {

// "/a/b" as a string, (param "P") or (string-append (param "P") "/a/b").
std::optional<std::string> pathExpr(const std::string &param, const std::vector<std::string> &names,
                                    std::string &why);

// Exact: the filters match what the pattern matches. Widened: a superset
// (only ever for deny rules). Narrowed: a subset (only for allow rules).
// Omitted: nothing (only for allow rules).
enum class Fit { Exact, Widened, Narrowed, Omitted };

struct RuleFilters {
  std::vector<std::string> filters; // empty when omitted
  Fit fit = Fit::Exact;
};

// The filters of one rule. nullopt (with `why`) when a byte of the pattern
// cannot be written in a profile.
std::optional<RuleFilters> pathFilters(const PlacedPattern &p, ir::Effect effect, std::string &why);

// The filters of the rule's SELF part (fs/MatchClass.h): only the paths the
// pattern matches itself. An exact or subtree pattern (or a glob whose rest
// is only `**`): (literal P); a glob: the regex of its stem without the
// descendant closure. Below a parameter a glob stem cannot be written: a
// deny is widened to (require-all (subpath PREFIX) (regex #"FLOATING$")),
// an allow omitted, as for pathFilters.
std::optional<RuleFilters> selfFilters(const PlacedPattern &p, ir::Effect effect, std::string &why);

// Filters matching the strict ancestors of the paths `p` matches, the
// directories whose rename or removal would carry a protected path away:
//  * every directory of the literal prefix (below a parameter: the
//    parameter's own directory and those below it; directories above a
//    parameter's value cannot be named);
//  * for a glob, each longer prefix that ends in a non-`**` component
//    (`/**/.git/hooks` -> every `.git` directory);
//  * for a `**` that follows such a component, everything beneath that
//    component's matches (`/**/.git/modules/**/hooks` -> everything under a
//    `.git/modules`).
// A leading `**` needs nothing (a moved directory stays below `/`, which it
// spans); a `**` right after the literal prefix is not covered: protecting it
// would forbid every rename below the prefix (docs/backends.md).
std::optional<std::vector<std::string>> ancestorFilters(const PlacedPattern &p, std::string &why);

// Filters for `(remote unix-socket FILTER...)`: (path-literal P) for the
// path itself, (path-regex #"...") for what lies beneath it or a glob. A
// parameter cannot appear in a regex: below a parameter an allow keeps only
// the exact path (narrowed) or is left out (a glob), and a deny is widened to
// an unanchored regex over the pattern's components.
std::optional<RuleFilters> socketFilters(const PlacedPattern &p, ir::Effect effect, std::string &why);

} // namespace moat::backends::sbpl
