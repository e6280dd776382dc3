// Judging a policy by the runtime that reads its file (docs/semantics.md,
// "Runtimes"). `moat check` on an srt or Claude Code settings file answers
// what that runtime does with it, gaps included; this pass turns the IR,
// as loaded with moat's semantics, into the IR of that answer, so that the
// one reference evaluator (and every lint rule) can decide over it:
//  * the built-in protection set becomes the runtime's
//    (sema/RuntimeProtections.h);
//  * srt's Linux mount mechanics (srt and Claude Code alike: Claude runs
//    srt) are made explicit as platform-tagged rules: write globs skipped,
//    read-deny globs starting with a wildcard skipped, a write bind
//    re-exposing a read-denied parent, a tmpfs swallowing writes under a
//    read-denied path, an allowRead carve-out bound read-only over a write
//    root, allowUnixSockets honoured on macOS only.
// Where the mechanics make the runtime differ from its own file, the pass
// records why (ir::Policy::runtimeMechanics, reported as runtime-mechanics).
#pragma once
#include "compiler/eval/Bindings.h"
#include "compiler/ir/Policy.h"

#include <optional>
#include <string_view>

namespace moat::sema {

// The platform a file is judged on when nothing says otherwise: macOS for
// a file written for it (a rule under /Users, /private, /Library or
// ~/Library, or enabled-platforms naming macOS and not Linux), else Linux.
ir::Platform writtenForPlatform(const ir::Policy &policy);

// Rewrites `policy` (loaded with moat's semantics) into `runtime`'s, judged
// on `platform` (Any only for moat). Roots are compared under `bindings`
// (lint's model in `moat check`, the environment in `moat query`); rules
// it adds keep their symbolic patterns. Moat leaves the rules as they are.
// srt's deniedResolvedAddresses binds only what an allowed name resolves
// to, never an IP-literal host or a loopback name
// (ir::NetRule::resolvedAddressesOnly): nothing a static reading decides.
// Drops those rules, as srt's runtime semantics and the srt export's round
// trip read the list.
void dropResolvedAddressRules(ir::Policy &policy);

void applyRuntime(ir::Policy &policy, ir::Runtime runtime, ir::Platform platform,
                  const eval::Bindings &bindings);

// "srt" -> Srt etc.; nullopt for anything else.
std::optional<ir::Runtime> parseRuntime(std::string_view name);

} // namespace moat::sema
