// The shared check of the write-* rules: for each knowledge entry (a file
// that runs code, or a directory where a new file runs code), ask the
// evaluator whether the policy lets the confined process write it, and
// report each entry that is writable, at the rule that opens it.
#pragma once
#include "lint/Context.h"

#include <string>
#include <vector>

namespace moat::lint {

// `extraProbes`: names to try inside every directory entry before the
// entry's own probes (write-path-dir passes command names such as "git").
void reportWritable(const LintContext &ctx, const RuleInfo &rule, const std::vector<PathEntry> &entries,
                    const std::vector<std::string> &extraProbes = {});

} // namespace moat::lint
