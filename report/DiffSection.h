// The diff section of `moat report OLD NEW`: what `moat diff OLD NEW`
// prints, one entry per region or option change, looser ones first.
#pragma once
#include "compiler/verify/DiffReport.h"
#include "report/ReportModel.h"

namespace moat::report {

DiffSection buildDiffSection(const verify::DiffReportContext &ctx, const verify::PolicyDiff &diff,
                             std::string oldFile, std::string newFile);

} // namespace moat::report
