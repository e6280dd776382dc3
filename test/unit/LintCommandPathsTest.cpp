// runs-outside-sandbox reads the paths a hook or helper command names
// (lint/rules/RunsOutsideSandbox.h): what it places, and what it leaves alone.
#include "lint/rules/RunsOutsideSandbox.h"

#include <gtest/gtest.h>

using moat::lint::commandPaths;
using V = std::vector<std::string>;

TEST(LintCommandPaths, ProjectVariablesAndQuotes) {
  EXPECT_EQ(commandPaths("\"$CLAUDE_PROJECT_DIR\"/.claude/hooks/check.sh --fast"), V{"$CWD/.claude/hooks/check.sh"});
  EXPECT_EQ(commandPaths("bash ${CLAUDE_PROJECT_DIR}/scripts/x.sh"), V{"$CWD/scripts/x.sh"});
  EXPECT_EQ(commandPaths("'$PWD/a b/run.sh'"), V{"$CWD/a b/run.sh"});
}

TEST(LintCommandPaths, HomeAbsoluteAndRelative) {
  EXPECT_EQ(commandPaths("bash ~/.claude/statusline.sh"), V{"~/.claude/statusline.sh"});
  EXPECT_EQ(commandPaths("$HOME/bin/key-helper"), V{"~/bin/key-helper"});
  EXPECT_EQ(commandPaths("/usr/local/bin/vault-key anthropic"), V{"/usr/local/bin/vault-key"});
  EXPECT_EQ(commandPaths("./scripts/format.sh && python3 tools/lint.py"),
            (V{"$CWD/scripts/format.sh", "$CWD/tools/lint.py"}));
}

TEST(LintCommandPaths, WhatItLeavesAlone) {
  EXPECT_EQ(commandPaths("npx prettier --write ."), V{});      // bare names and "."
  EXPECT_EQ(commandPaths("curl https://example.com/x"), V{});  // URLs
  EXPECT_EQ(commandPaths("$TOOL_DIR/run.sh"), V{});           // a variable of unknown value
  EXPECT_EQ(commandPaths("--config=/etc/x.conf"), V{"/etc/x.conf"}); // an option's path value
  EXPECT_EQ(commandPaths("echo 'unterminated"), V{});
}
