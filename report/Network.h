// The network half of `moat report`: each connect rule with an endpoint it
// covers and what the evaluator decides there (another rule, when this one
// is outranked), the connect default, and the unix-socket allowlist.
#pragma once
#include "compiler/diagnostics/SourceFiles.h"
#include "compiler/eval/Evaluator.h"
#include "report/ReportModel.h"

namespace moat::report {

NetworkSection buildNetwork(const ir::Policy &policy, const eval::Evaluator &evaluator, ir::Platform platform,
                            const SourceFiles &files);

} // namespace moat::report
