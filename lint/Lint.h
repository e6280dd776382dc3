// The lint driver: runs every registered risk rule (lint/Registry.cpp) over a
// policy's IR and reports findings (DiagKind::Finding, id = rule id) into the
// diagnostic engine. Rules reason over effective decisions of the reference
// evaluator under one canonical model of the machine (lint/Context.h).
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/ir/Policy.h"

#include <string>
#include <vector>

namespace moat::lint {

class LintContext;

// What `moat check` (or a .moat.yaml config) adds to the built-in knowledge.
struct LintOptions {
  // Further directories on $PATH (absolute, or starting with ~ or $CWD).
  std::vector<std::string> extraPathDirs;
  // Further hosts that can carry data out (exact names or `*.domain`).
  std::vector<std::string> extraExfilDomains;
  // The same policy with moat's semantics, when `policy` is judged by srt
  // or Claude Code (`moat check` on their files): a finding about what the
  // runtime leaves open says when `moat run` closes it (lint/Context.h).
  const ir::Policy *moatTwin = nullptr;
};

// A rule: stable id (DESIGN.md), default severity, one-line summary (for
// SARIF's tool.driver.rules and `moat explain`), and its check.
struct RuleInfo {
  const char *id;
  Severity severity;
  const char *summary;
  void (*check)(const LintContext &ctx, const RuleInfo &self);
};

// Every registered rule, in registration order.
const std::vector<RuleInfo> &lintRules();
// The front end's settings findings (unknown-setting, misplaced-setting,
// invalid-entry, duplicate-setting): rules without a check function.
const std::vector<RuleInfo> &settingsRules();
// A lint rule or a settings rule.
const RuleInfo *findLintRule(std::string_view id);

// Runs every rule over `policy`. Findings go to `diags`. A policy whose roots
// cannot be bound in the canonical model is reported as an error finding
// (id "lint-model"), never silently skipped.
void runLint(const ir::Policy &policy, DiagnosticEngine &diags, const LintOptions &options = {});

} // namespace moat::lint
