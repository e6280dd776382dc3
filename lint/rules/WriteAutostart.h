// write-autostart: a location the session, systemd, cron or launchd starts programs from is writable.
#pragma once
#include "lint/Context.h"

namespace moat::lint {
void checkWriteAutostart(const LintContext &ctx, const RuleInfo &self);
} // namespace moat::lint
