// Concrete values for a policy's symbolic roots (HOME, CWD, TMPDIR, `let`
// variables), chosen as late as possible: by the launcher at launch, by
// `--define NAME=VALUE` at build/query time, or from the environment.
#pragma once
#include "compiler/ir/Policy.h"

#include <map>
#include <optional>
#include <string>

namespace moat::eval {

class Bindings {
public:
  // HOME from $HOME, CWD from getcwd(), TMPDIR from $TMPDIR or /tmp.
  static Bindings fromEnvironment();
  // `value` must be an absolute path; it is normalised lexically. Returns
  // false (and sets error) otherwise.
  bool define(const std::string &name, const std::string &value, std::string &error);
  std::optional<std::string> lookup(const std::string &name) const;
  const std::map<std::string, std::string> &all() const { return values_; }

private:
  std::map<std::string, std::string> values_;
};

// The absolute value of a root for this policy: a binding if defined, else a
// `let` variable's default (resolved recursively), else nullopt.
std::optional<std::string> resolveRoot(const ir::Policy &policy, const Bindings &bindings,
                                       const std::string &root, std::string &error);

// Binds a pattern to an absolute pattern string ("/home/u/.ssh",
// "/home/u/proj/**/*.pem").
std::optional<std::string> bindPattern(const ir::Policy &policy, const Bindings &bindings,
                                       const fs::PathPattern &pattern, std::string &error);

} // namespace moat::eval
