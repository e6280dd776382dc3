// The piece of the Claude Code settings format that is not srt's: permission
// rule strings (`Tool` or `Tool(specifier)`). The schema's keys are data in
// ClaudeKeys.cpp (MisplacedKeys.h).
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

} // namespace moat::import
