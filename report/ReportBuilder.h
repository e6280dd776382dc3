// Assembles a Report: the filesystem tree and network section from the
// reference evaluator over the effective policy, plus the findings and the
// diff the caller computed (Findings.h, DiffSection.h).
#pragma once
#include "compiler/diagnostics/SourceFiles.h"
#include "compiler/eval/Bindings.h"
#include "compiler/ir/Policy.h"
#include "report/ReportModel.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace moat::report {

struct ReportInputs {
  ReportInputs(const SourceFiles &files, const ir::Policy &policy, const eval::Bindings &bindings)
      : files(files), policy(policy), bindings(bindings) {}
  const SourceFiles &files;
  const ir::Policy &policy; // the effective policy, judged by the runtime it is reported for
  const eval::Bindings &bindings;
  ir::Platform platform = ir::Platform::Linux; // Linux or MacOS: what the tree is decided on
  std::string file;                            // the policy's file (the title when it has no name)
  std::vector<std::pair<std::string, std::string>> inputs; // (layer, file)
  std::vector<Finding> findings;
  std::optional<DiffSection> diff;
};

// Fails (nullopt, `error`) when the evaluator cannot bind the policy.
std::optional<Report> buildReport(ReportInputs in, std::string &error);

} // namespace moat::report
