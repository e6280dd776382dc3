#include "EffectivePolicy.h"

#include "compiler/Frontend.h"
#include "compiler/layers/Layers.h"

#include <vector>

namespace moat::cli {

bool refused(const DiagnosticEngine &diags) {
  if (diags.hasInputErrors())
    return true;
  for (const Diagnostic &d : diags.diagnostics())
    if (d.severity == Severity::Error && d.id == layers::kManagedViolationId)
      return true;
  return false;
}

namespace {
// Reports what the merge dropped: warnings, or errors under --strict. A
// requirement the managed policy fails by itself is always an error.
void reportViolations(const ir::Policy &effective, bool strict, DiagnosticEngine &diags) {
  for (const ir::ManagedViolation &v : effective.managedViolations) {
    bool error = strict || !v.dropped;
    diags.add(layers::violationDiagnostic(v, error ? Severity::Error : Severity::Warning,
                                          v.dropped && !strict ? "; it is dropped" : ""));
  }
}
} // namespace

std::optional<ir::Policy> loadEffectivePolicy(const LayerFiles &files, const eval::Bindings &bindings,
                                              DiagnosticEngine &diags) {
  layers::ManagedLayer managed = layers::loadManagedLayer(files.managed, diags);
  if (!managed.ok)
    return std::nullopt; // never go on as if the managed layer were absent
  std::optional<ir::Policy> project, user, commandLine;
  if (!files.project.empty() && !(project = layers::loadLayer(files.project, ir::Layer::SharedProject, diags)))
    return std::nullopt;
  if (!files.user.empty() && !(user = layers::loadLayer(files.user, ir::Layer::User, diags)))
    return std::nullopt;
  if (!files.commandLine.empty()) {
    uint32_t buffer = diags.files().addBuffer("<command line>", files.commandLine);
    if (!(commandLine = loadPolicyBuffer(buffer, ir::Layer::CommandLine, diags)))
      return std::nullopt;
  }
  if (refused(diags))
    return std::nullopt;
  std::vector<const ir::Policy *> lower;
  for (const std::optional<ir::Policy> *p : {&commandLine, &project, &user})
    if (*p)
      lower.push_back(&**p);
  if (!managed.policy && lower.size() == 1)
    return std::move(project ? project : commandLine ? commandLine : user);
  if (!managed.policy && lower.empty())
    return std::nullopt;
  auto effective = layers::merge(managed.policy ? &*managed.policy : nullptr, lower, bindings, diags);
  if (!effective)
    return std::nullopt;
  reportViolations(*effective, files.strict, diags);
  if (refused(diags))
    return std::nullopt;
  return effective;
}

} // namespace moat::cli
