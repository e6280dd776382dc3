// One decision of the reference evaluator as the report shows it: the same
// pieces `moat query` prints (effect, deciding rule, its location), plus the
// rule's layer.
#pragma once
#include "compiler/diagnostics/SourceFiles.h"
#include "compiler/eval/Evaluator.h"
#include "report/ReportModel.h"

#include <string>

namespace moat::report {

// "file:line:col", or "" for an invalid location.
std::string locationText(const SourceFiles &files, SourceLoc loc);

Verdict fsVerdict(const eval::FsDecision &d, ir::Access access, const ir::Policy &policy, const SourceFiles &files);
Verdict netVerdict(const eval::NetDecision &d, const ir::Policy &policy, const SourceFiles &files);

} // namespace moat::report
