// The launcher's side of the bridge: how bubblewrap is told to start it.
#include "runtime/platform/linux/Bridge.h"

namespace moat::runtime::linux_platform {

std::vector<std::string> bridgeCommand(const BridgeFds &fds, const std::vector<std::string> &command) {
  std::vector<std::string> argv = {
      "/proc/self/fd/" + std::to_string(fds.exe),
      "__bridge",
      "--control=" + std::to_string(fds.control),
      "--exe=" + std::to_string(fds.exe),
      "--",
  };
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
}

} // namespace moat::runtime::linux_platform
