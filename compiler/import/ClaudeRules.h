// Pieces of the Claude Code settings format that are not srt's: permission
// rule strings (`Tool` or `Tool(specifier)`) and the settings keys that have
// nothing to do with sandboxing.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moat::import {

struct PermissionRule {
  std::string tool;                     // "Edit", "Bash", "mcp__github__create_issue"
  std::optional<std::string> specifier; // the text between the parentheses
};

// Parses `Tool` or `Tool(specifier)`. The tool name is letters, digits, `_`,
// `-` and `*`; the specifier is non-empty with balanced parentheses and the
// rule ends at its closing parenthesis. On failure `error` says why.
std::optional<PermissionRule> parsePermissionRule(std::string_view text, std::string &error);

// Top-level keys of Claude Code settings files that do not affect the
// sandbox (model choice, hooks, UI, login, telemetry, MCP server choice...).
// The importer accepts exactly these besides `sandbox` and `permissions`;
// docs/importing.md lists the same keys.
const std::vector<std::string_view> &claudeUnrelatedKeys();
bool isClaudeUnrelatedKey(std::string_view key);

} // namespace moat::import
