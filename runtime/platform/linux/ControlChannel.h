// The launcher and its in-sandbox bridge talk over one SOCK_SEQPACKET
// socketpair that bubblewrap passes through: fixed-size messages (a message
// is never split or merged), each optionally carrying one descriptor. The
// launcher sends the command's seccomp program and forwarded signals; the
// bridge sends the proxy's two listeners, the seccomp notification
// descriptor, that the command started (or why it could not), and how it
// ended. The launcher trusts nothing else the bridge says: the bridge runs
// inside the sandbox (a handed-over listener is checked to be a listening
// TCP socket before the proxy serves it).
#pragma once
#include <array>
#include <cstdint>
#include <optional>

namespace moat::runtime::linux_platform {

enum class ControlType : uint32_t {
  Filter = 1,     // launcher -> bridge: the seccomp program (a sealed memfd) rides along;
                  //   value = 1 when its unix-socket connects are brokered (the
                  //   bridge then hands over the notification descriptor)
  Signal,         // launcher -> bridge: value = signal number to pass on
  ProxyListener,  // bridge -> launcher: a listening socket on 127.0.0.1 rides along; value = port
  Listener,       // bridge -> launcher: the seccomp listener descriptor rides along
  Started,        // bridge -> launcher: the command was exec'd
  ExecFailed,     // bridge -> launcher: value = errno of execvp
  Exited,         // bridge -> launcher: value = the status to exit with
  SetupFailed,    // bridge -> launcher: value = errno; data = what failed (text)
};

struct ControlMessage {
  ControlType type = ControlType::Signal;
  int32_t value = 0;
  std::array<unsigned char, 64> data{};
};

// Sends one message (and `fd` when >= 0). False on error.
bool sendControl(int socket, const ControlMessage &message, int fd = -1);
// Receives one message; a descriptor that rode along is stored in `fd`
// (else -1). nullopt at end of stream or on error.
std::optional<ControlMessage> receiveControl(int socket, int &fd);

} // namespace moat::runtime::linux_platform
