// How the launcher starts bubblewrap: its arguments (the bwrap target's
// plan with what `moat run` changes in it), the descriptors it inherits at
// fixed numbers, and the spawn. Everything else the launcher has
// open (the proxy's sockets, the log) is closed before bubblewrap runs.
#pragma once
#include "backends/bwrap/MountPlan.h"
#include "compiler/eval/Evaluator.h"
#include "runtime/Launch.h"
#include "runtime/platform/linux/Bridge.h"
#include "runtime/platform/linux/UniqueFd.h"

#include <string>
#include <string_view>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace moat::runtime::linux_platform {

// The descriptors bubblewrap inherits, at fixed numbers (everything else
// above them is closed before bubblewrap starts: the proxy's sockets and the
// log must never reach the sandbox).
constexpr int kArgsFd = 3;
constexpr BridgeFds kBridgeFds{4, 5};
constexpr int kFirstClosedFd = 6;

// A sealed memfd holding `bytes`, rewound (empty UniqueFd and `error` on failure).
UniqueFd sealedMemfd(const char *name, std::string_view bytes, std::string &error);

// Moves a descriptor above everything the child will use, so that putting
// the inherited set in place cannot overwrite one of its members.
UniqueFd high(UniqueFd fd);

// bubblewrap's arguments, NUL-separated for --args (a plan can hold
// thousands, beyond what a command line may carry). `extraEnv` is set and
// `unsetEnv` removed in the sandbox's environment (the git proxy's routing,
// the git tokens' variables: runtime/git/GitLaunch.h).
std::string bwrapArguments(const backends::bwrap::Plan &plan, const LaunchRequest &request,
                           const std::string &runtimeBase, const std::string &emptyFile,
                           const eval::Evaluator &evaluator,
                           const std::vector<std::pair<std::string, std::string>> &extraEnv = {},
                           const std::vector<std::string> &unsetEnv = {});

struct ChildFds {
  UniqueFd args, control, exe;
  int stdinFd = 0; // what the sandbox reads as standard input (StdinRelay.h)
};

// Starts bubblewrap (posix_spawn) with exactly the inherited descriptors;
// -1 and `error` when it cannot (not installed, out of processes).
pid_t spawnBwrap(ChildFds &fds, const std::vector<std::string> &argv, std::string &error);

} // namespace moat::runtime::linux_platform
