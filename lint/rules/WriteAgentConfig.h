// write-agent-config: agent or editor configuration that runs commands (hooks, MCP servers, tasks) is writable.
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkWriteAgentConfig(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
