// write-autostart: a location the session, systemd, cron or launchd starts programs from is writable.
// Knowledge: lint/data/autostart.txt. Docs: docs/rules/write-autostart.md.
#include "lint/rules/WriteAutostart.h"

#include "lint/PathProbe.h"

namespace moat::lint {

void checkWriteAutostart(const LintContext &ctx, const RuleInfo &self) { reportWritable(ctx, self, autostartPaths()); }

} // namespace moat::lint
