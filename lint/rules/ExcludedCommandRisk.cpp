// excluded-command-risk: commands that run outside the sandbox
// (excluded-commands, Claude sandbox.excludedCommands) that can run code or
// move data (lint/data/risky-commands.txt), and allow-unsandboxed-commands.
// Docs: docs/rules/excluded-command-risk.md.
#include "lint/rules/ExcludedCommandRisk.h"

#include <fmt/format.h>

namespace moat::lint {

namespace {

// "git push" -> "git", "/usr/bin/git" -> "git", "docker:*" -> "docker".
std::string commandName(std::string_view entry) {
  while (!entry.empty() && (entry.front() == ' ' || entry.front() == '\t'))
    entry.remove_prefix(1);
  entry = entry.substr(0, entry.find_first_of(" \t"));
  size_t colon = entry.find(':');
  if (colon != std::string_view::npos)
    entry = entry.substr(0, colon);
  size_t slash = entry.rfind('/');
  if (slash != std::string_view::npos)
    entry = entry.substr(slash + 1);
  return std::string(entry);
}

} // namespace

void checkExcludedCommandRisk(const LintContext &ctx, const RuleInfo &self) {
  const ir::Options &options = ctx.policy().options;
  if (options.flag(ir::OptionId::AllowUnsandboxedCommands))
    ctx.report(self, ctx.optionLoc(ir::OptionId::AllowUnsandboxedCommands),
               "allow-unsandboxed-commands lets a command ask to run outside the sandbox: a prompt-injected agent "
               "asks, and one approval runs anything unconfined");
  std::vector<std::string> risky;
  std::string firstWhy;
  for (const std::string &entry : options.list(ir::OptionId::ExcludedCommands)) {
    std::string name = commandName(entry);
    for (const NamedEntry &known : riskyCommands())
      if (known.name == name) {
        if (risky.empty())
          firstWhy = fmt::format("'{}' runs outside the sandbox: {}", entry, known.why);
        risky.push_back(entry);
        break;
      }
  }
  if (risky.empty())
    return;
  std::string message = firstWhy;
  if (risky.size() > 1) {
    message += fmt::format("; so do {} more: ", risky.size() - 1);
    for (size_t i = 1; i < risky.size(); ++i)
      message += (i > 1 ? ", '" : "'") + risky[i] + "'";
  }
  ctx.report(self, ctx.optionLoc(ir::OptionId::ExcludedCommands),
             message + " (a matching command line runs entirely unconfined)");
}

} // namespace moat::lint
