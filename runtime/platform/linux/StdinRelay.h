// Standard input that is a file on the host is handed to the sandbox as a
// pipe. The descriptor itself would be enough to read it, but it also names
// the file: reopening /proc/self/fd/0 for writing goes through the host's
// mount of that file, not the sandbox's, and would let the command write a
// file the policy protects (`moat run -- sh < ~/.bashrc`). A pipe names
// nothing. Terminals, pipes and sockets pass through as they are.
// Standard output and error are the user's chosen destinations and pass
// through unchanged (docs/runtime.md says what that allows).
#pragma once
#include <thread>

namespace moat::runtime::linux_platform {

class StdinRelay {
public:
  // Looks at descriptor 0; when it is a file, starts copying it into a pipe.
  StdinRelay();
  ~StdinRelay(); // stops copying and joins
  StdinRelay(const StdinRelay &) = delete;
  StdinRelay &operator=(const StdinRelay &) = delete;

  // The descriptor the sandbox gets as its standard input (0 when it passes
  // through unchanged). -1: the pipe could not be made (moat must not start).
  int sandboxStdin() const { return sandboxFd_; }
  // Call in the parent after the sandbox has started: drops the launcher's
  // copy of the pipe's read end.
  void started();

private:
  int sandboxFd_ = 0;
  std::thread copier_;
};

} // namespace moat::runtime::linux_platform
