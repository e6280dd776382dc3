// `moat build --target=seccomp`: the BPF program bwrap's `--seccomp FD`
// loads (docs/backends.md, "seccomp").
#pragma once
#include "backends/Backend.h"

namespace moat::backends::seccomp {

// --format: "" or "bpf" (default) writes the raw program (struct
// sock_filter[]); "pfc" writes libseccomp's human-readable form for review;
// "runtime-pfc" the same for the filter `moat run` loads (RuntimeFilter.h),
// which brokers unix socket connects instead of refusing them.
void build(const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
           BuildResult &result);

} // namespace moat::backends::seccomp
