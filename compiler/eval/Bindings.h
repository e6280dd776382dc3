// Concrete values for a policy's symbolic roots (HOME, CWD, TMPDIR, `let`
// variables), chosen as late as possible: by the launcher at launch, by
// `--define NAME=VALUE` at build/query time, or from the environment.
#pragma once
#include "compiler/ir/Policy.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace moat::eval {

class Bindings {
public:
  // HOME from $HOME (the password database when unset, empty or relative),
  // CWD from getcwd(), TMPDIR from $TMPDIR (when absolute) or /tmp. A value
  // that cannot be found stays undefined, so using it is an error later.
  static Bindings fromEnvironment();
  // `name` must be [A-Za-z_][A-Za-z0-9_]* (HOME, CWD, TMPDIR or a `let`
  // variable); `value` must be an absolute path without control characters;
  // it is normalised lexically. Returns false (and sets error) otherwise.
  bool define(const std::string &name, const std::string &value, std::string &error);
  std::optional<std::string> lookup(const std::string &name) const;
  const std::map<std::string, std::string> &all() const { return values_; }

private:
  std::map<std::string, std::string> values_;
};

// The absolute value of a root for this policy: "" for the absolute root "",
// a binding if defined, else a `let` variable's default (resolved
// recursively; a cycle is an error), else nullopt with
// "'$X' has no value: pass --define X=PATH".
std::optional<std::string> resolveRoot(const ir::Policy &policy, const Bindings &bindings,
                                       const std::string &root, std::string &error);

// Binds a pattern to an absolute pattern string ("/home/u/.ssh",
// "/home/u/proj/**/*.pem"). Subtree and Exact patterns give the plain
// absolute path (usable as a mount point); Glob patterns give an absolute
// glob in pattern syntax, with metacharacters of the root's value escaped so
// that a HOME such as "/srv/a*b" stays literal.
std::optional<std::string> bindPattern(const ir::Policy &policy, const Bindings &bindings,
                                       const fs::PathPattern &pattern, std::string &error);

// The same binding as a pattern with root "" and the root's components
// spliced in, in the syntax of the pattern's form (glob syntax for Glob,
// plain names otherwise): what fs::specificityOf and fs::PathGlob take.
std::optional<fs::PathPattern> bindPatternParts(const ir::Policy &policy, const Bindings &bindings,
                                                const fs::PathPattern &pattern, std::string &error);

// Resolves a concrete path as a query gives it (`moat query P read PATH`):
// `~`, `~/x`, `$NAME/x` or `${NAME}/x` take the root's value, a relative
// path is relative to $CWD, and the result is normalised lexically. Unlike a
// pattern, `*`, `?`, `[` and `\` are ordinary bytes here. Fails on an empty
// path, control characters, `~user` or an unbound root.
std::optional<std::string> resolveQueryPath(const ir::Policy &policy, const Bindings &bindings,
                                            std::string_view path, std::string &error);

} // namespace moat::eval
