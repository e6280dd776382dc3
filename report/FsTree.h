// The effective filesystem tree of `moat report`: every path the policy's
// rules name (built-in protections included), arranged by directory, with
// the reference evaluator's read and write decision at each node.
#pragma once
#include "compiler/diagnostics/SourceFiles.h"
#include "compiler/eval/Bindings.h"
#include "compiler/eval/Evaluator.h"
#include "report/ReportModel.h"

#include <optional>
#include <string>
#include <vector>

namespace moat::report {

// The roots a policy's paths start at, with their values: HOME ("~"), CWD,
// TMPDIR and every `let` variable that resolves ("$NAME").
struct NamedRoot {
  std::string name;
  std::string path;
};
std::vector<NamedRoot> policyRoots(const ir::Policy &policy, const eval::Bindings &bindings);

// `evaluator` decides `policy` on `platform` under `bindings`. Fails
// (nullopt, `error`) when a rule's root cannot be bound.
std::optional<FsNode> buildFsTree(const ir::Policy &policy, const eval::Evaluator &evaluator,
                                  const eval::Bindings &bindings, ir::Platform platform, const SourceFiles &files,
                                  std::string &error);

} // namespace moat::report
