// unix-socket-sensitive: known sockets (lint/data/session-sockets.txt) the policy lets the process connect to.
// Docs: docs/rules/unix-socket-sensitive.md.
#include "lint/rules/UnixSocketSensitive.h"

#include "lint/SocketProbe.h"

namespace moat::lint {

void checkUnixSocketSensitive(const LintContext &ctx, const RuleInfo &self) { reportSockets(ctx, self, sessionSockets(), false); }

} // namespace moat::lint
