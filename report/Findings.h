// The findings section of `moat report`: one policy's findings exactly as
// `moat check POLICY` shows them (lint over the policy judged by its
// runtime, the `.moat.yaml` found for the file, inline suppressions, repeats
// folded), with the docs page of every rule id they carry.
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/ir/Policy.h"
#include "lint/Config.h"
#include "lint/Triage.h"
#include "report/ReportModel.h"

#include <optional>
#include <string>
#include <vector>

namespace moat::report {

struct CheckedFindings {
  std::vector<Diagnostic> shown;
  std::vector<lint::SuppressedFinding> suppressed;
};

// `loading` holds what loading the policy reported (settings findings,
// dropped managed rules); `buffers` are the files the policy was read from
// (where inline suppressions count). `twin` is the policy with moat's
// semantics when it is judged by another runtime (LintOptions::moatTwin).
// `today` decides which config ignores have expired. nullopt when the config or a suppression comment is in error; the errors
// are in `errors`.
std::optional<CheckedFindings> checkFindings(const std::string &policyPath, const ir::Policy &policy,
                                             const ir::Policy *twin, const std::vector<Diagnostic> &loading,
                                             const std::vector<uint32_t> &buffers, const lint::CivilDate &today,
                                             DiagnosticEngine &errors);

// Shown findings first (in reading order), then suppressed ones.
std::vector<Finding> toFindings(const CheckedFindings &checked, const SourceFiles &files);

// The docs page of each id in `findings`, sorted by id; ids without a page
// are left out.
std::vector<RuleDoc> docsFor(const std::vector<Finding> &findings);

} // namespace moat::report
