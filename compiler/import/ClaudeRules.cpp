#include "compiler/import/ClaudeRules.h"

#include <algorithm>

namespace moat::import {

namespace {

bool isToolNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '*';
}

} // namespace

std::optional<PermissionRule> parsePermissionRule(std::string_view text, std::string &error) {
  size_t open = text.find('(');
  std::string_view name = text.substr(0, open);
  if (name.empty()) {
    error = "a rule starts with a tool name, as in Edit(src/**) or WebFetch";
    return std::nullopt;
  }
  for (char c : name) {
    if (!isToolNameChar(c)) {
      error = open == std::string_view::npos && c == ')'
                  ? "')' without '('"
                  : "a tool name has only letters, digits, '_', '-' and '*'";
      return std::nullopt;
    }
  }
  PermissionRule rule;
  rule.tool = std::string(name);
  if (open == std::string_view::npos)
    return rule;

  if (text.back() != ')') {
    error = "a rule with '(' must end with its closing ')'";
    return std::nullopt;
  }
  std::string_view spec = text.substr(open + 1, text.size() - open - 2);
  if (spec.empty()) {
    error = "empty parentheses: write the tool name alone to mean every use";
    return std::nullopt;
  }
  int depth = 0;
  for (char c : spec) {
    if (c == '(')
      ++depth;
    else if (c == ')' && --depth < 0)
      break;
  }
  if (depth != 0) {
    error = "unbalanced parentheses";
    return std::nullopt;
  }
  rule.specifier = std::string(spec);
  return rule;
}

} // namespace moat::import
