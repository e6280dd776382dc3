// The launcher and its in-sandbox bridge talk over one SOCK_SEQPACKET
// socketpair that bubblewrap passes through: fixed-size messages (a message
// is never split or merged), each optionally carrying one descriptor. The
// launcher sends the session credential and forwarded signals; the bridge
// sends the seccomp notification descriptor, that the command started (or
// why it could not), and how it ended. The launcher trusts nothing else the
// bridge says: the bridge runs inside the sandbox.
#pragma once
#include <array>
#include <cstdint>
#include <optional>

namespace moat::runtime::linux_platform {

enum class ControlType : uint32_t {
  Credential = 1, // launcher -> bridge: data = the proxy credential
  Signal,         // launcher -> bridge: value = signal number to pass on
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
