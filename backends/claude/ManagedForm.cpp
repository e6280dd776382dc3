// The managed form of the claude target: forbids as deny rules, refusals
// for what Claude Code's managed settings cannot lock.
#include "backends/claude/ManagedForm.h"

#include <fmt/format.h>

namespace moat::backends::claude {

namespace {

ir::FsRule denyFs(const ir::Forbid &f, ir::Access access) {
  ir::FsRule r;
  r.effect = ir::Effect::Deny;
  r.access = access;
  r.tier = ir::Tier::Always;
  r.pattern = f.path;
  r.platform = f.platform;
  r.reason = f.reason;
  r.prov = f.prov;
  return r;
}

} // namespace

bool prepareManagedForm(ir::Policy &policy, DiagnosticEngine &diags) {
  const unsigned errorsBefore = diags.errorCount();
  if (policy.lockFilesystemWrite)
    diags.report(DiagKind::BackendRefused, *policy.lockFilesystemWrite,
                 "Claude Code managed settings cannot lock write rules (there is no allowManagedWritePathsOnly): "
                 "a user or project allowWrite would still count");
  const bool readsLocked = policy.options.flag(ir::OptionId::LockFilesystemRead);
  for (const ir::Forbid &f : policy.forbids) {
    switch (f.subject) {
    case ir::ForbidSubject::Connect:
      policy.netRules.push_back(ir::NetRule{ir::Effect::Deny, ir::Tier::Always, f.host, f.platform, f.prov});
      diags.report(DiagKind::UnenforceableRule, f.prov.loc,
                   fmt::format("'forbid connect \"{}\"' is written as a denied domain: Claude Code has no "
                               "forbid, and a denied domain wins over every allowed one",
                               f.text));
      break;
    case ir::ForbidSubject::Write:
      policy.fsRules.push_back(denyFs(f, ir::Access::Write));
      diags.report(DiagKind::UnenforceableRule, f.prov.loc,
                   fmt::format("'forbid write \"{}\"' is written as denyWrite: Claude Code has no forbid, and "
                               "denyWrite wins over every allowWrite",
                               f.text));
      break;
    case ir::ForbidSubject::Read:
      if (!readsLocked) {
        diags.report(DiagKind::BackendRefused, f.prov.loc,
                     fmt::format("'forbid read \"{}\"' cannot be held in Claude Code managed settings without "
                                 "'lock filesystem read': a lower allowRead wins over denyRead",
                                 f.text));
        break;
      }
      policy.fsRules.push_back(denyFs(f, ir::Access::Read));
      diags.report(DiagKind::UnenforceableRule, f.prov.loc,
                   fmt::format("'forbid read \"{}\"' is written as denyRead (reads are locked, so no lower "
                               "allowRead counts)",
                               f.text));
      break;
    case ir::ForbidSubject::UnixSocket:
      diags.report(DiagKind::BackendRefused, f.prov.loc,
                   fmt::format("'forbid unix-socket \"{}\"' cannot be held in Claude Code managed settings: "
                               "they have no way to keep lower files from allowing a socket",
                               f.text));
      break;
    }
  }
  for (const ir::Assertion &r : policy.requirements)
    diags.report(DiagKind::UnenforceableRule, r.prov.loc,
                 "Claude Code does not check requirements: this one holds for the layers moat merged; run 'moat "
                 "check --managed' on the other settings files");
  return diags.errorCount() == errorsBefore;
}

} // namespace moat::backends::claude
