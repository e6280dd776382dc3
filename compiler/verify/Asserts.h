// The policy's own claims (`assert allow|deny read|write|connect "SUBJECT"`),
// decided over EVERY path or endpoint the subject covers, not over samples:
// each assert reduces to a few exact emptiness questions (Witness.h), and a
// failing assert comes with a counterexample the reference evaluator
// confirms. `moat verify` prints the outcome of each; `moat check` reports
// the failures as `assert-failed` findings. docs/rules/assert-failed.md
// and docs/semantics.md ("Deciding over all paths") describe the meaning.
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/eval/Bindings.h"
#include "compiler/eval/Evaluator.h"
#include "compiler/ir/Policy.h"

#include <optional>
#include <string>
#include <vector>

namespace moat::verify {

// The stable finding id of a failed assert.
inline constexpr const char *kAssertFailedId = "assert-failed";

struct AssertOutcome {
  const ir::Assertion *assertion = nullptr;
  bool holds = true;
  // When it fails: the first platform (Linux, then macOS) with a
  // counterexample, and whether every platform the assert covers has one.
  ir::Platform platform = ir::Platform::Linux;
  bool everyPlatform = true;
  // The counterexample: an absolute path, or an endpoint.
  std::string path;
  std::optional<net::Endpoint> endpoint;
  // What decided it (the evaluator's answer for the counterexample).
  eval::FsDecision fs;
  eval::NetDecision net;
};

// Decides every assert of `policy` with its roots bound by `bindings` (the
// caller chooses: lint's canonical model, plus --define for `moat verify`).
// An assert outside platform blocks must hold on Linux and on macOS; one
// inside `on linux { }` / `on macos { }` on that platform. Fails (nullopt,
// `error`) when a root cannot be bound.
//
// `assert deny` fails for a path the policy allows, or an endpoint it
// allows or asks about; `assert allow` fails for a path it denies, or an
// endpoint it denies or asks about. `ask` is neither: a prompt or a decider
// may answer either way, so it proves neither claim.
std::optional<std::vector<AssertOutcome>> checkAsserts(const ir::Policy &policy,
                                                       const eval::Bindings &bindings,
                                                       std::string &error);

// `deny read "~/.ssh/**"`: the assert as written, for messages.
std::string assertionText(const ir::Assertion &a);

// A path as a reader knows it: under $CWD as "$CWD/...", under $HOME as
// "~/...", others unchanged (the bindings' values of CWD and HOME).
std::string displayPath(const eval::Bindings &bindings, const std::string &absPath);

// The `assert-failed` finding of a failed outcome: error at the assert,
// "assertion 'deny read "~/.ssh/**"' fails: ~/.ssh/id_rsa is readable",
// with a note at what decided the counterexample (the rule, the default
// or the option that disabled confinement; no location for built-in rules
// and implicit defaults).
Diagnostic assertFailure(const ir::Policy &policy, const eval::Bindings &bindings,
                         const AssertOutcome &outcome);

// The counterexample alone ("~/.ssh/id_rsa is readable (on macOS)") and the
// note text, for `moat verify`'s one-line form.
std::string counterexampleText(const eval::Bindings &bindings, const AssertOutcome &outcome);
std::string decidedByText(const ir::Policy &policy, const AssertOutcome &outcome);

} // namespace moat::verify
