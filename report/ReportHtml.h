// Renders a Report as one self-contained HTML page: inline CSS, no script,
// a Content-Security-Policy that forbids every fetch, no URL outside the
// page, every policy-derived string escaped (HtmlText.h), and the same
// bytes for the same report (no timestamps). Stable ids for tools and
// tests: #summary, #diff, #fs-tree, #network, #options, #findings,
// #rule-docs, #rule-<id>.
#pragma once
#include "report/ReportModel.h"

#include <string>

namespace moat::report {

std::string renderHtml(const Report &report);

} // namespace moat::report
