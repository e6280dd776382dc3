// unix-socket-container-runtime: known sockets (lint/data/container-sockets.txt) the policy lets the process connect to.
// Docs: docs/rules/unix-socket-container-runtime.md.
#include "lint/rules/UnixSocketContainerRuntime.h"

#include "lint/SocketProbe.h"

namespace moat::lint {

void checkUnixSocketContainerRuntime(const LintContext &ctx, const RuleInfo &self) { reportSockets(ctx, self, containerSockets(), true); }

} // namespace moat::lint
