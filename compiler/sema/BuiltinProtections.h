// moat's built-in write protections (data: builtin-protections.txt).
#pragma once
#include "compiler/ir/Policy.h"

#include <vector>

namespace moat::sema {

// The built-in `always deny write` rules, minus those a set option lifts
// (e.g. allow-git-config lifts .git/config).
std::vector<ir::FsRule> builtinProtections(const ir::Options &options);

} // namespace moat::sema
