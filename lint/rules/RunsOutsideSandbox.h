// runs-outside-sandbox (docs/rules/runs-outside-sandbox.md).
#pragma once
#include "lint/Context.h"

#include <string>
#include <string_view>
#include <vector>

namespace moat::lint {
void checkRunsOutsideSandbox(const LintContext &ctx, const RuleInfo &self);

// The paths a shell command names, in knowledge form (`~/x`, `$CWD/x`,
// `/x`): words that start with `/`, `~/`, `$HOME`, `$CLAUDE_PROJECT_DIR`
// or `$PWD`, or that hold a `/` and are relative to the directory the
// command runs in (the project). Quotes are removed; options, URLs and
// words with other variables are skipped. Exposed for tests.
std::vector<std::string> commandPaths(std::string_view command);
} // namespace moat::lint
