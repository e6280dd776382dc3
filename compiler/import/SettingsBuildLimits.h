// What `moat build` (and anything else that turns a policy into enforcement)
// must refuse in a policy read from srt or Claude Code settings. `moat check`
// accepts every key those runtimes accept and models it in the IR; a few
// keys make the runtime stricter in ways no moat backend reproduces (an
// outside program filters the traffic or installs the syscall filter), so
// building without them would be looser than the runtime. Those are refused
// here, at the key, with unsupported-setting; check never calls this.
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/ir/Policy.h"

namespace moat::import {

// Reports unsupported-setting for each such option the policy sets, and once
// for an srt file with an invalid-entry finding (srt would run its deny-all
// defaults instead of the file); returns false when it reported any.
bool refuseUnbuildableSettings(const ir::Policy &policy, DiagnosticEngine &diags);

} // namespace moat::import
