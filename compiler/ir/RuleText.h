// Prints IR rules back in .moat syntax, for queries, findings and explain.
#pragma once
#include "compiler/ir/Policy.h"

#include <string>

namespace moat::ir {

// `always deny write file "~/.netrc"`
std::string ruleText(const FsRule &rule);
// `allow connect "*.github.com:443"`
std::string ruleText(const NetRule &rule);
// A string literal in .moat syntax, escaped so it always parses back.
std::string quoted(const std::string &s);
// An option's value as `set` writes it: true, 3128, "text", ["a", "b"].
std::string optionValueText(const OptionValue &v);

} // namespace moat::ir
