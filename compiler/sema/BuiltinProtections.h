// moat's built-in write protections (data: builtin-protections.txt).
#pragma once
#include "compiler/ir/Policy.h"

#include <vector>

namespace moat::sema {

// The built-in `always deny write` rules, minus those a set option lifts
// (e.g. allow-git-config lifts .git/config).
std::vector<ir::FsRule> builtinProtections(const ir::Options &options);

// One `always deny write` rule of a built-in set (moat's, or a runtime's:
// RuntimeProtections.h) from its data-file pattern. A malformed entry is a
// build defect and aborts; it is never ignored.
ir::FsRule builtinDenyWrite(const std::string &pattern, ir::Platform platform, const char *origin);

} // namespace moat::sema
