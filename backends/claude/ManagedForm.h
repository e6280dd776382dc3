// `moat build --target=claude --managed=FILE`: what the managed policy says
// beyond rules (forbid, lock filesystem write, require), made to hold in a
// Claude Code managed-settings.json, or refused where Claude Code cannot
// hold it against the lower settings files it merges (docs/managed.md,
// "Exporting to Claude Code").
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/ir/Policy.h"

namespace moat::backends::claude {

// Rewrites the effective policy for the managed form: `forbid connect` and
// `forbid write` become managed deny rules (Claude Code's deniedDomains and
// denyWrite win over any lower allow), `forbid read` a deny too when reads
// are locked (otherwise a lower allowRead would beat it). Refuses (error,
// false) `lock filesystem write`, `forbid unix-socket` and an unlocked
// `forbid read`: Claude Code has no key that keeps lower files from
// loosening them. A `require` is warned about: moat checked it for the
// layers it was given, Claude Code checks nothing.
bool prepareManagedForm(ir::Policy &policy, DiagnosticEngine &diags);

} // namespace moat::backends::claude
