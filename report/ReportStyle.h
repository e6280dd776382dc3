// The report page's stylesheet (inline in the page: it fetches nothing).
#pragma once

namespace moat::report {

const char *reportStyle();

} // namespace moat::report
