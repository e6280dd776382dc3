// Sema for `git { ... }` blocks (docs/language.md, "git"): one AST block to
// one ir::GitBlock, validated strictly because the block decides where a
// real credential is sent and what the sandbox may do with it. A block that
// is wrong in any way is reported and left out whole (the policy then fails
// to load): a half-understood block would be a silently different one.
#pragma once
#include "compiler/ast/Ast.h"
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/fs/PathPattern.h"
#include "compiler/ir/Policy.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace moat::sema {

// Parses a path the way the rest of sema does (roots and variables known),
// reporting nothing: `error` says why not.
using GitPathParser =
    std::function<std::optional<fs::PathPattern>(const ast::Str &path, std::string &error)>;

// The block, or nullopt after reporting why not.
std::optional<ir::GitBlock> analyseGitBlock(const ast::GitBlock &block, const ir::Provenance &prov,
                                            const GitPathParser &parsePath, DiagnosticEngine &diags);

// Reports every remote that `blocks` name more than once (in one block or in
// two), with a note at the first. Returns false when it reported any.
bool checkGitRemotesUnique(const std::vector<ir::GitBlock> &blocks, DiagnosticEngine &diags);

// Is `name` usable as an environment variable name ([A-Za-z_][A-Za-z0-9_]*)?
bool validEnvName(const std::string &name);

} // namespace moat::sema
