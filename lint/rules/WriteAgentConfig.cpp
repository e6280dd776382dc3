// write-agent-config: agent or editor configuration that runs commands (hooks, MCP servers, tasks) is writable.
// Knowledge: lint/data/agent-config.txt. Docs: docs/rules/write-agent-config.md.
#include "lint/rules/WriteAgentConfig.h"

#include "lint/PathProbe.h"

namespace moat::lint {

void checkWriteAgentConfig(const LintContext &ctx, const RuleInfo &self) { reportWritable(ctx, self, agentConfigFiles()); }

} // namespace moat::lint
