// The registry of build targets: one line per target.
#include "backends/Backend.h"
#include "backends/bwrap/Bwrap.h"
#include "backends/claude/ClaudeTarget.h"
#include "backends/proxy/ProxyTarget.h"
#include "backends/sbpl/Sbpl.h"
#include "backends/seccomp/SeccompTarget.h"
#include "backends/squid/SquidTarget.h"
#include "backends/srt/SrtTarget.h"

namespace moat::backends {

const std::vector<Target> &targets() {
  static const std::vector<Target> all = {
      {"bwrap", "bubblewrap arguments for bwrap --args FD (--format=json|shell)", bwrap::build},
      {"sbpl", "macOS Seatbelt profile for sandbox-exec -f (roots as -D parameters)", sbpl::build},
      {"seccomp", "seccomp BPF for bwrap --seccomp FD, x86_64 + aarch64 (--format=bpf|pfc|runtime-pfc)", seccomp::build},
      {"proxy", "the allowlist moat's filtering proxy reads (--format=linux|macos)", proxy::build},
      {"srt", "sandbox-runtime srt-settings.json (--format=linux|macos for one platform)", srt::build},
      {"claude", "Claude Code settings.json sandbox block (--format=linux|macos)", claude::build},
      {"squid", "squid.conf fragment for an egress proxy, squid-openssl (--format=all|linux|macos)", squid::build},
  };
  return all;
}

const Target *findTarget(std::string_view name) {
  for (const Target &t : targets())
    if (name == t.name)
      return &t;
  return nullptr;
}

} // namespace moat::backends
