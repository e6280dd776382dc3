// `moat __connect PROXY HOST PORT`: a SOCKS5 client on stdin/stdout, for
// ssh's ProxyCommand. Inside the sandbox the only way out is moat's proxy,
// and ssh cannot speak SOCKS itself; `moat run` sets GIT_SSH_COMMAND so
// that git over ssh goes through this helper (and so through the policy),
// without relying on a netcat the sandbox may not have.
#pragma once

namespace moat::runtime {

// argv: moat __connect 127.0.0.1:1080 HOST PORT. Exit 0 when the relay
// ended, 1 when the proxy refused or could not be reached (the reason on
// stderr, which ssh shows).
int socksConnectMain(int argc, char **argv);

} // namespace moat::runtime
