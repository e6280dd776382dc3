// Internals shared by the layer merge (Merge.cpp) and the checks of the
// managed constraints (Constraints.cpp).
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/eval/Bindings.h"
#include "compiler/ir/Policy.h"

#include <optional>
#include <string>

namespace moat::layers::detail {

// A statement below the managed layer (built-in protections are moat's own,
// neither managed nor lower).
inline bool isLower(ir::Layer l) { return l != ir::Layer::Managed && l != ir::Layer::Builtin; }

// Whether rules of these platforms can ever apply together.
inline bool platformsMeet(ir::Platform a, ir::Platform b) {
  return a == ir::Platform::Any || b == ir::Platform::Any || a == b;
}

// Where each default of the merged policy came from (nullopt: built in).
struct DefaultSources {
  std::optional<ir::Layer> read, write, connect;
};

// The effective policy, before the lower statements that break a managed
// constraint are found and dropped.
struct Merged {
  ir::Policy policy;
  DefaultSources defaultsFrom;
  // Per option (index = OptionId): the layer whose setting is in `policy`.
  std::vector<std::optional<ir::Layer>> optionsFrom;
};

// Records a violation in `policy.managedViolations`.
void addViolation(ir::Policy &policy, SourceLoc lowerLoc, std::string message, SourceLoc managedLoc,
                  std::string managedNote, bool dropped = true);

// "forbidden here: 'forbid connect "HOST"' because REASON": the note of a
// violation of a forbid.
std::string forbidNote(const ir::Forbid &f);

// The git blocks' share of enforceConstraints (GitConstraints.cpp): under
// `lock network` (`networkLock`: where the managed layer sets it) lower
// layers' git blocks are dropped like their connect rules; a managed
// `forbid connect` drops each lower remote whose host it covers.
void enforceGitConstraints(ir::Policy &policy, std::optional<SourceLoc> networkLock);

// Finds and drops every lower rule that breaks a lock, a forbid, a managed
// deny or a requirement (recorded as violations). Restores built-in
// defaults a lower layer set when they break a requirement. False (with an
// error reported) when a pattern cannot be bound.
bool enforceConstraints(Merged &merged, const eval::Bindings &bindings, DiagnosticEngine &diags);

} // namespace moat::layers::detail
