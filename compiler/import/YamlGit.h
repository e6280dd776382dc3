// The YAML spelling of one `git { }` block (docs/language-yaml.md, "git"):
//
//   git:
//     - remote: ["https://host/org/tools", {url: "https://host/org/repo", fetch: true}]
//       push: ["refs/heads/agent/*"]
//       allow: [delete, force-push]
//       token: {env: GITHUB_TOKEN}        # or {file: "~/.config/moat/token"}
//       user: x-access-token
//
// Only the shape is checked here; sema judges the values, as for .moat.
#pragma once
#include "compiler/ast/Ast.h"
#include "compiler/import/DocTree.h"

#include <optional>
#include <string>

namespace moat::import {

// One item of the `git` list; nullopt after reporting what is wrong.
std::optional<ast::GitBlock> yamlGitBlock(const DocNode &item, const std::string &where, DiagnosticEngine &diags);

} // namespace moat::import
