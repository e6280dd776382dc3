// The built-in protection set of each runtime, as data: one evaluator judges
// a policy by whichever runtime reads it, with that runtime's set in place
// of moat's (DESIGN.md "Two questions, kept apart"; docs/semantics.md,
// "Runtimes").
//  * moat:   builtin-protections.txt, at every depth and in $HOME.
//  * srt:    srt-mandatory-denies.txt, only under the launch directory; on
//            Linux to mandatoryDenySearchDepth (default 3), on macOS at any
//            depth below it.
//  * claude: srt's set plus claude-protections.txt (Claude Code's settings).
#pragma once
#include "compiler/ir/Policy.h"

#include <vector>

namespace moat::sema {

// srt's default mandatoryDenySearchDepth.
inline constexpr int kSrtDefaultSearchDepth = 3;

// The runtime's `always deny write` rules (layer Builtin), minus those a
// set option lifts (allow-git-config). Rules that hold on one platform only
// carry it (ir::FsRule::platform).
std::vector<ir::FsRule> runtimeProtections(ir::Runtime runtime, const ir::Options &options);

} // namespace moat::sema
