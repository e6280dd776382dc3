// The bwrap target: a policy compiled into bubblewrap 0.8 arguments
// (docs/backends.md, "bwrap").
#pragma once
#include "backends/Backend.h"

namespace moat::backends::bwrap {

void build(const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags, BuildResult &result);

class Disk;
struct Plan;
// The same on a given disk (unit tests use a fake one); `plan`, when given,
// receives the mount plan.
void buildOn(const Disk &disk, const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
             BuildResult &result, Plan *plan = nullptr);

// The output forms: "" or "args" (NUL-separated, for bwrap --args FD),
// "json", "shell".
bool knownFormat(const std::string &format);

} // namespace moat::backends::bwrap
