// The shared check of the path rules (write-*, read-secrets): for each
// knowledge entry (a file, or a directory where certain names matter), ask
// the evaluator whether the policy opens it for an access, and report what
// is open, at the rule that opens it. Entries opened by the same rule are
// one finding that explains the first and names the others.
#pragma once
#include "lint/Context.h"

#include <string>
#include <vector>

namespace moat::lint {

struct ProbeOptions {
  ir::Access access = ir::Access::Write;
  // Names to try inside every directory entry before the entry's own probes
  // (write-path-dir passes command names such as "git"); only those that a
  // probe glob of the entry matches are tried.
  std::vector<std::string> extraProbes;
  // Also try the names the policy's own allow-write rules reach inside a
  // directory (write rules: `allow write file "~/bin/deploy"`).
  bool policyNames = true;
  // Of those, only names spelled literally (a glob such as `**/*.txt`
  // reaching a $PATH directory creates no name anyone types; the command
  // names already test what globs reach).
  bool literalNamesOnly = false;
  // Severity of the findings (the rule's default when unset) and text
  // appended to each message (read-secrets names the egress).
  std::optional<Severity> severity;
  std::string tail;
  // A note attached to each finding (read-secrets points at the egress).
  std::optional<std::pair<SourceLoc, std::string>> note;
};

void reportOpen(const LintContext &ctx, const RuleInfo &rule, const std::vector<PathEntry> &entries,
                const ProbeOptions &options);

// The write-* rules: reportOpen for writing.
inline void reportWritable(const LintContext &ctx, const RuleInfo &rule, const std::vector<PathEntry> &entries) {
  reportOpen(ctx, rule, entries, ProbeOptions{});
}

} // namespace moat::lint
